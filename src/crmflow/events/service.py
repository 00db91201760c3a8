"""Write events into the outbox (same transaction as the change) and read them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, insert, select
from sqlalchemy.orm import Session

from crmflow.db.signals import mark_events_written
from crmflow.events.models import Event

# CRM event type -> the entity type it concerns.
EVENT_ENTITY_TYPES = {
    "organisation_created": "organisation",
    "organisation_updated": "organisation",
    "deal_created": "deal",
    "deal_updated": "deal",
    "deal_stage_changed": "deal",
    "task_completed": "task",
    "activity_logged": "activity",
}


def record_event(
    session: Session,
    *,
    company_id: int,
    type: str,
    entity_type: str | None,
    entity_id: int | None,
    payload: dict[str, Any],
    changes: dict[str, list[Any]] | None = None,
    causation_depth: int = 0,
    idempotency_key: str | None = None,
    source: str = "crm",
    actor_user_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """Add an event row to the current transaction; the dispatcher picks it up after commit."""
    event = Event(
        company_id=company_id,
        type=type,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=payload,
        changes=changes or {},
        causation_depth=causation_depth,
        idempotency_key=idempotency_key,
        source=source,
        actor_user_id=actor_user_id,
    )
    if occurred_at is not None:
        event.occurred_at = occurred_at
    session.add(event)
    mark_events_written(session)
    return event


EVENTS: Table = Event.__table__  # type: ignore[assignment]
# An event as recorded: the ORM object (read back) or the inserted row, both with the
# columns as attributes (what EventOut reads).
RecordedEvent = Event | Row[Any]
# Core, not ORM: the rows come back as plain rows (attributes named as the columns), without
# the identity map's bookkeeping, which cost more than the insert itself.
_INSERT_EVENTS = insert(EVENTS).returning(*EVENTS.c, sort_by_parameter_order=True)


def insert_events(session: Session, rows: list[dict[str, Any]]) -> list[RecordedEvent]:
    """Insert events in one statement; return them in `rows`' order (`.id`, `.payload`...).

    The dispatcher wakes after the commit.
    """
    if not rows:
        return []
    events: list[RecordedEvent] = list(session.execute(_INSERT_EVENTS, rows))
    mark_events_written(session)
    return events


def find_by_idempotency_key(session: Session, *, company_id: int, key: str) -> Event | None:
    """Return the company's event with this idempotency key, if any."""
    return session.scalar(
        select(Event).where(Event.company_id == company_id, Event.idempotency_key == key)
    )
