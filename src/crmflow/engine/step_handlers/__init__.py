"""One module per step type: `handle(env, run, compiled, previous, walk) -> PathOutcome`.

`previous` is the step's record from an earlier attempt (None the first time): a finished step
is replayed, never run twice. `walk` walks nested steps (a branch's path, parallel lanes).
"""
