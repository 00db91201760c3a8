"""Approval requests, who may decide them, and every decision taken (the audit trail)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.common.enums import ApprovalStatus
from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, UTCDateTime, utcnow


class ApprovalRequest(IdMixin, CompanyScoped, Base):
    """One approval step of one execution waiting for (or having got) its decision."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        # A resumed or re-walked run finds its request instead of asking a second time.
        UniqueConstraint("execution_id", "step_path"),
        Index("ix_approval_requests_company_status", "company_id", "status"),
        Index("ix_approval_requests_status_expires", "status", "expires_at"),
    )

    execution_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflow_executions.id", ondelete="CASCADE")
    )
    workflow_id: Mapped[int] = mapped_column(BigId, ForeignKey("workflows.id", ondelete="CASCADE"))
    step_path: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    # pending | approved | rejected | cancelled
    status: Mapped[str] = mapped_column(String(20), default=ApprovalStatus.PENDING)
    mode: Mapped[str] = mapped_column(String(10), default="any")
    quorum: Mapped[int] = mapped_column(default=1)
    on_timeout: Mapped[str | None] = mapped_column(String(10), nullable=True)
    timeout_seconds: Mapped[float | None] = mapped_column(nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    escalations: Mapped[int] = mapped_column(default=0)
    # What the approvers see: the trigger record's name, amount, ... at request time.
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    outcome_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ApprovalApprover(IdMixin, Base):
    """A user designated to decide a request; `round` counts escalations (0 = first ask)."""

    __tablename__ = "approval_approvers"
    __table_args__ = (
        UniqueConstraint("approval_id", "user_id"),
        Index("ix_approval_approvers_user", "user_id"),
    )

    approval_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("approval_requests.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=0)
    # Superseded by an escalation: may no longer decide.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApprovalDecision(IdMixin, Base):
    """Who decided what, when and why; `override` marks an admin who was not an approver."""

    __tablename__ = "approval_decisions"
    __table_args__ = (UniqueConstraint("approval_id", "user_id"),)

    approval_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("approval_requests.id", ondelete="CASCADE"), index=True
    )
    # None for decisions the system took (timeout with on_timeout approve/reject).
    user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    override: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
