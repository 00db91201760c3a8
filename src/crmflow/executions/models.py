"""Workflow executions, their steps, and the duration histogram behind statistics."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, UTCDateTime, utcnow


def new_run_key() -> str:
    """Return a fresh random run key (16 hex digits, prefixed so it never looks like an id)."""
    return "r" + secrets.token_hex(8)


class WorkflowExecution(IdMixin, CompanyScoped, Base):
    """One run of one workflow version for one trigger (event, fire time, entity or manual call)."""

    __tablename__ = "workflow_executions"
    __table_args__ = (
        # One execution per (workflow, event): a redelivered event cannot run a workflow twice.
        UniqueConstraint("workflow_id", "event_id"),
        # One execution per scheduled fire time / inactivity period / manual idempotency key.
        UniqueConstraint("workflow_id", "fire_key"),
        Index("ix_executions_workflow_status", "workflow_id", "status"),
        Index("ix_executions_workflow_created", "workflow_id", "created_at"),
        Index("ix_executions_company_created", "company_id", "created_at"),
        Index("ix_executions_status_lease", "status", "lease_expires_at"),
        Index("ix_executions_status_resume", "status", "resume_at"),
        Index("ix_executions_entity", "trigger_entity_type", "trigger_entity_id"),
    )

    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflow_versions.id"))
    version: Mapped[int] = mapped_column(default=1)
    # Random, never reused: external idempotency keys (email Message-ID, webhook
    # Idempotency-Key, created records) derive from it, never from the id alone.
    run_key: Mapped[str] = mapped_column(String(32), default=new_run_key)
    status: Mapped[str] = mapped_column(String(20), default=ExecutionStatus.PENDING)
    trigger_type: Mapped[str] = mapped_column(String(60))
    trigger_entity_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    trigger_entity_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    event_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    fire_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    trigger_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    context_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # Why the run was skipped (or what the conditions decided): rule, actual value, explanation.
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    causation_depth: Mapped[int] = mapped_column(default=0)
    actions_executed: Mapped[int] = mapped_column(default=0)
    # Steps that failed while the run went on (`on_error: continue`): > 0 makes it `partial`.
    steps_failed: Mapped[int] = mapped_column(default=0, server_default="0")
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempt: Mapped[int] = mapped_column(default=0)
    # Times a claim found this run `running` past its lease: its worker died or hung. Bounded
    # by CRMFLOW_MAX_WORKER_LOSSES so a step that kills its worker cannot loop forever.
    worker_losses: Mapped[int] = mapped_column(default=0, server_default="0")
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resume_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What a `waiting` run waits for: delay | approval | retry | queue (run policy `queued`).
    waiting_for: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The execution this one re-runs from the start (POST /executions/{id}/rerun).
    rerun_of_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    duration_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ExecutionStep(IdMixin, Base):
    """The checkpointed outcome of one step of an execution, addressed by its path."""

    __tablename__ = "execution_steps"
    __table_args__ = (UniqueConstraint("execution_id", "path"),)

    execution_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflow_executions.id", ondelete="CASCADE")
    )
    path: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    step_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    type: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default=StepStatus.PENDING)
    attempt: Mapped[int] = mapped_column(default=1)
    input: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    # Every attempt of a step with a retry policy: attempt, status, error, timings.
    attempts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    duration_ms: Mapped[float | None] = mapped_column(Float, nullable=True)


class ExecutionStatBucket(Base):
    """Finished executions counted per (workflow, day, status, duration bucket).

    Statistics read these few rows instead of scanning executions, so `/stats` stays fast at
    millions of runs; percentiles are interpolated inside a bucket (log scale, ~9% wide).
    """

    __tablename__ = "execution_stat_buckets"

    workflow_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    duration_sum_ms: Mapped[float] = mapped_column(Float, default=0.0)
    last_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ExecutionStatTotal(Base):
    """Executions counted for all time per (workflow, status, duration bucket).

    Pruning moves old daily buckets here instead of dropping their counts, so the Prometheus
    counters derived from the database never go down.
    """

    __tablename__ = "execution_stat_totals"

    workflow_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    duration_sum_ms: Mapped[float] = mapped_column(Float, default=0.0)


class ActionStatTotal(Base):
    """Action steps counted for all time per (action type, final status, duration bucket)."""

    __tablename__ = "action_stat_totals"

    action_type: Mapped[str] = mapped_column(String(60), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    duration_sum_ms: Mapped[float] = mapped_column(Float, default=0.0)
