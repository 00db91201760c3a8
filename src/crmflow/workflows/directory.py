"""The company's people as workflow validation sees them (approver titles and users)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import User


class CompanyDirectory:
    """Active users of one company, loaded once on first use."""

    def __init__(self, session: Session, company_id: int) -> None:
        self._session = session
        self._company_id = company_id
        self._users: list[tuple[int, str, list[str]]] | None = None

    def _load(self) -> list[tuple[int, str, list[str]]]:
        if self._users is None:
            rows = self._session.execute(
                select(User.id, User.email, User.titles).where(
                    User.company_id == self._company_id, User.is_active.is_(True)
                )
            )
            self._users = [(uid, email.lower(), list(titles or [])) for uid, email, titles in rows]
        return self._users

    def titles(self) -> set[str]:
        """Every title some active user holds (lower case)."""
        return {str(t).lower() for _, _, titles in self._load() for t in titles}

    def has_user(self, reference: str) -> bool:
        """True when an active user has this id or email."""
        ref = reference.strip().lower()
        return any(str(uid) == ref or email == ref for uid, email, _ in self._load())
