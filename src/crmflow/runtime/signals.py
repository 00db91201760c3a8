"""In-process wake-ups: tell the embedded runtime that new work was committed.

Only a latency optimisation: the scheduler's periodic relay finds the same work in the
database, so a missed wake-up never loses anything.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

EVENTS_KEY = "crmflow_new_events"
EXECUTIONS_KEY = "crmflow_new_executions"

_event_listeners: list[Callable[[], None]] = []
_execution_listeners: list[Callable[[list[int]], None]] = []


def subscribe_events(listener: Callable[[], None]) -> None:
    """Call `listener` after any commit that wrote events."""
    _event_listeners.append(listener)


def subscribe_executions(listener: Callable[[list[int]], None]) -> None:
    """Call `listener` with execution ids after any commit that made executions runnable."""
    _execution_listeners.append(listener)


def unsubscribe_all() -> None:
    """Drop every listener (runtime shutdown, tests)."""
    _event_listeners.clear()
    _execution_listeners.clear()


def mark_events_written(session: Session) -> None:
    """Note on the session that it wrote events, so committing it wakes the dispatcher."""
    session.info[EVENTS_KEY] = True


def mark_executions_ready(session: Session, execution_ids: list[int]) -> None:
    """Note on the session that these executions become runnable when it commits."""
    session.info.setdefault(EXECUTIONS_KEY, []).extend(execution_ids)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(EVENTS_KEY, False):
        for listener in list(_event_listeners):
            listener()
    ready = session.info.pop(EXECUTIONS_KEY, None)
    if ready:
        for exec_listener in list(_execution_listeners):
            exec_listener(ready)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(EVENTS_KEY, None)
    session.info.pop(EXECUTIONS_KEY, None)
