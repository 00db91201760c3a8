"""A company's own settings: its language."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from crmflow.auth.models import Company
from crmflow.common.i18n import language_of


def company_language(db: Connection | Session, company_id: int) -> str:
    """The language the system writes to this company's people in (`en` or `fr`)."""
    return language_of(db.scalar(select(Company.language).where(Company.id == company_id)))
