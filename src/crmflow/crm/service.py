"""Create, update and delete CRM records with their outbox events (never commits)."""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.common.dates import parse_datetime
from crmflow.common.errors import Conflict, Invalid
from crmflow.crm.fields import (
    CUSTOM_FIELDS_PREFIX,
    ENTITY_FIELDS,
    MAX_CUSTOM_FIELDS_BYTES,
    FieldSpec,
    coerce_value,
    json_value,
    validate_update_field,
)
from crmflow.crm.models import Activity, Contact, Deal, Task
from crmflow.crm.notifications import create_notification
from crmflow.crm.records import (
    CREATED_EVENTS,
    MODELS,
    CrmRecord,
    TaggableRecord,
    emit_update_events,
    load_entity,
    require_entity,
    require_reference,
    resolve_user,
    snapshot,
)
from crmflow.crm.schemas import ActivityKind, RecordType, TaskStatus
from crmflow.crm.tagging import add_tags, ensure_tags, remove_tags
from crmflow.db.base import utcnow
from crmflow.events.service import record_event

# The workflow engine's entry points; everything here takes the caller's session and never
# commits, so a step's effects and its checkpoint share one transaction.
__all__ = [
    "ENTITY_FIELDS",
    "FieldSpec",
    "add_tags",
    "create_activity",
    "create_notification",
    "create_record",
    "create_task",
    "delete_record",
    "load_entity",
    "remove_tags",
    "require_entity",
    "snapshot",
    "update_activity",
    "update_entity_fields",
    "validate_update_field",
]

_RECORD_DEFAULTS: dict[str, dict[str, Any]] = {
    "organisation": {"tags": [], "custom_fields": {}},
    "contact": {"first_name": "", "last_name": "", "tags": [], "custom_fields": {}},
    "deal": {"stage": "qualification", "tags": [], "custom_fields": {}},
}
_REQUIRED_FIELDS = {"organisation": ("name",), "contact": (), "deal": ("title",)}


def prepare_values(
    session: Session, *, company_id: int, entity_type: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Validate and coerce field values (users and references must be in the company)."""
    prepared: dict[str, Any] = {}
    for field, raw in values.items():
        spec = validate_update_field(entity_type, field)
        if field == "custom_fields" and raw is None:
            prepared[field] = None  # a null patch clears every custom field
            continue
        value = coerce_value(spec, raw)
        if value is not None and spec.kind == "user":
            value = resolve_user(session, company_id=company_id, user=value, field=field)
        elif value is not None and spec.kind == "reference" and spec.references:
            require_reference(
                session,
                company_id=company_id,
                entity_type=spec.references,
                entity_id=value,
                field=field,
            )
        prepared[field] = value
    return prepared


def _check_related(
    session: Session, *, company_id: int, related_type: str | None, related_id: int | None
) -> None:
    if related_type is None and related_id is None:
        return
    if related_type is None:
        raise Invalid("related_type: required when related_id is set", field="related_type")
    if related_id is None:
        raise Invalid("related_id: required when related_type is set", field="related_id")
    require_reference(
        session,
        company_id=company_id,
        entity_type=related_type,
        entity_id=related_id,
        field="related_id",
    )


def _changed(old: Any, new: Any) -> bool:
    return bool(json_value(old) != json_value(new))


def _apply(obj: Any, prepared: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the values that differ on a row; return {field: [old, new]} (custom keys one by one)."""
    changes: dict[str, list[Any]] = {}
    old_custom: dict[str, Any] = dict(getattr(obj, "custom_fields", None) or {})
    new_custom = dict(old_custom)
    custom_touched = False
    for field, value in prepared.items():
        if field == "custom_fields":
            custom_touched = True
            if value is None:
                new_custom = {}
            for key, item in (value or {}).items():
                if item is None:
                    new_custom.pop(key, None)
                else:
                    new_custom[key] = item
        elif field.startswith(CUSTOM_FIELDS_PREFIX):
            custom_touched = True
            key = field[len(CUSTOM_FIELDS_PREFIX) :]
            if value is None:
                new_custom.pop(key, None)
            else:
                new_custom[key] = value
        else:
            old = getattr(obj, field)
            if _changed(old, value):
                setattr(obj, field, copy.deepcopy(value))
                changes[field] = [json_value(old), json_value(value)]
    if custom_touched:
        for key in sorted(set(old_custom) | set(new_custom)):
            if _changed(old_custom.get(key), new_custom.get(key)):
                changes[CUSTOM_FIELDS_PREFIX + key] = [
                    json_value(old_custom.get(key)),
                    json_value(new_custom.get(key)),
                ]
        if new_custom != old_custom:
            if len(json.dumps(new_custom)) > MAX_CUSTOM_FIELDS_BYTES:
                raise Invalid("custom_fields: too large", field="custom_fields")
            obj.custom_fields = new_custom
    return changes


def _sync_task_completion(task: Task, changes: dict[str, list[Any]]) -> None:
    if "status" not in changes:
        return
    completed_at = utcnow() if task.status == TaskStatus.DONE else None
    if _changed(task.completed_at, completed_at):
        changes["completed_at"] = [json_value(task.completed_at), json_value(completed_at)]
        task.completed_at = completed_at


def update_entity_fields(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    entity_id: int,
    values: dict[str, Any],
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> dict[str, list[Any]]:
    """Validate, coerce and apply field values; emit the events; return {field: [old, new]}."""
    if entity_type not in ENTITY_FIELDS:
        validate_update_field(entity_type, "")  # raises naming the known entity types
    obj = require_entity(
        session,
        company_id=company_id,
        entity_type=entity_type,
        entity_id=entity_id,
        for_update=True,
    )
    prepared = prepare_values(
        session, company_id=company_id, entity_type=entity_type, values=values
    )
    if isinstance(obj, Task) and prepared.keys() & {"related_type", "related_id"}:
        _check_related(
            session,
            company_id=company_id,
            related_type=prepared.get("related_type", obj.related_type),
            related_id=prepared.get("related_id", obj.related_id),
        )
    changes = _apply(obj, prepared)
    if isinstance(obj, Task):
        _sync_task_completion(obj, changes)
    if not changes:
        return {}
    if "tags" in changes:
        ensure_tags(session, company_id=company_id, names=changes["tags"][1])
    obj.updated_at = utcnow()
    session.flush()
    emit_update_events(
        session,
        obj=obj,
        entity_type=entity_type,
        changes=changes,
        causation_depth=causation_depth,
        actor_user_id=actor_user_id,
    )
    return changes


def create_record(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    values: dict[str, Any],
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> TaggableRecord:
    """Create an organisation, contact or deal from field values and emit its created event."""
    if entity_type not in _RECORD_DEFAULTS:
        raise Invalid(
            f"entity_type: cannot create {entity_type!r} this way "
            f"(expected one of {', '.join(_RECORD_DEFAULTS)})",
            field="entity_type",
        )
    prepared = prepare_values(
        session, company_id=company_id, entity_type=entity_type, values=values
    )
    for name in _REQUIRED_FIELDS[entity_type]:
        if prepared.get(name) is None:
            raise Invalid(f"{name}: field required", field=name)
    if entity_type == "contact" and not any(
        prepared.get(name) for name in ("first_name", "last_name", "email")
    ):
        raise Invalid(
            "first_name: a contact needs a first name, a last name or an email", field="first_name"
        )
    now = utcnow()
    model: Any = MODELS[entity_type]
    obj: TaggableRecord = model(
        company_id=company_id,
        created_at=now,
        updated_at=now,
        **copy.deepcopy(_RECORD_DEFAULTS[entity_type]),
    )
    _apply(obj, prepared)
    if obj.tags:
        ensure_tags(session, company_id=company_id, names=obj.tags)
    session.add(obj)
    session.flush()
    if entity_type in CREATED_EVENTS:
        record_event(
            session,
            company_id=company_id,
            type=CREATED_EVENTS[entity_type],
            entity_type=entity_type,
            entity_id=obj.id,
            payload=snapshot(obj),
            causation_depth=causation_depth,
            actor_user_id=actor_user_id,
        )
    return obj


def delete_record(session: Session, *, company_id: int, entity_type: str, entity_id: int) -> None:
    """Delete a record of the company (references to it are set to null by the database)."""
    obj = require_entity(
        session, company_id=company_id, entity_type=entity_type, entity_id=entity_id
    )
    session.delete(obj)
    session.flush()


def create_task(
    session: Session,
    *,
    company_id: int,
    title: str,
    description: str | None = "",
    due_date: Any = None,
    assignee_id: int | str | None = None,
    related_type: str | None = None,
    related_id: int | None = None,
    priority: str = "normal",
    source_step_key: str | None = None,
    status: str = "open",
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> Task:
    """Create a task; one per `source_step_key` (a repeated key returns the existing task)."""
    if source_step_key:
        existing = session.scalar(select(Task).where(Task.source_step_key == source_step_key))
        if existing is not None:
            if existing.company_id != company_id:
                raise Conflict("source_step_key: already used", field="source_step_key")
            return existing
    values = {
        "title": title,
        "description": description or "",
        "due_date": due_date,
        "assignee_id": assignee_id,
        "status": status,
        "priority": priority,
        "related_type": related_type,
        "related_id": related_id,
    }
    prepared = prepare_values(session, company_id=company_id, entity_type="task", values=values)
    _check_related(
        session,
        company_id=company_id,
        related_type=prepared["related_type"],
        related_id=prepared["related_id"],
    )
    now = utcnow()
    task = Task(
        company_id=company_id, source_step_key=source_step_key, created_at=now, updated_at=now
    )
    _apply(task, prepared)
    if task.status == TaskStatus.DONE:
        task.completed_at = now
    session.add(task)
    session.flush()
    if task.status == TaskStatus.DONE:
        record_event(
            session,
            company_id=company_id,
            type="task_completed",
            entity_type="task",
            entity_id=task.id,
            payload=snapshot(task),
            changes={"status": [None, task.status]},
            causation_depth=causation_depth,
            actor_user_id=actor_user_id,
        )
    return task


def _activity_time(value: Any, field: str) -> Any:
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise Invalid(f"{field}: {exc}", field=field) from None


def _activity_kind(value: Any) -> str:
    try:
        return ActivityKind(value).value
    except ValueError:
        expected = ", ".join(k.value for k in ActivityKind)
        raise Invalid(f"kind: expected one of {expected}, got {value!r}", field="kind") from None


def touch_last_activity(
    session: Session, *, company_id: int, entity: CrmRecord, occurred_at: Any
) -> None:
    """Move last_activity_at forward on a record and, for deals and contacts, its organisation."""
    targets: list[Any] = [entity]
    organisation_id = getattr(entity, "organisation_id", None)
    if isinstance(entity, Deal | Contact) and organisation_id is not None:
        organisation = load_entity(
            session, company_id=company_id, entity_type="organisation", entity_id=organisation_id
        )
        if organisation is not None:
            targets.append(organisation)
    for target in targets:
        if target.last_activity_at is None or target.last_activity_at < occurred_at:
            target.last_activity_at = occurred_at


def create_activity(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    entity_id: int,
    kind: str = "note",
    subject: str = "",
    body: str = "",
    occurred_at: Any = None,
    user_id: int | str | None = None,
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> Activity:
    """Log an activity on a record, move last_activity_at and emit activity_logged."""
    kind = _activity_kind(kind)
    if entity_type not in {r.value for r in RecordType}:
        expected = ", ".join(r.value for r in RecordType)
        raise Invalid(
            f"entity_type: expected one of {expected}, got {entity_type!r}", field="entity_type"
        )
    entity = require_reference(
        session,
        company_id=company_id,
        entity_type=entity_type,
        entity_id=entity_id,
        field="entity_id",
    )
    if user_id is not None:
        user_id = resolve_user(session, company_id=company_id, user=user_id, field="user_id")
    when = utcnow() if occurred_at is None else _activity_time(occurred_at, "occurred_at")
    now = utcnow()
    activity = Activity(
        company_id=company_id,
        kind=kind,
        subject=(subject or "").strip()[:500],
        body=body or "",
        occurred_at=when,
        entity_type=entity_type,
        entity_id=entity_id,
        user_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(activity)
    touch_last_activity(session, company_id=company_id, entity=entity, occurred_at=when)
    session.flush()
    record_event(
        session,
        company_id=company_id,
        type="activity_logged",
        entity_type="activity",
        entity_id=activity.id,
        payload=snapshot(activity),
        causation_depth=causation_depth,
        actor_user_id=actor_user_id,
    )
    return activity


def update_activity(
    session: Session, *, company_id: int, activity_id: int, values: dict[str, Any]
) -> Activity:
    """Edit an activity's kind, subject, body or time (a later time moves last_activity_at)."""
    activity = require_entity(
        session, company_id=company_id, entity_type="activity", entity_id=activity_id
    )
    assert isinstance(activity, Activity)
    prepared: dict[str, Any] = {}
    for field, value in values.items():
        if value is None:
            raise Invalid(f"{field}: may not be null", field=field)
        if field == "kind":
            prepared[field] = _activity_kind(value)
        elif field == "occurred_at":
            prepared[field] = _activity_time(value, field)
        elif field in ("subject", "body"):
            prepared[field] = value
        else:
            raise Invalid(f"{field}: unknown field for activity", field=field)
    changes = _apply(activity, prepared)
    if not changes:
        return activity
    activity.updated_at = utcnow()
    if "occurred_at" in changes:
        entity = load_entity(
            session,
            company_id=company_id,
            entity_type=activity.entity_type,
            entity_id=activity.entity_id,
        )
        if entity is not None:
            touch_last_activity(
                session, company_id=company_id, entity=entity, occurred_at=activity.occurred_at
            )
    session.flush()
    return activity
