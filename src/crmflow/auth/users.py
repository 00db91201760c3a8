"""User administration and the caller's API tokens (no HTTP; callers commit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from crmflow.auth.models import ApiToken, User
from crmflow.auth.service import (
    SESSION_TOKEN_NAME,
    Principal,
    hash_password,
    hash_token,
    issue_token,
)
from crmflow.common.enums import Role
from crmflow.common.errors import Conflict, Invalid, NotFound
from crmflow.common.ids import is_valid_id
from crmflow.common.search import contains_text, json_list_contains
from crmflow.db.base import utcnow


def get_user(session: Session, *, company_id: int, user_id: int) -> User:
    """Return a user of the company or raise NotFound."""
    user = session.get(User, user_id) if is_valid_id(user_id) else None
    if user is None or user.company_id != company_id:
        raise NotFound(f"user {user_id} not found")
    return user


def users_query(
    *,
    company_id: int,
    q: str | None = None,
    role: str | None = None,
    title: str | None = None,
    is_active: bool | None = None,
) -> Select[Any]:
    """Select a company's users by name (filters: name/email text, role, title, active)."""
    query = select(User).where(User.company_id == company_id)
    if q:
        query = query.where(or_(contains_text(User.name, q), contains_text(User.email, q)))
    if role:
        query = query.where(User.role == role)
    if title:
        query = query.where(json_list_contains(User.titles, title.strip().lower()))
    if is_active is not None:
        query = query.where(User.is_active.is_(is_active))
    return query.order_by(func.lower(User.name), User.id)


def _check_manager(session: Session, *, user: User, manager_id: int | None) -> None:
    if manager_id is None:
        return
    manager = session.get(User, manager_id) if is_valid_id(manager_id) else None
    if manager is None or manager.company_id != user.company_id:
        raise Invalid(f"manager_id: no user {manager_id} in this company", field="manager_id")
    seen = {user.id}
    while manager is not None:
        if manager.id in seen:
            raise Invalid("manager_id: would make a management cycle", field="manager_id")
        seen.add(manager.id)
        manager = session.get(User, manager.manager_id) if manager.manager_id else None


def update_user(
    session: Session, *, principal: Principal, user_id: int, values: dict[str, Any]
) -> User:
    """Change a user's profile, role, titles, manager, status or password (admins)."""
    user = get_user(session, company_id=principal.company_id, user_id=user_id)
    for field in ("email", "name", "role", "titles", "is_active"):
        if field in values and values[field] is None:
            raise Invalid(f"{field}: may not be null", field=field)
    if user.id == principal.user_id:
        if values.get("role", Role.ADMIN) != Role.ADMIN:
            raise Conflict("role: you cannot remove your own admin role", field="role")
        if values.get("is_active") is False:
            raise Conflict("is_active: you cannot deactivate yourself", field="is_active")
    if "email" in values and values["email"] != user.email:
        taken = session.scalar(
            select(User.id).where(User.company_id == user.company_id, User.email == values["email"])
        )
        if taken is not None:
            raise Conflict(
                f"email: a user with email {values['email']!r} already exists", field="email"
            )
        user.email = values["email"]
    if "manager_id" in values:
        _check_manager(session, user=user, manager_id=values["manager_id"])
        user.manager_id = values["manager_id"]
    if "name" in values:
        user.name = values["name"] or user.email.split("@")[0]
    if "role" in values:
        user.role = Role(values["role"]).value
    if "titles" in values:
        user.titles = list(dict.fromkeys(t.strip().lower() for t in values["titles"]))
    if "password" in values:
        user.password_hash = hash_password(values["password"]) if values["password"] else None
    if values.get("is_active") is False and user.is_active:
        deactivate_user(session, principal=principal, user_id=user.id)
    elif values.get("is_active") is True:
        user.is_active = True
    session.flush()
    return user


def deactivate_user(session: Session, *, principal: Principal, user_id: int) -> User:
    """Deactivate a user and revoke their tokens (records they own keep pointing at them)."""
    user = get_user(session, company_id=principal.company_id, user_id=user_id)
    if user.id == principal.user_id:
        raise Conflict("user: you cannot deactivate yourself", field="user_id")
    user.is_active = False
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return user


def create_token(
    session: Session, *, principal: Principal, name: str = "", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for the caller; return the row and the plain token (shown once)."""
    if name.strip().lower() == SESSION_TOKEN_NAME:
        # Sign-out everywhere revokes tokens by this name: an API token must never carry it.
        raise Invalid(
            f"name: {SESSION_TOKEN_NAME!r} is reserved for browser sessions", field="name"
        )
    user = get_user(session, company_id=principal.company_id, user_id=principal.user_id)
    expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    plain = issue_token(session, user=user, name=name, expires_at=expires)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    assert row is not None
    return row, plain


def tokens_query(*, principal: Principal, user_id: int | None = None) -> Select[Any]:
    """Select the caller's tokens (admins may ask for another user's), newest first."""
    owner = principal.user_id
    if user_id is not None and user_id != principal.user_id:
        if not principal.is_admin:
            raise NotFound(f"user {user_id} not found")
        owner = user_id
    return (
        select(ApiToken)
        .where(ApiToken.company_id == principal.company_id, ApiToken.user_id == owner)
        .order_by(ApiToken.id.desc())
    )
