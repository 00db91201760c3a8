"""The event outbox: one row per CRM change or inbound event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, UTCDateTime, utcnow


class Event(IdMixin, CompanyScoped, Base):
    """Something that happened; committed with the change that caused it (transactional outbox)."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("company_id", "idempotency_key"),
        # The dispatcher's relay scans only undispatched rows.
        Index("ix_events_undispatched", "dispatched_at", "id"),
    )

    type: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    entity_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    causation_depth: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(30), default="crm")
    actor_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class HookSignature(IdMixin, Base):
    """A signed inbound delivery already accepted: the same signature again is a replay."""

    __tablename__ = "hook_signatures"
    __table_args__ = (UniqueConstraint("workflow_id", "signature_digest"),)

    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    # SHA-256 of the signature header: fixed size whatever the sender sent.
    signature_digest: Mapped[str] = mapped_column(String(64))
    # Rows older than the signature tolerance can go: their timestamp is refused anyway.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
