"""Workflows and their immutable versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import (
    Base,
    BigId,
    CompanyScoped,
    IdMixin,
    JSONType,
    TimestampMixin,
    UTCDateTime,
)


class Workflow(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A named automation: trigger, conditions, steps; its definition lives in versions."""

    __tablename__ = "workflows"
    __table_args__ = (
        # The dispatcher's lookup: active workflows of a company for one trigger type.
        Index("ix_workflows_dispatch", "company_id", "trigger_type", "status"),
        Index("ix_workflows_company_status", "company_id", "status"),
    )

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    trigger_type: Mapped[str] = mapped_column(String(60))
    trigger_config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    conditions: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    actions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Run policy: {"mode": parallel|single|restart|queued, "reenrollment": ...}.
    run_policy: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    is_template: Mapped[bool] = mapped_column(default=False)
    template_slug: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    current_version_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    version_number: Mapped[int] = mapped_column(default=0)
    execution_count: Mapped[int] = mapped_column(default=0)
    last_executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # webhook_received: POST /api/v1/hooks/{hook_token}; a secret makes signatures required.
    hook_token: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    hook_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Scheduler bookkeeping: fire times up to this instant have been considered.
    schedule_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkflowVersion(IdMixin, CompanyScoped, Base):
    """An immutable snapshot of a workflow definition; executions pin the one they ran."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("workflow_id", "version"),)

    workflow_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    change_note: Mapped[str] = mapped_column(String(500), default="")
