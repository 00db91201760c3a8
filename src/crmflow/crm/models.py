"""CRM core records: organisations, contacts, deals, tasks, activities, notifications, tags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.common.enums import DeliveryStatus
from crmflow.db.base import (
    Base,
    BigId,
    CompanyScoped,
    IdMixin,
    JSONType,
    TimestampMixin,
    UTCDateTime,
)


def _user_fk() -> Mapped[int | None]:
    return mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class Organisation(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A customer or prospect account."""

    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisations_company_activity", "company_id", "last_activity_at"),)

    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(100), nullable=True)
    pipeline_stage: Mapped[str | None] = mapped_column(String(100), nullable=True)
    potential_amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    owner_id: Mapped[int | None] = _user_fk()
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Contact(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A person at an organisation."""

    __tablename__ = "contacts"

    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    job_title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    owner_id: Mapped[int | None] = _user_fk()
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Deal(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A sales opportunity moving through pipeline stages."""

    __tablename__ = "deals"

    title: Mapped[str] = mapped_column(String(300))
    amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    discount_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    stage: Mapped[str] = mapped_column(String(100), default="qualification")
    close_date: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    owner_id: Mapped[int | None] = _user_fk()
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Task(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A to-do for a user, optionally about a CRM record."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_related", "company_id", "related_type", "related_id"),)

    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assignee_id: Mapped[int | None] = _user_fk()
    status: Mapped[str] = mapped_column(String(20), default="open")
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    related_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    related_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when a workflow step created the task: proves exactly-once (one task per step).
    source_step_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)


class Activity(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A call, meeting, email or note logged against a record."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_entity", "company_id", "entity_type", "entity_id"),)

    kind: Mapped[str] = mapped_column(String(30), default="note")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int | None] = _user_fk()


class Notification(IdMixin, TimestampMixin, CompanyScoped, Base):
    """An in-app message to one user."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(20), default="info")
    title: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    source_step_key: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Tag(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A label that can be put on organisations, contacts and deals."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(20), nullable=True)


class OutgoingEmail(IdMixin, TimestampMixin, CompanyScoped, Base):
    """An email a workflow wants sent; delivered over SMTP by the runtime's outbox sender."""

    __tablename__ = "outgoing_emails"
    __table_args__ = (Index("ix_outgoing_emails_due", "status", "next_attempt_at"),)

    to: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cc: Mapped[list[Any]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(998), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.QUEUED)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    execution_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The step that queued it (its run waits for the outcome); None for approval emails.
    step_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
