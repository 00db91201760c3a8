"""Build the data a run sees: the trigger record, its relations, and the trigger itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.crm.models import Activity, Contact, Deal, Organisation, Task

MODELS: dict[str, type[Any]] = {
    "organisation": Organisation,
    "contact": Contact,
    "deal": Deal,
    "task": Task,
    "activity": Activity,
}
_HIDDEN = {"company_id", "source_step_key"}


def to_json(value: Any) -> Any:
    """Convert a column value to its JSON form (datetimes as ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    return value


def row_dict(obj: Any) -> dict[str, Any]:
    """Return every column of an ORM object as JSON-able values."""
    table = obj.__table__
    return {c.key: to_json(getattr(obj, c.key)) for c in table.columns if c.key not in _HIDDEN}


def _user(session: Session, user_id: int | None, *, with_manager: bool = True) -> dict[str, Any]:
    if user_id is None:
        return {}
    user = session.get(User, user_id)
    if user is None:
        return {}
    out: dict[str, Any] = {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "titles": list(user.titles or []),
        "manager_id": user.manager_id,
    }
    if with_manager:
        out["manager"] = _user(session, user.manager_id, with_manager=False)
    return out


def _entity(session: Session, company_id: int, kind: str, entity_id: int | None) -> Any:
    model = MODELS.get(kind)
    if model is None or entity_id is None:
        return None
    obj = session.get(model, entity_id)
    if obj is None or obj.company_id != company_id:
        return None
    return obj


def _with_owner(session: Session, obj: Any) -> dict[str, Any]:
    data = row_dict(obj)
    data["owner"] = _user(session, getattr(obj, "owner_id", None))
    return data


def build_context(
    session: Session,
    *,
    company_id: int,
    trigger_type: str,
    entity_type: str | None,
    entity_id: int | None,
    trigger_data: dict[str, Any],
    event_id: int | None = None,
) -> dict[str, Any]:
    """Load the trigger record and its relations into a plain dict for conditions and templates."""
    data: dict[str, Any] = {
        "trigger": {
            "type": trigger_type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "event_id": event_id,
            "changes": trigger_data.get("changes") or {},
            "data": trigger_data.get("payload") or trigger_data,
        },
        "steps": {},
    }
    obj = _entity(session, company_id, entity_type or "", entity_id)
    if obj is None:
        return data
    kind = entity_type or ""
    data[kind] = _with_owner(session, obj) if hasattr(obj, "owner_id") else row_dict(obj)
    if kind == "task":
        data["task"]["assignee"] = _user(session, obj.assignee_id)
        _add_related(session, data, company_id, obj.related_type, obj.related_id)
    elif kind == "activity":
        data["activity"]["user"] = _user(session, obj.user_id)
        _add_related(session, data, company_id, obj.entity_type, obj.entity_id)
    elif kind in ("deal", "contact"):
        _add_related(session, data, company_id, "organisation", obj.organisation_id)
        if kind == "deal" and obj.contact_id:
            _add_related(session, data, company_id, "contact", obj.contact_id)
    if kind in ("deal", "contact") and "organisation" in data:
        data[kind]["organisation"] = data["organisation"]
    return data


def _add_related(
    session: Session, data: dict[str, Any], company_id: int, kind: str | None, entity_id: int | None
) -> None:
    if not kind or kind in data:
        return
    obj = _entity(session, company_id, kind, entity_id)
    if obj is None:
        return
    data[kind] = _with_owner(session, obj) if hasattr(obj, "owner_id") else row_dict(obj)
    if kind in ("deal", "contact") and getattr(obj, "organisation_id", None):
        _add_related(session, data, company_id, "organisation", obj.organisation_id)
