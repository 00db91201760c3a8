"""Find, list and decide approval requests (no HTTP)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalApprover, ApprovalDecision, ApprovalRequest
from crmflow.auth.models import User
from crmflow.auth.service import Principal
from crmflow.common.enums import ApprovalStatus
from crmflow.common.errors import Conflict, Forbidden, NotFound
from crmflow.db.base import utcnow
from crmflow.db.signals import mark_executions_ready
from crmflow.executions import lifecycle
from crmflow.executions.models import WorkflowExecution
from crmflow.workflows.models import Workflow

# The API's verb -> the stored decision (and the request status it can lead to).
OUTCOMES = {"approve": ApprovalStatus.APPROVED, "reject": ApprovalStatus.REJECTED}
REQUEST_FIELDS = [column.key for column in ApprovalRequest.__table__.columns]


def evaluate(
    *, mode: str, quorum: int, approvers: int, approvals: int, rejections: int
) -> str | None:
    """Return "approved", "rejected" or None (still open) for these counts under a mode."""
    if mode == "any":
        if approvals >= 1:
            return ApprovalStatus.APPROVED
        return ApprovalStatus.REJECTED if rejections >= 1 else None
    if mode == "all":
        if rejections >= 1:
            return ApprovalStatus.REJECTED
        return ApprovalStatus.APPROVED if approvers > 0 and approvals >= approvers else None
    if mode == "quorum":
        if approvals >= quorum:
            return ApprovalStatus.APPROVED
        undecided = max(approvers - approvals - rejections, 0)
        return ApprovalStatus.REJECTED if approvals + undecided < quorum else None
    raise ValueError(f"unknown approval mode {mode!r}")


def list_query(
    *,
    company_id: int,
    status: str | None,
    mine_user_id: int | None,
    execution_id: int | None = None,
) -> Select[Any]:
    """Build the company's newest-first approval query, filtered by status and active approver."""
    query = select(ApprovalRequest).where(ApprovalRequest.company_id == company_id)
    if execution_id is not None:
        query = query.where(ApprovalRequest.execution_id == execution_id)
    if status:
        query = query.where(ApprovalRequest.status == status)
    if mine_user_id is not None:
        query = query.where(
            exists().where(
                ApprovalApprover.approval_id == ApprovalRequest.id,
                ApprovalApprover.user_id == mine_user_id,
                ApprovalApprover.active.is_(True),
            )
        )
    return query.order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())


def list_items(session: Session, approvals: Sequence[ApprovalRequest]) -> list[dict[str, Any]]:
    """Turn a page of requests into list items with workflow names and active approver counts."""
    if not approvals:
        return []
    ids = [a.id for a in approvals]
    counts: dict[int, int] = {
        approval_id: count
        for approval_id, count in session.execute(
            select(ApprovalApprover.approval_id, func.count())
            .where(ApprovalApprover.approval_id.in_(ids), ApprovalApprover.active.is_(True))
            .group_by(ApprovalApprover.approval_id)
        )
    }
    names = _workflow_names(session, {a.workflow_id for a in approvals})
    return [
        {
            **_fields(a),
            "workflow_name": names.get(a.workflow_id, ""),
            "approvers_count": int(counts.get(a.id, 0)),
        }
        for a in approvals
    ]


def get_approval(session: Session, *, company_id: int, approval_id: int) -> ApprovalRequest:
    """Return an approval request of the company, or raise NotFound."""
    approval = session.get(ApprovalRequest, approval_id)
    if approval is None or approval.company_id != company_id:
        raise NotFound(f"approval {approval_id} not found")
    return approval


def approval_detail(
    session: Session, approval: ApprovalRequest, *, public_url: str = ""
) -> dict[str, Any]:
    """Build the full body: fields, approvers with their decision, decisions, workflow and link."""
    decisions = _decisions(session, approval.id)
    decided = {d["user_id"]: d["decision"] for d in decisions if d["user_id"] is not None}
    approvers = [
        {
            "user_id": approver.user_id,
            "email": email,
            "name": name,
            "round": approver.round,
            "active": approver.active,
            "decided": decided.get(approver.user_id),
        }
        for approver, email, name in session.execute(
            select(ApprovalApprover, User.email, User.name)
            .join(User, User.id == ApprovalApprover.user_id)
            .where(ApprovalApprover.approval_id == approval.id)
            .order_by(ApprovalApprover.round, ApprovalApprover.id)
        )
    ]
    names = _workflow_names(session, {approval.workflow_id})
    return {
        **_fields(approval),
        "workflow_name": names.get(approval.workflow_id, ""),
        "approvers": approvers,
        "decisions": decisions,
        "link": f"{public_url.rstrip('/')}/approvals/{approval.id}",
    }


def decide(
    session: Session,
    *,
    principal: Principal,
    approval_id: int,
    decision: Literal["approve", "reject"],
    comment: str,
) -> ApprovalRequest:
    """Record one user's decision (or an admin override), settle the request and wake its run."""
    execution_id = session.scalar(
        select(ApprovalRequest.execution_id).where(ApprovalRequest.id == approval_id)
    )
    if execution_id is not None:
        # Lock the run before its request, in the runner's order (it holds the run while it
        # times the request out), so the two never deadlock and never both decide.
        session.execute(
            select(WorkflowExecution.id)
            .where(WorkflowExecution.id == execution_id)
            .with_for_update()
        )
    approval = session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.id == approval_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if approval is None or approval.company_id != principal.company_id:
        raise NotFound(f"approval {approval_id} not found")
    if approval.status != ApprovalStatus.PENDING:
        raise Conflict(_closed_message(session, approval))
    previous = session.scalar(
        select(ApprovalDecision.decision).where(
            ApprovalDecision.approval_id == approval.id,
            ApprovalDecision.user_id == principal.user_id,
        )
    )
    if previous is not None:
        raise Conflict(f"you already {previous} this request")
    active = set(
        session.scalars(
            select(ApprovalApprover.user_id).where(
                ApprovalApprover.approval_id == approval.id, ApprovalApprover.active.is_(True)
            )
        )
    )
    if principal.user_id in active:
        override = False
    elif principal.role == "admin":
        override = True
    else:
        raise Forbidden(
            "only a designated approver (or an admin, recorded as an override) "
            f"may decide approval {approval_id}"
        )
    now = utcnow()
    outcome = OUTCOMES[decision]
    session.add(
        ApprovalDecision(
            approval_id=approval.id,
            user_id=principal.user_id,
            decision=outcome,
            comment=comment,
            override=override,
            decided_at=now,
        )
    )
    try:
        session.flush()
    except IntegrityError:  # the same user deciding twice at once: the other call won
        session.rollback()
        raise Conflict("you already decided this request") from None
    settled, reason = _settle(session, approval, principal, outcome, comment, override, active)
    if settled is not None:
        approval.status = settled
        approval.decided_at = now
        approval.outcome_reason = reason
        _wake(session, approval.execution_id, now)
    approval.updated_at = now
    session.commit()
    return approval


def _settle(
    session: Session,
    approval: ApprovalRequest,
    principal: Principal,
    outcome: str,
    comment: str,
    override: bool,
    active: set[int],
) -> tuple[str | None, str]:
    """Return the request's new status (None: still open) and the reason to record."""
    who = principal.email
    suffix = f": {comment}" if comment else ""
    if override:
        return outcome, f"{outcome} by {who} (admin override){suffix}"
    counts: dict[str, int] = {
        decision: count
        for decision, count in session.execute(
            select(ApprovalDecision.decision, func.count())
            .where(
                ApprovalDecision.approval_id == approval.id,
                ApprovalDecision.override.is_(False),
                ApprovalDecision.user_id.in_(active),
            )
            .group_by(ApprovalDecision.decision)
        )
    }
    approvals, rejections = (
        int(counts.get(ApprovalStatus.APPROVED, 0)),
        int(counts.get(ApprovalStatus.REJECTED, 0)),
    )
    settled = evaluate(
        mode=approval.mode,
        quorum=approval.quorum,
        approvers=len(active),
        approvals=approvals,
        rejections=rejections,
    )
    if settled == ApprovalStatus.APPROVED:
        needed = {"any": 1, "all": len(active)}.get(approval.mode, approval.quorum)
        return settled, f"approved by {who} ({approvals} of {needed})"
    if settled == ApprovalStatus.REJECTED and approval.mode == "quorum":
        return settled, f"rejected by {who} (quorum of {approval.quorum} out of reach){suffix}"
    return settled, f"rejected by {who}{suffix}"


def _wake(session: Session, execution_id: int, now: datetime) -> None:
    """Make the waiting execution due now; the runtime resumes it after the commit."""
    mark_executions_ready(session, lifecycle.wake(session.connection(), [execution_id], now=now))


def _closed_message(session: Session, approval: ApprovalRequest) -> str:
    """Say why a request can no longer be decided: its status, and by whom and when."""
    if approval.status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        reason = f": {approval.outcome_reason}" if approval.outcome_reason else ""
        return f"approval {approval.id} is {approval.status}{reason}"
    deciders = [
        email or "the system"
        for email in session.scalars(
            select(User.email)
            .select_from(ApprovalDecision)
            .outerjoin(User, User.id == ApprovalDecision.user_id)
            .where(
                ApprovalDecision.approval_id == approval.id,
                ApprovalDecision.decision == approval.status,
            )
            .order_by(ApprovalDecision.decided_at, ApprovalDecision.id)
        )
    ]
    by = f"by {', '.join(deciders)} " if deciders else ""
    when = approval.decided_at.isoformat(timespec="seconds") if approval.decided_at else "?"
    return f"approval {approval.id} is already {approval.status} ({by}at {when})"


def _decisions(session: Session, approval_id: int) -> list[dict[str, Any]]:
    """Return the decisions taken on a request, oldest first, with who took them."""
    rows = session.execute(
        select(ApprovalDecision, User.email, User.name)
        .outerjoin(User, User.id == ApprovalDecision.user_id)
        .where(ApprovalDecision.approval_id == approval_id)
        .order_by(ApprovalDecision.decided_at, ApprovalDecision.id)
    )
    return [
        {
            "user_id": d.user_id,
            "email": email,
            "name": name,
            "decision": d.decision,
            "comment": d.comment,
            "override": d.override,
            "decided_at": d.decided_at,
        }
        for d, email, name in rows
    ]


def _workflow_names(session: Session, workflow_ids: set[int]) -> dict[int, str]:
    """Map workflow ids to their names."""
    rows = session.execute(select(Workflow.id, Workflow.name).where(Workflow.id.in_(workflow_ids)))
    return {workflow_id: name for workflow_id, name in rows}


def _fields(approval: ApprovalRequest) -> dict[str, Any]:
    """Return every column of a request as a dict."""
    return {key: getattr(approval, key) for key in REQUEST_FIELDS}
