"""Custom action catalog entries, and the records that record-creating actions made per step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import (
    Base,
    BigId,
    CompanyScoped,
    IdMixin,
    JSONType,
    TimestampMixin,
    UTCDateTime,
    utcnow,
)


class ActionCatalogEntry(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A company's custom action: a webhook with a fixed URL and its own input schema.

    Built-in actions are not stored: the catalog materialises them from the action registry.
    """

    __tablename__ = "action_catalog_entries"
    __table_args__ = (UniqueConstraint("company_id", "action_type"),)

    name: Mapped[str] = mapped_column(String(200))
    action_type: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    is_idempotent: Mapped[bool] = mapped_column(default=False)
    latency_class: Mapped[str] = mapped_column(String(20), default="medium")
    side_effects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    input_schema: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    output_schema: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    supports_dry_run: Mapped[bool] = mapped_column(default=False)
    # The fixed webhook call: {"url", "method", "headers"}.
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class ActionCreatedRecord(IdMixin, CompanyScoped, Base):
    """The record a step created (create_activity, create_deal): one per idempotency key.

    A replayed step finds its key here and returns the stored output instead of creating again.
    """

    __tablename__ = "action_created_records"

    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    action_type: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(BigId)
    output: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
