"""HTTP routes for languages: your interface language and your company's."""

from __future__ import annotations

from fastapi import APIRouter

from crmflow.auth import users as user_admin
from crmflow.auth.deps import Admin, CurrentUser
from crmflow.auth.models import Company, User
from crmflow.auth.schemas import CompanyOut, CompanyUpdate, PreferencesIn, UserOut
from crmflow.common.deps import DbSession

router = APIRouter(tags=["users"])


@router.patch("/users/me/preferences", response_model=UserOut, summary="Set your preferences")
def set_preferences(body: PreferencesIn, session: DbSession, principal: CurrentUser) -> User:
    """Choose the interface language (en, fr), or null to follow the browser."""
    user = user_admin.get_user(session, company_id=principal.company_id, user_id=principal.user_id)
    user.locale = body.locale
    session.commit()
    return user


@router.get("/company", response_model=CompanyOut, summary="Your company")
def get_company(session: DbSession, principal: CurrentUser) -> Company:
    """Return your company: its name and the language crmflow writes to its people in."""
    return session.get_one(Company, principal.company_id)


@router.patch("/company", response_model=CompanyOut, summary="Change your company's settings")
def update_company(body: CompanyUpdate, session: DbSession, principal: Admin) -> Company:
    """Set the language of approval requests, alerts and other texts crmflow writes (admin)."""
    company = session.get_one(Company, principal.company_id)
    company.language = body.language
    session.commit()
    return company
