"""Suggestions mined from a company's history, and the jobs that mine them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.common.enums import JobStatus, SuggestionStatus
from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, UTCDateTime, utcnow

PENDING_ONLY = text(f"status = '{SuggestionStatus.PENDING.value}'")


class WorkflowSuggestion(IdMixin, CompanyScoped, Base):
    """A proposed change, with the evidence it was mined from and a back-test of it."""

    __tablename__ = "workflow_suggestions"
    __table_args__ = (
        # Re-running the generator refreshes a pending suggestion instead of adding a copy.
        Index(
            "uq_workflow_suggestions_pending",
            "company_id",
            "fingerprint",
            unique=True,
            sqlite_where=PENDING_ONLY,
            postgresql_where=PENDING_ONLY,
        ),
        Index("ix_workflow_suggestions_company_status", "company_id", "status"),
    )

    workflow_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # auto_approval | parallel_approvals | performance | error_handling | manual_work
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # What the miners wrote, kept when a language model rewrites title and description.
    mined_title: Mapped[str] = mapped_column(String(300), default="")
    mined_description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="historical")
    confidence_score: Mapped[float] = mapped_column(Float, default=0.0)
    pattern_frequency: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=SuggestionStatus.PENDING)
    # The pattern's identity (kind, workflow, step, segment): the same pattern mined again.
    fingerprint: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # {"type": "patch", "workflow_id", "base_version", "patch": [RFC 6902 ops]} or
    # {"type": "new_workflow", "definition": {...}}; null for advice without a change.
    change: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    backtest: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The workflow (and its version) an accepted suggestion produced.
    applied_workflow_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    applied_version: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SuggestionJob(IdMixin, CompanyScoped, Base):
    """One run of the generator: its parameters, progress and what it found."""

    __tablename__ = "suggestion_jobs"

    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED)
    days: Mapped[int] = mapped_column(default=30)
    min_occurrences: Mapped[int] = mapped_column(default=10)
    use_llm: Mapped[bool] = mapped_column(default=True)
    # 0-100, and what it is doing (the miner running, the back-tests).
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    created_count: Mapped[int] = mapped_column(default=0)
    refreshed_count: Mapped[int] = mapped_column(default=0)
    discarded: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    duration_ms: Mapped[float | None] = mapped_column(Float, nullable=True)


class SuggestionStatTotal(Base):
    """Suggestions that ever reached a status, by the source of their words when they did.

    The metric `workflow_suggestion_total` is a counter: it must never go down, and the rows of
    the suggestions table move between statuses and go when their workflow is deleted.
    """

    __tablename__ = "suggestion_stat_totals"

    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
