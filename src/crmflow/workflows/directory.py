"""The company's people as workflow validation sees them (approver titles and users)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.engine.company_actions import find_company_action


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

    def custom_action_schema(self, action_type: str) -> dict[str, Any] | None:
        """The input schema of the company's custom action of this type, or None."""
        action = find_company_action(self._session, self._company_id, action_type)
        if action is None:
            return None
        return dict(getattr(action, "input_schema", None) or {"type": "object"})

    def has_user(self, reference: str) -> bool:
        """True when an active user has this id or email."""
        ref = reference.strip().lower()
        return any(str(uid) == ref or email == ref for uid, email, _ in self._load())
