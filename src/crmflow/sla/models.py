"""Service levels on workflows, the breaches found, and how far the scan has looked."""

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
    utcnow,
)


class WorkflowSLA(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A duration target on a workflow's runs, or on one of its steps (the seed's fields)."""

    __tablename__ = "workflow_slas"
    __table_args__ = (Index("ix_workflow_slas_workflow_active", "workflow_id", "is_active"),)

    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # None: the whole run (created -> finished); else a step path such as `actions/1`.
    step_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    target_duration_seconds: Mapped[float] = mapped_column()
    warning_threshold_seconds: Mapped[float] = mapped_column()
    critical_threshold_seconds: Mapped[float] = mapped_column()
    slo_window_hours: Mapped[int] = mapped_column(default=24)
    slo_target_percentage: Mapped[float] = mapped_column(default=99.0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)


class SLABreach(IdMixin, CompanyScoped, Base):
    """One run (or step) past an SLA threshold: open, then acknowledged, then resolved."""

    __tablename__ = "sla_breaches"
    __table_args__ = (
        # One breach per execution, SLA and severity: a scan that looks again adds nothing.
        UniqueConstraint("execution_id", "sla_id", "severity"),
        Index("ix_sla_breaches_company_status", "company_id", "status"),
    )

    sla_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflow_slas.id", ondelete="CASCADE"))
    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    execution_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflow_executions.id", ondelete="CASCADE"), index=True
    )
    step_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # warning | critical
    severity: Mapped[str] = mapped_column(String(10))
    threshold_seconds: Mapped[float] = mapped_column()
    # How long the run (or step) had taken when the breach was found.
    elapsed_seconds: Mapped[float] = mapped_column()
    # elapsed - threshold at detection: how far past the line it was.
    breach_margin_seconds: Mapped[float] = mapped_column()
    # What the run was doing when found: running, waiting, pending, or its final status.
    execution_status: Mapped[str] = mapped_column(String(20))
    # open | acknowledged | resolved
    status: Mapped[str] = mapped_column(String(20), default="open")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SLAScanCursor(Base):
    """Finished runs up to `checked_until` have been checked (one row per deployment)."""

    __tablename__ = "sla_scan_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    # Burn rates and failure streaks were last evaluated then (once a minute is enough).
    health_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WorkflowAlert(IdMixin, CompanyScoped, Base):
    """A condition on a workflow that people were told about: open until it clears.

    `kind`: `failure_streak` (N failed runs in a row), `burn_rate_page` or `burn_rate_ticket`
    (an SLO's error budget burning fast, on two windows at once). `key` tells one occurrence
    from the next (a streak by the last good run before it), so each is alerted once.
    """

    __tablename__ = "workflow_alerts"
    __table_args__ = (
        UniqueConstraint("workflow_id", "kind", "key"),
        Index("ix_workflow_alerts_company_open", "company_id", "resolved_at"),
    )

    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    sla_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("workflow_slas.id", ondelete="CASCADE"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
