"""Approval requests: `GET /api/v1/approvals`, one request, and approve / reject it."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from crmflow.approvals import service
from crmflow.approvals.schemas import (
    ApprovalDecisionRequest,
    ApprovalDetail,
    ApprovalListItem,
    ApprovalStatus,
)
from crmflow.auth.deps import CurrentUser
from crmflow.common.deps import DbSession
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, make_page, paginate

router = APIRouter(prefix="/approvals", tags=["approvals"])


def _public_url(request: Request) -> str:
    """Return the configured public base URL (for the request's link)."""
    return str(getattr(request.app.state.settings, "public_url", "") or "")


@router.get("", response_model=Page[ApprovalListItem], summary="List approval requests")
def list_approvals(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    status: ApprovalStatus | None = None,
    mine: bool = False,
    execution_id: Id | None = None,
) -> dict[str, Any]:
    """List the company's approval requests, newest first; `mine`: those you may decide."""
    query = service.list_query(
        company_id=principal.company_id,
        status=status.value if status else None,
        mine_user_id=principal.user_id if mine else None,
        execution_id=execution_id,
    )
    rows, total = paginate(session, query, params)
    return make_page(service.list_items(session, rows), total, params)


@router.get("/{approval_id}", response_model=ApprovalDetail, summary="Get an approval request")
def get_approval(
    approval_id: Id, request: Request, session: DbSession, principal: CurrentUser
) -> dict[str, Any]:
    """Return one approval request with its approvers and decisions."""
    approval = service.get_approval(
        session, company_id=principal.company_id, approval_id=approval_id
    )
    return service.approval_detail(session, approval, public_url=_public_url(request))


def _decide(
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    approval_id: int,
    decision: Literal["approve", "reject"],
    body: ApprovalDecisionRequest | None,
) -> dict[str, Any]:
    approval = service.decide(
        session,
        principal=principal,
        approval_id=approval_id,
        decision=decision,
        comment=body.comment if body else "",
    )
    return service.approval_detail(session, approval, public_url=_public_url(request))


@router.post("/{approval_id}/approve", response_model=ApprovalDetail, summary="Approve a request")
def approve(
    approval_id: Id,
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    body: ApprovalDecisionRequest | None = None,
) -> dict[str, Any]:
    """Approve as a designated approver (or an admin, recorded as an override)."""
    return _decide(request, session, principal, approval_id, "approve", body)


@router.post("/{approval_id}/reject", response_model=ApprovalDetail, summary="Reject a request")
def reject(
    approval_id: Id,
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    body: ApprovalDecisionRequest | None = None,
) -> dict[str, Any]:
    """Reject as a designated approver (or an admin, recorded as an override)."""
    return _decide(request, session, principal, approval_id, "reject", body)
