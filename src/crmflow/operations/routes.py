"""The operations overview API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from crmflow.auth.deps import CurrentUser
from crmflow.common.deps import DbSession
from crmflow.operations import service
from crmflow.operations.schemas import OperationsOverview

router = APIRouter(prefix="/operations", tags=["operations"])


@router.get("/overview", response_model=OperationsOverview, summary="The operations overview")
def overview(
    session: DbSession,
    principal: CurrentUser,
    days: Annotated[int, Query(ge=1, le=90, description="the last N days")] = 7,
) -> dict[str, Any]:
    """Runs per day and status across workflows, the top failing and slowest workflows, each
    active SLA against its objective, open breaches and runs in flight."""
    return service.overview(session, company_id=principal.company_id, days=days)
