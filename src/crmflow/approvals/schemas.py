"""Request and response models for approvals (statuses are lower case)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from crmflow.common.enums import ApprovalStatus
from crmflow.common.text import Text

__all__ = ["ApprovalStatus"]


class ApprovalDecisionRequest(BaseModel):
    """An approver's (or admin's) decision: an optional comment, kept in the audit trail."""

    model_config = ConfigDict(extra="forbid")

    comment: Text = ""


class ApproverResponse(BaseModel):
    """A designated approver and what they decided (None: not yet)."""

    user_id: int
    email: str
    name: str
    round: int
    active: bool
    decided: str | None


class DecisionResponse(BaseModel):
    """One decision of the audit trail; `user_id` None for a decision the system took."""

    user_id: int | None
    email: str | None
    name: str | None
    decision: str
    comment: str
    override: bool
    decided_at: datetime


class _ApprovalBase(BaseModel):
    """Fields shared by list items and the detail."""

    id: int
    execution_id: int
    workflow_id: int
    workflow_name: str
    step_path: str
    name: str
    status: str
    mode: str
    quorum: int
    expires_at: datetime | None
    decided_at: datetime | None
    outcome_reason: str | None
    created_at: datetime


class ApprovalListItem(_ApprovalBase):
    """An approval request in a list, with how many active approvers it has."""

    approvers_count: int


class ApprovalDetail(_ApprovalBase):
    """An approval request with its approvers, its decisions and a link to it."""

    message: str
    on_timeout: str | None
    timeout_seconds: float | None
    escalations: int
    context: dict[str, Any]
    updated_at: datetime
    approvers: list[ApproverResponse]
    decisions: list[DecisionResponse]
    link: str
