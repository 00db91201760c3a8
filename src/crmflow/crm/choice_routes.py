"""HTTP route listing what the company has to choose from (editor and blueprint pickers)."""

from __future__ import annotations

from fastapi import APIRouter

from crmflow.auth.deps import CurrentUser
from crmflow.common.deps import DbSession
from crmflow.crm.choices import Choices, company_choices

router = APIRouter(tags=["choices"])


@router.get("/choices", response_model=Choices, summary="List what the company can choose from")
def get_choices(session: DbSession, principal: CurrentUser) -> Choices:
    """Pipeline stages, categories, active users, titles, roles and record tags (bounded)."""
    return company_choices(session, company_id=principal.company_id)
