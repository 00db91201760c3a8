"""Find, reference-check and snapshot CRM records; record the events an update implies."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.common.errors import Invalid, NotFound
from crmflow.common.ids import is_valid_id
from crmflow.crm.fields import json_value
from crmflow.crm.models import Activity, Contact, Deal, Organisation, Task
from crmflow.crm.schemas import TaskStatus
from crmflow.events.service import record_event

CrmRecord = Organisation | Contact | Deal | Task | Activity
TaggableRecord = Organisation | Contact | Deal

MODELS: dict[str, type[CrmRecord]] = {
    "organisation": Organisation,
    "contact": Contact,
    "deal": Deal,
    "task": Task,
    "activity": Activity,
}
CREATED_EVENTS = {"organisation": "organisation_created", "deal": "deal_created"}
UPDATED_EVENTS = {"organisation": "organisation_updated", "deal": "deal_updated"}


def model_for(entity_type: str) -> type[CrmRecord]:
    """Return the ORM class of an entity type, or raise Invalid."""
    model = MODELS.get(entity_type)
    if model is None:
        raise Invalid(
            f"entity_type: unknown entity type {entity_type!r} "
            f"(expected one of {', '.join(MODELS)})",
            field="entity_type",
        )
    return model


def load_entity(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    entity_id: int,
    for_update: bool = False,
) -> CrmRecord | None:
    """Return the company's record of this type and id, or None.

    `for_update` locks the row (PostgreSQL) and re-reads it, for read-modify-write changes:
    two workers changing one record's tags must not lose each other's update.
    """
    model = model_for(entity_type)
    if not is_valid_id(entity_id):
        return None
    obj: CrmRecord | None = session.get(  # type: ignore[assignment]
        model, entity_id, with_for_update=for_update, populate_existing=for_update
    )
    if obj is None or obj.company_id != company_id:
        return None
    return obj


def require_entity(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    entity_id: int,
    for_update: bool = False,
) -> CrmRecord:
    """Return the company's record or raise NotFound (other companies' ids look missing)."""
    obj = load_entity(
        session,
        company_id=company_id,
        entity_type=entity_type,
        entity_id=entity_id,
        for_update=for_update,
    )
    if obj is None:
        raise NotFound(f"{entity_type} {entity_id} not found")
    return obj


def require_reference(
    session: Session, *, company_id: int, entity_type: str, entity_id: Any, field: str
) -> CrmRecord:
    """Return the referenced record of the company or raise Invalid naming the input field."""
    obj = None
    if is_valid_id(entity_id):
        obj = load_entity(
            session, company_id=company_id, entity_type=entity_type, entity_id=entity_id
        )
    if obj is None:
        raise Invalid(f"{field}: no {entity_type} {entity_id} in this company", field=field)
    return obj


def resolve_user(session: Session, *, company_id: int, user: int | str, field: str) -> int:
    """Return the id of an active user of the company given by id or email, or raise Invalid."""
    found: User | None = None
    if isinstance(user, str):
        found = session.scalar(
            select(User).where(User.company_id == company_id, User.email == user.strip().lower())
        )
    elif is_valid_id(user):
        found = session.get(User, user)
    if found is None or found.company_id != company_id:
        raise Invalid(f"{field}: no user {user} in this company", field=field)
    if not found.is_active:
        raise Invalid(f"{field}: user {user} is deactivated", field=field)
    return found.id


def snapshot(obj: Any) -> dict[str, Any]:
    """Return every column of a row as JSON-able values (datetimes ISO 8601 with Z)."""
    mapper = sa_inspect(obj).mapper
    return {attr.key: json_value(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def emit_update_events(
    session: Session,
    *,
    obj: CrmRecord,
    entity_type: str,
    changes: dict[str, list[Any]],
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> None:
    """Record the events an update implies (updated, stage changed, task completed)."""
    types: list[str] = []
    if entity_type in UPDATED_EVENTS:
        types.append(UPDATED_EVENTS[entity_type])
    if entity_type == "deal" and "stage" in changes:
        types.append("deal_stage_changed")
    if entity_type == "task" and "status" in changes and changes["status"][1] == TaskStatus.DONE:
        types.append("task_completed")
    if not types:
        return
    payload = snapshot(obj)
    for event_type in types:
        record_event(
            session,
            company_id=obj.company_id,
            type=event_type,
            entity_type=entity_type,
            entity_id=obj.id,
            payload=copy.deepcopy(payload),
            changes=copy.deepcopy(changes),
            causation_depth=causation_depth,
            actor_user_id=actor_user_id,
        )
