"""What a company has to choose from: stages, categories, users, titles, roles and tags."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.common.enums import Role
from crmflow.crm.models import Deal, Organisation, Tag
from crmflow.crm.schemas import ActivityKind, TaskPriority, TaskStatus

# The pipeline in its canonical order; stages the company's records use beyond these follow.
PIPELINE_STAGES = ("qualification", "proposition", "negotiation", "signed", "lost")
# Bounds of each list; `truncated` says when a company has more.
MAX_STAGES = 200
MAX_CATEGORIES = 200
MAX_USERS = 1000
MAX_TITLES = 200
MAX_TAGS = 1000


def label_of(code: str) -> str:
    """Turn a stored code such as `in_progress` into `In progress`."""
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class Choice(BaseModel):
    """A value and what a person reads for it."""

    value: str
    label: str


class UserChoice(BaseModel):
    """An active user of the company."""

    id: int
    name: str
    email: str
    role: str
    titles: list[str]


class Choices(BaseModel):
    """What the company's records and users offer to choose from (read-only, bounded)."""

    stages: list[Choice] = Field(description="the pipeline in order, then other stages in use")
    organisation_categories: list[Choice] = Field(description="organisation categories in use")
    activity_kinds: list[Choice]
    task_priorities: list[Choice]
    task_statuses: list[Choice]
    users: list[UserChoice] = Field(description="active users by name")
    titles: list[Choice] = Field(description="job titles users carry")
    roles: list[Choice]
    tags: list[Choice] = Field(description="the company's record tags by name")
    truncated: list[str] = Field(description="lists cut at their bound (more exist)")


def _codes(session: Session, column: Any, company_column: Any, company_id: int) -> list[str]:
    rows = session.scalars(
        select(column)
        .where(company_column == company_id, column.is_not(None), column != "")
        .distinct()
        .order_by(column)
        .limit(MAX_STAGES + 1)
    )
    # Codes are stored lower case, but rows written before that rule may differ only by case.
    return list(dict.fromkeys(str(code).strip().lower() for code in rows))


def _choices(codes: list[str]) -> list[Choice]:
    return [Choice(value=code, label=label_of(code)) for code in codes]


def _bounded(name: str, items: list[Any], limit: int, truncated: list[str]) -> list[Any]:
    if len(items) > limit:
        truncated.append(name)
    return items[:limit]


def company_choices(session: Session, *, company_id: int) -> Choices:
    """Collect the company's choices; each list is de-duplicated and bounded."""
    truncated: list[str] = []
    stages = list(PIPELINE_STAGES)
    for code in [
        *_codes(session, Deal.stage, Deal.company_id, company_id),
        *_codes(session, Organisation.pipeline_stage, Organisation.company_id, company_id),
    ]:
        if code not in stages:
            stages.append(code)
    categories = _codes(session, Organisation.category, Organisation.company_id, company_id)
    users = list(
        session.scalars(
            select(User)
            .where(User.company_id == company_id, User.is_active.is_(True))
            .order_by(User.name, User.email)
            .limit(MAX_USERS + 1)
        )
    )
    users = _bounded("users", users, MAX_USERS, truncated)
    titles = sorted({str(t).strip().lower() for u in users for t in u.titles or [] if t})
    tags = list(
        session.scalars(
            select(Tag.name)
            .where(Tag.company_id == company_id)
            .order_by(Tag.name)
            .limit(MAX_TAGS + 1)
        )
    )
    return Choices(
        stages=_choices(_bounded("stages", stages, MAX_STAGES, truncated)),
        organisation_categories=_choices(
            _bounded(
                "organisation_categories",
                categories,
                MAX_CATEGORIES,
                truncated,
            )
        ),
        activity_kinds=_choices([k.value for k in ActivityKind]),
        task_priorities=_choices([p.value for p in TaskPriority]),
        task_statuses=_choices([s.value for s in TaskStatus]),
        users=[
            UserChoice(
                id=u.id,
                name=u.name or "",
                email=u.email,
                role=u.role,
                titles=[str(t) for t in u.titles or []],
            )
            for u in users
        ],
        titles=_choices(_bounded("titles", titles, MAX_TITLES, truncated)),
        roles=_choices([r.value for r in Role]),
        tags=[Choice(value=t, label=t) for t in _bounded("tags", tags, MAX_TAGS, truncated)],
        truncated=truncated,
    )
