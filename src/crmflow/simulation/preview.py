"""Preview a template on a sample record of the company, with the engine's sandbox and limits.

The record is the one asked for (404 if the company has no such record), else the company's
most recent record of that type, else a built-in sample. Numbers print in the company's language
as in a run. Nothing is written and no secret is decrypted: `secrets.*` renders empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.company import company_language
from crmflow.common.errors import Invalid, NotFound
from crmflow.db.base import utcnow
from crmflow.engine.context import MODELS, ContextLoader, to_json
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.templating import render
from crmflow.simulation.checks import template_variables
from crmflow.workflows.triggers import TRIGGER_ENTITY

# What a company with no record of the type yet sees: plausible values of every kind of field.
SAMPLES: dict[str, dict[str, Any]] = {
    "organisation": {
        "name": "Acme Industries",
        "category": "customer",
        "pipeline_stage": "prospect",
        "potential_amount": 82000.0,
        "email": "contact@acme.example",
        "tags": ["vip"],
        "custom_fields": {},
    },
    "contact": {
        "first_name": "Claire",
        "last_name": "Martin",
        "email": "claire.martin@acme.example",
        "phone": "+33 1 23 45 67 89",
        "job_title": "Head of purchasing",
        "tags": [],
        "custom_fields": {},
    },
    "deal": {
        "title": "Acme renewal",
        "amount": 82000.0,
        "discount_percent": 12.5,
        "stage": "negotiation",
        "close_date": "2026-12-31T00:00:00Z",
        "tags": [],
        "custom_fields": {},
    },
    "task": {
        "title": "Call Acme back",
        "description": "About the renewal",
        "due_date": "2026-12-15T09:00:00Z",
        "status": "open",
        "priority": "high",
    },
    "activity": {
        "kind": "call",
        "subject": "Renewal call",
        "body": "Discussed the discount.",
        "occurred_at": "2026-12-01T10:00:00Z",
    },
}
# The record type a manual run (any record, or none) is previewed on.
MANUAL_RECORD = "deal"
# A preview shows the start of a long text: a page's worth is enough to judge it.
MAX_PREVIEW = 20_000


@dataclass
class Preview:
    """A rendered template, the record it was rendered on, and what went wrong."""

    rendered: Any
    truncated: bool
    record_type: str | None
    record_id: int | None
    sample: bool
    language: str
    variables_used: list[str]
    errors: list[dict[str, str]] = field(default_factory=list)


def _record_type(trigger_type: str | None, record_type: str | None) -> str | None:
    if record_type is not None:
        return record_type
    if trigger_type is None:
        return None
    return TRIGGER_ENTITY.get(trigger_type) or (MANUAL_RECORD if trigger_type == "manual" else None)


def _latest(session: Session, company_id: int, kind: str) -> int | None:
    model = MODELS[kind]
    found: int | None = session.scalar(
        select(model.id).where(model.company_id == company_id).order_by(model.id.desc()).limit(1)
    )
    return found


def _sample(kind: str, user_id: int) -> dict[str, Any]:
    now = to_json(utcnow())
    owner = "assignee_id" if kind == "task" else "user_id" if kind == "activity" else "owner_id"
    return {"id": None, "created_at": now, "updated_at": now, owner: user_id, **SAMPLES[kind]}


def preview_template(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    template: str,
    trigger_type: str | None,
    record_type: str | None,
    record_id: int | None,
) -> Preview:
    """Render `template` as a step of a run on the chosen record would (nothing is written)."""
    kind = _record_type(trigger_type, record_type)
    if record_id is not None and kind is None:
        raise Invalid("record_id: this trigger has no record; give record_type", field="record_id")
    loader = ContextLoader(session.connection())
    chosen = (
        record_id
        if record_id is not None
        else (_latest(session, company_id, kind) if kind else None)
    )
    record = loader.entity(company_id, kind, chosen) if kind and chosen is not None else None
    if record_id is not None and record is None:
        raise NotFound(f"no {kind} {record_id} in this company", field="record_id")
    sample = kind is not None and record is None
    data: dict[str, Any] = {
        "trigger": {
            "type": trigger_type or "manual",
            "entity_type": kind,
            "entity_id": chosen if record is not None else None,
            "event_id": None,
            "changes": {},
            "data": {},
            "headers": {},
            "query": {},
        },
        "steps": {},
        "secrets": {},
        "now": utcnow(),
    }
    if kind is not None:
        loader.attach(
            data, company_id, kind, record if record is not None else _sample(kind, user_id)
        )
    language = company_language(session, company_id)
    errors: list[dict[str, str]] = []
    try:
        rendered = render(template, data, "template", language=language)
    except TemplateRenderError as exc:
        rendered = None
        errors.append({"path": "template", "message": str(exc.message)})
    truncated = isinstance(rendered, str) and len(rendered) > MAX_PREVIEW
    return Preview(
        rendered=rendered[:MAX_PREVIEW] if truncated else rendered,
        truncated=truncated,
        record_type=kind,
        record_id=None if sample else chosen,
        sample=sample,
        language=language,
        variables_used=template_variables(template),
        errors=errors,
    )
