"""Tags: the company's tag list and the tags on organisations, contacts and deals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmflow.common.errors import Conflict, Invalid, NotFound
from crmflow.common.ids import is_valid_id
from crmflow.common.search import json_list_contains
from crmflow.crm.fields import normalise_tag, normalise_tags
from crmflow.crm.models import Contact, Deal, Organisation, Tag
from crmflow.crm.records import (
    MODELS,
    TaggableRecord,
    emit_update_events,
    require_entity,
)
from crmflow.db.base import utcnow

TAGGABLE_TYPES = ("organisation", "contact", "deal")


def ensure_tags(session: Session, *, company_id: int, names: list[str]) -> None:
    """Create the company's Tag rows that do not exist yet (safe against concurrent creation)."""
    if not names:
        return
    existing = set(
        session.scalars(select(Tag.name).where(Tag.company_id == company_id, Tag.name.in_(names)))
    )
    for name in names:
        if name in existing:
            continue
        try:
            with session.begin_nested():
                session.add(Tag(company_id=company_id, name=name))
        except IntegrityError:
            pass  # another transaction created it first: the unique constraint keeps one row


def _tag_list(tags: Any) -> list[str]:
    try:
        return normalise_tags(tags)
    except ValueError as exc:
        raise Invalid(f"tags: {exc}", field="tags") from None


def _taggable(
    session: Session, *, company_id: int, entity_type: str, entity_id: int
) -> TaggableRecord:
    if entity_type not in TAGGABLE_TYPES:
        raise Invalid(
            f"entity_type: {entity_type!r} cannot be tagged "
            f"(expected one of {', '.join(TAGGABLE_TYPES)})",
            field="entity_type",
        )
    record = require_entity(
        session,
        company_id=company_id,
        entity_type=entity_type,
        entity_id=entity_id,
        for_update=True,  # tags are a read-modify-write of a JSON list
    )
    assert isinstance(record, Organisation | Contact | Deal)
    return record


def set_record_tags(
    session: Session,
    *,
    record: TaggableRecord,
    entity_type: str,
    tags: list[str],
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> list[str]:
    """Replace a record's tags; emit its updated event when they changed."""
    old = list(record.tags or [])
    if old == tags:
        return old
    ensure_tags(session, company_id=record.company_id, names=[t for t in tags if t not in old])
    record.tags = list(tags)
    record.updated_at = utcnow()
    session.flush()
    emit_update_events(
        session,
        obj=record,
        entity_type=entity_type,
        changes={"tags": [old, list(tags)]},
        causation_depth=causation_depth,
        actor_user_id=actor_user_id,
    )
    return list(tags)


def add_tags(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    entity_id: int,
    tags: list[str],
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> list[str]:
    """Add tags (normalised; new names join the company's tags); return the record's tags."""
    names = _tag_list(tags)
    record = _taggable(session, company_id=company_id, entity_type=entity_type, entity_id=entity_id)
    current = list(record.tags or [])
    return set_record_tags(
        session,
        record=record,
        entity_type=entity_type,
        tags=current + [name for name in names if name not in current],
        causation_depth=causation_depth,
        actor_user_id=actor_user_id,
    )


def remove_tags(
    session: Session,
    *,
    company_id: int,
    entity_type: str,
    entity_id: int,
    tags: list[str],
    causation_depth: int = 0,
    actor_user_id: int | None = None,
) -> list[str]:
    """Remove tags from a record; return the record's tags."""
    names = _tag_list(tags)
    record = _taggable(session, company_id=company_id, entity_type=entity_type, entity_id=entity_id)
    return set_record_tags(
        session,
        record=record,
        entity_type=entity_type,
        tags=[name for name in (record.tags or []) if name not in names],
        causation_depth=causation_depth,
        actor_user_id=actor_user_id,
    )


def records_with_tag(
    session: Session, *, company_id: int, entity_type: str, name: str
) -> list[TaggableRecord]:
    """Return the company's records of a type that carry a tag."""
    model: Any = MODELS[entity_type]
    rows = session.scalars(
        select(model)
        .where(model.company_id == company_id, json_list_contains(model.tags, name))
        .order_by(model.id)
    )
    return [row for row in rows if name in (row.tags or [])]


def get_tag(session: Session, *, company_id: int, tag_id: int) -> Tag:
    """Return the company's tag or raise NotFound."""
    tag = session.get(Tag, tag_id) if is_valid_id(tag_id) else None
    if tag is None or tag.company_id != company_id:
        raise NotFound(f"tag {tag_id} not found")
    return tag


def _tag_name(value: Any) -> str:
    try:
        return normalise_tag(value)
    except ValueError as exc:
        raise Invalid(f"name: {exc}", field="name") from None


def _require_free_name(session: Session, *, company_id: int, name: str) -> None:
    taken = session.scalar(select(Tag.id).where(Tag.company_id == company_id, Tag.name == name))
    if taken is not None:
        raise Conflict(f"name: a tag named {name!r} already exists", field="name")


def create_tag(session: Session, *, company_id: int, name: str, color: str | None = None) -> Tag:
    """Create a company tag; its name is normalised and must be new."""
    name = _tag_name(name)
    _require_free_name(session, company_id=company_id, name=name)
    now = utcnow()
    tag = Tag(company_id=company_id, name=name, color=color or None, created_at=now, updated_at=now)
    session.add(tag)
    session.flush()
    return tag


def _retag_records(
    session: Session,
    *,
    company_id: int,
    old_name: str,
    new_name: str | None,
    actor_user_id: int | None,
) -> None:
    for entity_type in TAGGABLE_TYPES:
        for record in records_with_tag(
            session, company_id=company_id, entity_type=entity_type, name=old_name
        ):
            tags: list[str] = []
            for name in record.tags or []:
                replacement = new_name if name == old_name else name
                if replacement is not None and replacement not in tags:
                    tags.append(replacement)
            set_record_tags(
                session,
                record=record,
                entity_type=entity_type,
                tags=tags,
                actor_user_id=actor_user_id,
            )


def update_tag(
    session: Session,
    *,
    company_id: int,
    tag_id: int,
    values: dict[str, Any],
    actor_user_id: int | None = None,
) -> Tag:
    """Recolour or rename a tag; a rename rewrites it on every record that carries it."""
    tag = get_tag(session, company_id=company_id, tag_id=tag_id)
    if "name" in values:
        if values["name"] is None:
            raise Invalid("name: may not be null", field="name")
        new_name = _tag_name(values["name"])
        if new_name != tag.name:
            _require_free_name(session, company_id=company_id, name=new_name)
            old_name = tag.name
            tag.name = new_name
            tag.updated_at = utcnow()
            session.flush()
            _retag_records(
                session,
                company_id=company_id,
                old_name=old_name,
                new_name=new_name,
                actor_user_id=actor_user_id,
            )
    if "color" in values and (values["color"] or None) != tag.color:
        tag.color = values["color"] or None
        tag.updated_at = utcnow()
    session.flush()
    return tag


def delete_tag(
    session: Session, *, company_id: int, tag_id: int, actor_user_id: int | None = None
) -> None:
    """Delete a tag and remove it from every record that carries it."""
    tag = get_tag(session, company_id=company_id, tag_id=tag_id)
    _retag_records(
        session,
        company_id=company_id,
        old_name=tag.name,
        new_name=None,
        actor_user_id=actor_user_id,
    )
    session.delete(tag)
    session.flush()
