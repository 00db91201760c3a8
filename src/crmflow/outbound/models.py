"""Outgoing webhook calls: a row per step, sent (and retried) by the runtime outside any run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.common.enums import DeliveryStatus
from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, UTCDateTime, utcnow


class WebhookCall(IdMixin, CompanyScoped, Base):
    """One HTTP request a `call_webhook` step wants made, and what came back."""

    __tablename__ = "webhook_calls"
    __table_args__ = (Index("ix_webhook_calls_due", "status", "next_attempt_at"),)

    execution_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    step_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # Sent as the Idempotency-Key header: the receiver deduplicates re-sends with it.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    method: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    # queued | sending | sent | failed
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    timeout_seconds: Mapped[float] = mapped_column(default=10.0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A sender holds the row until then; past it, a sender that died is presumed lost.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
