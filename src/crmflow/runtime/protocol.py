"""The Runtime protocol: what `crmflow serve` needs from whatever runs the executions."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


# The database is the source of truth: the notifications below only save latency, and a runtime
# that misses one finds the work at its next relay tick. runtime_checkable lets the tests (and a
# plug-in's author) check an object with isinstance; mypy checks the signatures where a class is
# registered in runtime.factory.RUNTIMES.
@runtime_checkable
class Runtime(Protocol):
    """Runs, or hands to workers, the executions the database holds."""

    def start(self) -> None:
        """Start the background work and subscribe to commits; raise if it cannot work at all."""
        ...

    def stop(self, timeout: float = ...) -> None:
        """Unsubscribe, finish what is in hand (waiting at most `timeout` s per thread), stop."""
        ...

    def events_committed(self) -> None:
        """A commit wrote events: dispatch them soon (calls may be coalesced)."""
        ...

    def executions_ready(self, execution_ids: list[int]) -> None:
        """A commit made these executions runnable: run them soon (duplicates are harmless)."""
        ...
