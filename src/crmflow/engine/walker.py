"""Walk a workflow's step tree for one run: each step goes to the handler of its type.

A run re-walks its tree from the top every time it resumes. Finished steps (their records were
loaded from the database) are not run again: their handler replays their outcome, so a path
that stopped or failed stops again, and a branch follows the path it took before. A step that
has to wait (a delay, an approval, a retry back-off) leaves a `pending` record and blocks its
path; other parallel paths go on, and the execution waits until the earliest time any of them
asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crmflow.common.enums import StepStatus
from crmflow.engine.definition import (
    ActionStep,
    ApprovalStep,
    BranchStep,
    CompiledStep,
    DelayStep,
    ParallelStep,
    StopStep,
)
from crmflow.engine.run_state import GO_ON, PathOutcome, Run, StepEnv, Walk, record
from crmflow.engine.step_handlers import action, approval, branch, delay, parallel, stop

Handler = Callable[[StepEnv, Run, CompiledStep, dict[str, Any] | None, Walk], PathOutcome]

# One handler per step type (an action step is any type the action registry knows).
HANDLERS: dict[type, Handler] = {
    ActionStep: action.handle,
    ApprovalStep: approval.handle,
    BranchStep: branch.handle,
    DelayStep: delay.handle,
    ParallelStep: parallel.handle,
    StopStep: stop.handle,
}


def walk_steps(env: StepEnv, run: Run, steps: list[CompiledStep]) -> PathOutcome:
    """Run steps in order until the path ends (a stop, a failure, or a wait); say how."""
    for compiled in steps:
        outcome = run_step(env, run, compiled)
        if outcome.ended:
            return outcome
    return GO_ON


def run_step(env: StepEnv, run: Run, compiled: CompiledStep) -> PathOutcome:
    """Skip the step when its `when` says no (decided once, when first reached), else run it."""
    previous = run.done.get(compiled.path)
    if previous is None and compiled.path not in run.pending and compiled.when is not None:
        verdict = compiled.when.explain(run.data)
        if env.observe_when is not None:
            env.observe_when(compiled, verdict.to_dict())
        if not verdict.result:
            record(
                run,
                compiled,
                StepStatus.SKIPPED,
                message=f"when: {verdict.explanation}",
                output={"decision": verdict.to_dict()},
            )
            return GO_ON
    return HANDLERS[type(compiled.step)](env, run, compiled, previous, walk_steps)
