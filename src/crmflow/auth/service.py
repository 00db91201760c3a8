"""Users, tokens and password hashing; bootstrap of the first admin."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from crmflow.auth.models import ApiToken, Company, User
from crmflow.auth.throttle import ThrottlePolicy, forgive, log_failure, reserve_attempt
from crmflow.common.enums import Role
from crmflow.common.errors import Conflict, Invalid, NotFound
from crmflow.common.text import NAME_FORBIDDEN, first_forbidden
from crmflow.db.base import utcnow

TOKEN_PREFIX = "cfw_"
# The name of every token issued by signing in (browser sessions); API tokens may not take it.
SESSION_TOKEN_NAME = "sign-in"


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored for a token (tokens are random, so no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """Hash a password with scrypt and a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Check a password against its stored scrypt hash in constant time."""
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt_hex, digest_hex = stored.split("$", 2)
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, their company and role (and the token used, if any)."""

    user_id: int
    company_id: int
    role: str
    email: str
    token_id: int | None = None
    token_last_used: datetime | None = None

    @property
    def can_write(self) -> bool:
        """Editors and admins may change data; viewers only read."""
        return self.role in (Role.ADMIN, Role.EDITOR)

    @property
    def is_admin(self) -> bool:
        """Admins manage users and may override approvals."""
        return self.role == Role.ADMIN


def valid_token_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    """Return those token hashes that are neither revoked nor expired, of active users."""
    wanted = list(set(hashes))
    if not wanted:
        return set()
    rows = session.scalars(
        select(ApiToken.token_hash)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash.in_(wanted), _usable(utcnow()), User.is_active.is_(True))
    )
    return set(rows)


def _usable(now: datetime) -> Any:
    return and_(
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


# The Bearer-token check: the token's active user, unless the token is revoked or expired.
TOKEN_PRINCIPAL = (
    select(User.id, User.company_id, User.role, User.email, ApiToken.id, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
        User.is_active.is_(True),
    )
)


def principal_from_row(row: Sequence[Any]) -> Principal:
    """The principal of a `TOKEN_PRINCIPAL` row."""
    return Principal(
        user_id=row[0],
        company_id=row[1],
        role=row[2],
        email=row[3],
        token_id=row[4],
        token_last_used=row[5],
    )


def principal_for_token(session: Session, token: str) -> Principal | None:
    """Resolve a Bearer token to its active user, or None (revoked, expired, unknown)."""
    row = session.execute(
        TOKEN_PRINCIPAL, {"token_hash": hash_token(token), "now": utcnow()}
    ).first()
    return None if row is None else principal_from_row(row)


# last_used_at is written at most this often per token: a write per request would queue every
# GET behind SQLite's single writer.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_use_is_stale(principal: Principal) -> bool:
    """True when the principal's token last use is unknown or over a minute old."""
    last = principal.token_last_used
    if principal.token_id is None:
        return False
    return last is None or utcnow() - last >= LAST_USED_RESOLUTION


def _refuse_control_characters(field: str, value: str) -> None:
    bad = first_forbidden(value, NAME_FORBIDDEN)
    if bad is not None:
        raise Invalid(f"{field}: control character U+{ord(bad):04X} not allowed", field=field)


def get_or_create_company(session: Session, *, name: str) -> Company:
    """Return the company with this name, creating it when new."""
    company = session.scalar(select(Company).where(Company.name == name))
    if company is None:
        _refuse_control_characters("company", name)
        company = Company(name=name, webhook_secret=secrets.token_hex(32))
        session.add(company)
        session.flush()
    return company


def create_user(
    session: Session,
    *,
    company_id: int,
    email: str,
    name: str = "",
    role: str = Role.VIEWER,
    titles: list[str] | None = None,
    manager_id: int | None = None,
    password: str | None = None,
) -> User:
    """Create a user in a company; the email must be unique in it."""
    email = email.strip().lower()
    if "@" not in email:
        raise Invalid("email: not an email address", field="email")
    # The API's schemas check these already; the CLI and the demo loader come straight here.
    for field, value in (("email", email), ("name", name), *(("titles", t) for t in titles or [])):
        _refuse_control_characters(field, value)
    exists = session.scalar(
        select(func.count()).where(User.company_id == company_id, User.email == email)
    )
    if exists:
        raise Conflict(f"email: a user with email {email!r} already exists", field="email")
    if manager_id is not None:
        manager = session.get(User, manager_id)
        if manager is None or manager.company_id != company_id:
            raise Invalid(f"manager_id: no user {manager_id} in this company", field="manager_id")
    user = User(
        company_id=company_id,
        email=email,
        name=name or email.split("@")[0],
        role=Role(role).value,
        titles=[t.strip().lower() for t in (titles or []) if t.strip()],
        manager_id=manager_id,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user


def issue_token(
    session: Session,
    *,
    user: User,
    name: str = "",
    token: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Create an API token for a user and return its plain text (shown once)."""
    plain = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            company_id=user.company_id,
            user_id=user.id,
            name=name,
            token_hash=hash_token(plain),
            expires_at=expires_at,
        )
    )
    session.flush()
    return plain


@functools.cache
def _decoy_hash() -> str:
    # Checked when no account matches, so an unknown email costs the same scrypt as a known one.
    return hash_password(secrets.token_hex(16))


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    policy: ThrottlePolicy,
    token_ttl_hours: int,
) -> tuple[User, str]:
    """Check email/password under throttling and issue an expiring token (commits).

    Raises SignInThrottled (429) or NotFound (401). The slow hash runs outside any transaction,
    so sign-ins never hold SQLite's write lock while scrypt works.
    """
    email = email.strip().lower()
    attempt_id = reserve_attempt(session, email=email, address=address, policy=policy)
    candidates = session.execute(
        select(User.id, User.password_hash).where(
            User.email == email, User.is_active.is_(True), User.password_hash.is_not(None)
        )
    ).all()
    session.commit()  # the attempt counts even if this request dies during the hash
    matched = [uid for uid, stored in candidates if verify_password(password, stored)]
    if not candidates:
        verify_password(password, _decoy_hash())
    if not matched:
        log_failure(email=email, address=address)
        raise NotFound("unknown email or wrong password")
    user = session.get_one(User, matched[0])
    forgive(session, email=email, attempt_id=attempt_id)
    expires = utcnow() + timedelta(hours=token_ttl_hours) if token_ttl_hours else None
    token = issue_token(session, user=user, name=SESSION_TOKEN_NAME, expires_at=expires)
    session.commit()
    return user, token


def bootstrap_admin(
    session: Session, *, email: str, company_name: str, token: str | None
) -> str | None:
    """On an empty database create a company and an admin; return a generated token to print.

    When a token is given it becomes valid for the admin (also on later starts, so a changed
    CRMFLOW_ADMIN_TOKEN takes effect); nothing is returned then because the caller knows it.
    """
    has_users = session.scalar(select(func.count()).select_from(User))
    if has_users:
        if token:
            admin = session.scalar(
                select(User).where(User.email == email.strip().lower(), User.role == Role.ADMIN)
            )
            known = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
            if admin is not None and known is None:
                issue_token(session, user=admin, name="CRMFLOW_ADMIN_TOKEN", token=token)
        return None
    company = get_or_create_company(session, name=company_name)
    admin = create_user(
        session,
        company_id=company.id,
        email=email,
        name="Admin",
        role=Role.ADMIN,
        titles=["admin"],
    )
    plain = issue_token(session, user=admin, name="bootstrap", token=token)
    return None if token else plain


def revoke_token(session: Session, *, principal: Principal, token_id: int) -> None:
    """Revoke one of the caller's tokens (admins may revoke any in their company)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.company_id != principal.company_id:
        raise NotFound(f"token {token_id} not found")
    if row.user_id != principal.user_id and not principal.is_admin:
        raise NotFound(f"token {token_id} not found")
    row.revoked_at = utcnow()
