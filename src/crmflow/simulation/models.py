"""A simulation, a back-test or a comparison, and what it found (the seed's WorkflowSimulation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, UTCDateTime, utcnow


class WorkflowSimulation(IdMixin, CompanyScoped, Base):
    """One simulation of a workflow (a saved version or an unsaved draft) and its results."""

    __tablename__ = "workflow_simulations"
    __table_args__ = (Index("ix_workflow_simulations_company_created", "company_id", "id"),)

    # SET NULL: a simulation stays readable after its workflow is deleted.
    workflow_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="SET NULL"), nullable=True, index=True
    )
    version: Mapped[int | None] = mapped_column(nullable=True)
    # simulate | backtest | compare
    mode: Mapped[str] = mapped_column(String(20), default="simulate")
    # queued | running | completed | invalid | failed
    status: Mapped[str] = mapped_column(String(20), default="completed")
    progress: Mapped[float] = mapped_column(default=0.0)
    # The draft simulated when it was not a saved version.
    definition: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    input_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    entity_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    entity_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    trigger_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    would_trigger: Mapped[bool | None] = mapped_column(nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    execution_path: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    branch_explorations: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    approval_chain: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    predicted_duration_ms: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    validation_errors: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    warnings: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[float | None] = mapped_column(nullable=True)
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moves with a back-test's progress: a job that stopped moving was interrupted.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
