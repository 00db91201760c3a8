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
from crmflow.common.i18n import RequestLanguage
from crmflow.common.i18n_run_texts import translate_run_text
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, make_page, paginate

router = APIRouter(prefix="/approvals", tags=["approvals"])


def _public_url(request: Request) -> str:
    """Return the configured public base URL (for the request's link)."""
    return str(getattr(request.app.state.settings, "public_url", "") or "")


def _in_language(language: str, body: dict[str, Any]) -> dict[str, Any]:
    """A request with the sentences crmflow wrote (why it closed, a timeout's decision) in
    `language`; people's own comments are theirs and stay as written."""
    out = dict(body)
    if isinstance(out.get("outcome_reason"), str):
        out["outcome_reason"] = translate_run_text(language, out["outcome_reason"])
    if isinstance(out.get("decisions"), list):
        out["decisions"] = [
            {**d, "comment": translate_run_text(language, d["comment"])}
            if d.get("user_id") is None and isinstance(d.get("comment"), str)
            else d
            for d in out["decisions"]
        ]
    return out


@router.get("", response_model=Page[ApprovalListItem], summary="List approval requests")
def list_approvals(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    language: RequestLanguage,
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
    items = [_in_language(language, item) for item in service.list_items(session, rows)]
    return make_page(items, total, params)


@router.get("/{approval_id}", response_model=ApprovalDetail, summary="Get an approval request")
def get_approval(
    approval_id: Id,
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    language: RequestLanguage,
) -> dict[str, Any]:
    """Return one approval request with its approvers and decisions."""
    approval = service.get_approval(
        session, company_id=principal.company_id, approval_id=approval_id
    )
    body = service.approval_detail(session, approval, public_url=_public_url(request))
    return _in_language(language, body)


def _decide(
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    approval_id: int,
    decision: Literal["approve", "reject"],
    body: ApprovalDecisionRequest | None,
    language: str,
) -> dict[str, Any]:
    approval = service.decide(
        session,
        principal=principal,
        approval_id=approval_id,
        decision=decision,
        comment=body.comment if body else "",
    )
    detail = service.approval_detail(session, approval, public_url=_public_url(request))
    return _in_language(language, detail)


@router.post("/{approval_id}/approve", response_model=ApprovalDetail, summary="Approve a request")
def approve(
    approval_id: Id,
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    language: RequestLanguage,
    body: ApprovalDecisionRequest | None = None,
) -> dict[str, Any]:
    """Approve as a designated approver (or an admin, recorded as an override)."""
    return _decide(request, session, principal, approval_id, "approve", body, language)


@router.post("/{approval_id}/reject", response_model=ApprovalDetail, summary="Reject a request")
def reject(
    approval_id: Id,
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    language: RequestLanguage,
    body: ApprovalDecisionRequest | None = None,
) -> dict[str, Any]:
    """Reject as a designated approver (or an admin, recorded as an override)."""
    return _decide(request, session, principal, approval_id, "reject", body, language)
