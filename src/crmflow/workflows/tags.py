"""Workflow tags: their rules, storage, list filter and per-company counts.

Tags are workflow metadata, like the name: they never make a new version and runs never see
them. Rules: at most MAX_TAGS per workflow, each 1-40 characters once trimmed, no control, bidi
or comma character (a comma separates tags in `?tag=a,b`), and distinct ignoring case. A tag
takes the spelling the company already uses for it, so "sales" joins an existing "Sales".
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crmflow.common.errors import Invalid
from crmflow.common.text import NameChars
from crmflow.workflows.models import Workflow, WorkflowTag

MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def tag_key(name: str) -> str:
    """The case-insensitive identity of a tag."""
    return name.casefold()


def _no_comma(value: str) -> str:
    if "," in value:
        raise PydanticCustomError("tag_comma", "a tag cannot hold a comma")
    return value


def _distinct(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if tag_key(value) in seen:
            raise PydanticCustomError(
                "tag_duplicate", "tag '{tag}' is given twice (tags ignore case)", {"tag": value}
            )
        seen.add(tag_key(value))
    return values


TagName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TAG_LENGTH),
    NameChars,
    AfterValidator(_no_comma),
]
Tags = Annotated[
    list[TagName],
    Field(
        max_length=MAX_TAGS,
        description=f"at most {MAX_TAGS} tags of 1-{MAX_TAG_LENGTH} characters, distinct "
        "ignoring case, no comma; metadata: changing them makes no new version",
    ),
    AfterValidator(_distinct),
]


def tag_filter(values: list[str]) -> list[str]:
    """The tags of `?tag=` (repeated or comma-separated), trimmed; 422 naming `tag` past limits."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if len(names) > MAX_TAGS:
        raise Invalid(f"tag: at most {MAX_TAGS} tags to filter on", field="tag")
    for name in names:
        if len(name) > MAX_TAG_LENGTH:
            raise Invalid(f"tag: {name[:50]!r} is longer than a tag can be", field="tag")
    return names


def set_tags(session: Session, workflow: Workflow, names: list[str]) -> None:
    """Replace a workflow's tags (already validated), keeping the company's spelling of each."""
    wanted = {tag_key(name): name for name in names}
    spelled: dict[str, str] = {}
    if wanted:
        spelled = dict(
            session.execute(
                select(WorkflowTag.key, func.min(WorkflowTag.name))
                .where(
                    WorkflowTag.company_id == workflow.company_id,
                    WorkflowTag.key.in_(wanted),
                    WorkflowTag.workflow_id != workflow.id,
                )
                .group_by(WorkflowTag.key)
            ).all()
        )
    current = {row.key: row for row in workflow.tag_rows}
    rows = []
    for position, (key, name) in enumerate(wanted.items()):
        # Reusing the row of a kept tag: a delete and insert of the same key in one flush
        # would run the insert first and collide on the primary key.
        row = current.get(key) or WorkflowTag(company_id=workflow.company_id, key=key)
        row.name = spelled.get(key, name)
        row.position = position
        rows.append(row)
    workflow.tag_rows = rows


def with_all_tags(query: Select[Any], *, company_id: int, names: list[str]) -> Select[Any]:
    """Narrow a workflow query to those holding every one of `names` (AND, ignoring case)."""
    for key in {tag_key(name) for name in names}:
        query = query.where(
            Workflow.id.in_(
                select(WorkflowTag.workflow_id).where(
                    WorkflowTag.company_id == company_id, WorkflowTag.key == key
                )
            )
        )
    return query


def tag_counts(session: Session, *, company_id: int) -> list[dict[str, Any]]:
    """Every tag of the company with how many workflows hold it, by name ignoring case."""
    rows = session.execute(
        select(func.min(WorkflowTag.name), func.count())
        .where(WorkflowTag.company_id == company_id)
        .group_by(WorkflowTag.key)
        .order_by(WorkflowTag.key)
    )
    return [{"name": name, "count": count} for name, count in rows]
