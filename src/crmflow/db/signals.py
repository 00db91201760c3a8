"""In-process wake-ups: tell the embedded runtime that new work was committed.

Only a latency optimisation: the scheduler's periodic relay finds the same work in the
database, so a missed wake-up never loses anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

EVENTS_KEY = "crmflow_new_events"
EXECUTIONS_KEY = "crmflow_new_executions"
NOTIFICATIONS_KEY = "crmflow_new_notifications"

# A created notification: (company_id, user_id, notification_id).
NotificationRef = tuple[int, int, int]

_event_listeners: list[Callable[[], None]] = []
_execution_listeners: list[Callable[[list[int]], None]] = []
# Not cleared by unsubscribe_all(): the live-notification fan-out subscribes once per process.
_notification_listeners: list[Callable[[Session, list[NotificationRef]], None]] = []


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


def subscribe_notifications(listener: Callable[[Session, list[NotificationRef]], None]) -> None:
    """Call `listener(session, refs)` after any commit that created notifications (once)."""
    if listener not in _notification_listeners:
        _notification_listeners.append(listener)


def unsubscribe_notifications(listener: Callable[[Session, list[NotificationRef]], None]) -> None:
    """Stop calling `listener` after commits."""
    if listener in _notification_listeners:
        _notification_listeners.remove(listener)


def mark_events_written(session: Session) -> None:
    """Note on the session that it wrote events, so committing it wakes the dispatcher."""
    session.info[EVENTS_KEY] = True


def mark_executions_ready(session: Session, execution_ids: list[int]) -> None:
    """Note on the session that these executions become runnable when it commits."""
    session.info.setdefault(EXECUTIONS_KEY, []).extend(execution_ids)


def mark_notifications_created(session: Session, refs: list[NotificationRef]) -> None:
    """Note on the session that these notifications exist once it commits.

    A savepoint of the session that rolls back drops the refs marked inside it; so does a
    rollback of the whole transaction.
    """
    savepoint = session.get_nested_transaction()
    session.info.setdefault(NOTIFICATIONS_KEY, []).extend((ref, savepoint) for ref in refs)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(EVENTS_KEY, False):
        for listener in list(_event_listeners):
            listener()
    ready = session.info.pop(EXECUTIONS_KEY, None)
    if ready:
        for exec_listener in list(_execution_listeners):
            exec_listener(ready)
    # after_commit also fires when a savepoint is released: push only at the real commit.
    if session.in_nested_transaction():
        return
    created = session.info.pop(NOTIFICATIONS_KEY, None)
    if created:
        notifications_committed(session, [ref for ref, _ in created])


def notifications_committed(session: Session, refs: list[NotificationRef]) -> None:
    """Tell the notification listeners that these notifications exist (a commit, or a peer's)."""
    for notification_listener in list(_notification_listeners):
        try:
            notification_listener(session, refs)
        except Exception:  # the commit is done: a push never fails it
            logging.getLogger("crmflow.live").exception("notification listener failed")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(EVENTS_KEY, None)
    session.info.pop(EXECUTIONS_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The whole transaction ended without a commit (after_commit took the marks first):
    # rolled back or closed.
    if transaction.parent is None and NOTIFICATIONS_KEY in session.info:
        session.info.pop(NOTIFICATIONS_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    created = session.info.get(NOTIFICATIONS_KEY)
    if not created or not previous_transaction.nested:
        return  # the whole transaction: after_transaction_end drops everything
    # A savepoint rolled back: forget what was marked inside it (or inside its savepoints).
    session.info[NOTIFICATIONS_KEY] = [
        (ref, savepoint)
        for ref, savepoint in created
        if not _within(savepoint, previous_transaction)
    ]


def _within(savepoint: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ancestor:
            return True
        savepoint = savepoint.parent
    return False
