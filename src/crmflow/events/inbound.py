"""Inbound events (POST /events): validation and idempotent recording."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmflow.common.enums import TriggerType
from crmflow.common.errors import Invalid
from crmflow.crm.records import MODELS, load_entity, snapshot
from crmflow.events.models import Event
from crmflow.events.service import RecordedEvent, find_by_idempotency_key, insert_events

CUSTOM_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_.]{1,59}$")
# Raised by crmflow itself (scheduler, inactivity detector, "run now"), never from outside.
INTERNAL_EVENT_TYPES = frozenset(
    {TriggerType.SCHEDULED, TriggerType.INACTIVITY_DELAY, TriggerType.MANUAL}
)


def normalise_event_type(value: str) -> str:
    """Return the lower-case event type, or raise Invalid when it may not be sent from outside."""
    text = value.strip().lower()
    if text in INTERNAL_EVENT_TYPES:
        raise Invalid(f"type: {text!r} is raised by crmflow itself, not sent", field="type")
    if not CUSTOM_EVENT_TYPE.match(text):
        raise Invalid(
            f"type: {value!r} is neither a known event type nor a custom type matching "
            f"{CUSTOM_EVENT_TYPE.pattern} (e.g. 'invoice.paid')",
            field="type",
        )
    return text


def _check_changes(changes: dict[str, Any]) -> None:
    for field, pair in changes.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise Invalid(f"changes.{field}: expected [old, new]", field=f"changes.{field}")


def prepare_inbound_event(
    session: Session,
    *,
    company_id: int,
    type: str,
    entity_type: str | None = None,
    entity_id: int | None = None,
    payload: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    actor_user_id: int | None = None,
) -> Event | dict[str, Any]:
    """Check an external event: the event already recorded under its key, or the row to insert.

    Raises Invalid naming the field when the event may not be recorded.
    """
    event_type = normalise_event_type(type)
    _check_changes(changes or {})
    if (entity_type is None) != (entity_id is None):
        missing = "entity_id" if entity_id is None else "entity_type"
        raise Invalid(f"{missing}: entity_type and entity_id go together", field=missing)
    if entity_type is not None:
        if entity_type not in MODELS:
            raise Invalid(
                f"entity_type: expected one of {', '.join(MODELS)}, got {entity_type!r}",
                field="entity_type",
            )
        assert entity_id is not None
        entity = load_entity(
            session, company_id=company_id, entity_type=entity_type, entity_id=entity_id
        )
        if entity is None:
            raise Invalid(
                f"entity_id: no {entity_type} {entity_id} in this company", field="entity_id"
            )
        if payload is None:
            payload = snapshot(entity)
    if idempotency_key:
        existing = find_by_idempotency_key(session, company_id=company_id, key=idempotency_key)
        if existing is not None:
            return existing
    return {
        "company_id": company_id,
        "type": event_type,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "payload": payload or {},
        "changes": changes or {},
        "idempotency_key": idempotency_key,
        "source": "api",
        "actor_user_id": actor_user_id,
    }


def record_inbound_event(session: Session, **event: Any) -> tuple[RecordedEvent, bool]:
    """Record an external event once per idempotency key; return (event, created).

    `event` holds the arguments of `prepare_inbound_event`.
    """
    prepared = prepare_inbound_event(session, **event)
    if isinstance(prepared, Event):
        return prepared, False
    key = prepared["idempotency_key"]
    try:
        # A savepoint: losing the race on the unique key must not undo the caller's transaction.
        with session.begin_nested():
            [created] = insert_events(session, [prepared])
    except IntegrityError:
        if not key:
            raise
        existing = find_by_idempotency_key(session, company_id=prepared["company_id"], key=key)
        if existing is None:
            raise
        return existing, False
    return created, True
