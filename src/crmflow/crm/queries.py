"""Select statements behind the list endpoints: tenant scope, filters and sorting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from crmflow.common.errors import Invalid
from crmflow.common.search import contains_text, json_list_contains
from crmflow.crm.fields import normalise_tag
from crmflow.crm.models import Activity, Contact, Deal, Notification, Organisation, Tag, Task


def tag_condition(column: Any, tag: str) -> ColumnElement[bool]:
    """Match records carrying a tag (normalised like stored tags)."""
    try:
        name = normalise_tag(tag)
    except ValueError as exc:
        raise Invalid(f"tag: {exc}", field="tag") from None
    return json_list_contains(column, name)


def apply_sort(
    query: Select[Any], sort: str, columns: dict[str, Any], id_column: Any
) -> Select[Any]:
    """Order by `sort` (a column name, `-` prefix for descending), newest id breaking ties.

    Text columns are passed lower-cased so SQLite and PostgreSQL order names alike.
    """
    descending = sort.startswith("-")
    key = sort.lstrip("-+ ")
    column = columns.get(key)
    if column is None:
        allowed = ", ".join(f"{name}, -{name}" for name in columns)
        raise Invalid(f"sort: unknown sort {sort!r} (expected one of {allowed})", field="sort")
    ordered = column.desc().nulls_last() if descending else column.asc().nulls_last()
    return query.order_by(ordered, id_column.desc())


def organisations(
    *,
    company_id: int,
    q: str | None = None,
    owner_id: int | None = None,
    pipeline_stage: str | None = None,
    category: str | None = None,
    tag: str | None = None,
    sort: str = "-created_at",
) -> Select[Any]:
    """List a company's organisations."""
    query = select(Organisation).where(Organisation.company_id == company_id)
    if q:
        query = query.where(contains_text(Organisation.name, q))
    if owner_id is not None:
        query = query.where(Organisation.owner_id == owner_id)
    if pipeline_stage:
        query = query.where(Organisation.pipeline_stage == pipeline_stage.strip().lower())
    if category:
        query = query.where(Organisation.category == category.strip().lower())
    if tag:
        query = query.where(tag_condition(Organisation.tags, tag))
    columns = {
        "created_at": Organisation.created_at,
        "updated_at": Organisation.updated_at,
        "name": func.lower(Organisation.name),
        "potential_amount": Organisation.potential_amount,
        "last_activity_at": Organisation.last_activity_at,
    }
    return apply_sort(query, sort, columns, Organisation.id)


def contacts(
    *,
    company_id: int,
    q: str | None = None,
    organisation_id: int | None = None,
    owner_id: int | None = None,
    tag: str | None = None,
    sort: str = "-created_at",
) -> Select[Any]:
    """List a company's contacts (`q` searches names and email)."""
    query = select(Contact).where(Contact.company_id == company_id)
    if q:
        query = query.where(
            or_(
                contains_text(Contact.first_name, q),
                contains_text(Contact.last_name, q),
                contains_text(Contact.email, q),
            )
        )
    if organisation_id is not None:
        query = query.where(Contact.organisation_id == organisation_id)
    if owner_id is not None:
        query = query.where(Contact.owner_id == owner_id)
    if tag:
        query = query.where(tag_condition(Contact.tags, tag))
    columns = {
        "created_at": Contact.created_at,
        "updated_at": Contact.updated_at,
        "name": func.lower(Contact.last_name),
        "first_name": func.lower(Contact.first_name),
        "last_activity_at": Contact.last_activity_at,
    }
    return apply_sort(query, sort, columns, Contact.id)


def deals(
    *,
    company_id: int,
    q: str | None = None,
    stage: str | None = None,
    organisation_id: int | None = None,
    contact_id: int | None = None,
    owner_id: int | None = None,
    tag: str | None = None,
    sort: str = "-created_at",
) -> Select[Any]:
    """List a company's deals."""
    query = select(Deal).where(Deal.company_id == company_id)
    if q:
        query = query.where(contains_text(Deal.title, q))
    if stage:
        query = query.where(Deal.stage == stage.strip().lower())
    if organisation_id is not None:
        query = query.where(Deal.organisation_id == organisation_id)
    if contact_id is not None:
        query = query.where(Deal.contact_id == contact_id)
    if owner_id is not None:
        query = query.where(Deal.owner_id == owner_id)
    if tag:
        query = query.where(tag_condition(Deal.tags, tag))
    columns = {
        "created_at": Deal.created_at,
        "updated_at": Deal.updated_at,
        "name": func.lower(Deal.title),
        "title": func.lower(Deal.title),
        "amount": Deal.amount,
        "close_date": Deal.close_date,
        "last_activity_at": Deal.last_activity_at,
    }
    return apply_sort(query, sort, columns, Deal.id)


def tasks(
    *,
    company_id: int,
    q: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    assignee_id: int | None = None,
    related_type: str | None = None,
    related_id: int | None = None,
    sort: str = "-created_at",
) -> Select[Any]:
    """List a company's tasks."""
    query = select(Task).where(Task.company_id == company_id)
    if q:
        query = query.where(contains_text(Task.title, q))
    if status:
        query = query.where(Task.status == status)
    if priority:
        query = query.where(Task.priority == priority)
    if assignee_id is not None:
        query = query.where(Task.assignee_id == assignee_id)
    if related_type:
        query = query.where(Task.related_type == related_type)
    if related_id is not None:
        query = query.where(Task.related_id == related_id)
    columns = {
        "created_at": Task.created_at,
        "updated_at": Task.updated_at,
        "name": func.lower(Task.title),
        "title": func.lower(Task.title),
        "due_date": Task.due_date,
    }
    return apply_sort(query, sort, columns, Task.id)


def activities(
    *,
    company_id: int,
    entity_type: str | None = None,
    entity_id: int | None = None,
    kind: str | None = None,
    user_id: int | None = None,
    sort: str = "-occurred_at",
) -> Select[Any]:
    """List a company's activities (newest first by default)."""
    query = select(Activity).where(Activity.company_id == company_id)
    if entity_type:
        query = query.where(Activity.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(Activity.entity_id == entity_id)
    if kind:
        query = query.where(Activity.kind == kind)
    if user_id is not None:
        query = query.where(Activity.user_id == user_id)
    columns = {"occurred_at": Activity.occurred_at, "created_at": Activity.created_at}
    return apply_sort(query, sort, columns, Activity.id)


def notifications(*, company_id: int, user_id: int, unread: bool | None = None) -> Select[Any]:
    """List one user's notifications, newest first."""
    query = select(Notification).where(
        Notification.company_id == company_id, Notification.user_id == user_id
    )
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def tags(*, company_id: int, q: str | None = None) -> Select[Any]:
    """List a company's tags by name."""
    query = select(Tag).where(Tag.company_id == company_id)
    if q:
        query = query.where(contains_text(Tag.name, q))
    return query.order_by(Tag.name, Tag.id)
