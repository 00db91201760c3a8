"""Browser sessions: a sign-in token in an HttpOnly cookie, and the CSRF proof cookie requests need.

The session cookie holds an ordinary sign-in ApiToken (named SESSION_TOKEN_NAME, expiring after
CRMFLOW_LOGIN_TOKEN_TTL_HOURS), so revoking it works exactly as for Bearer tokens. The CSRF value
is an HMAC of that token: JavaScript can read it (to send it back as X-CSRF-Token) but cannot
derive the session token from it, and a cookie planted by a sibling site cannot match a session
it does not know.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crmflow.auth.models import ApiToken, User
from crmflow.auth.service import SESSION_TOKEN_NAME, Principal, issue_token
from crmflow.db.base import utcnow

SESSION_COOKIE = "crmflow_session"
CSRF_COOKIE = "crmflow_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Browsers cap a cookie's lifetime at 400 days; used when sign-in tokens never expire (TTL 0).
MAX_COOKIE_SECONDS = 400 * 24 * 3600


def csrf_value(session_token: str) -> str:
    """Return the CSRF proof that belongs to a session token."""
    return hmac.new(session_token.encode(), b"crmflow-csrf", hashlib.sha256).hexdigest()


def csrf_problem(request: Request, session_token: str) -> str | None:
    """Say why a cookie-authenticated request lacks CSRF proof, or None when it has it."""
    if request.method.upper() in SAFE_METHODS:
        return None
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        return (
            f"missing {CSRF_HEADER} header: a request signed in by the {SESSION_COOKIE} cookie "
            f"must repeat the {CSRF_COOKIE} cookie's value in it"
        )
    if not hmac.compare_digest(sent.strip(), csrf_value(session_token)):
        return f"{CSRF_HEADER} does not match this session's {CSRF_COOKIE} cookie"
    return None


def start_session(session: Session, *, user: User, ttl_hours: int) -> str:
    """Issue a sign-in token for a browser session and return it (the caller commits)."""
    expires = utcnow() + timedelta(hours=ttl_hours) if ttl_hours else None
    return issue_token(session, user=user, name=SESSION_TOKEN_NAME, expires_at=expires)


def end_session(session: Session, *, principal: Principal) -> bool:
    """Revoke the sign-in token the caller used; named API tokens are left alone."""
    if principal.token_id is None:
        return False
    result = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == principal.token_id,
            ApiToken.name == SESSION_TOKEN_NAME,
            ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_all_sessions(session: Session, *, principal: Principal) -> int:
    """Revoke every sign-in token of the caller (all browsers); return how many were live."""
    live = select(ApiToken.id).where(
        ApiToken.company_id == principal.company_id,
        ApiToken.user_id == principal.user_id,
        ApiToken.name == SESSION_TOKEN_NAME,
        ApiToken.revoked_at.is_(None),
    )
    ids = list(session.scalars(live))
    if ids:
        session.execute(update(ApiToken).where(ApiToken.id.in_(ids)).values(revoked_at=utcnow()))
    return len(ids)


def _secure(request: Request) -> bool:
    # Behind a TLS proxy the app may see http; an https public URL says the browser uses TLS.
    public_url: str = request.app.state.settings.public_url
    return request.url.scheme == "https" or public_url.startswith("https://")


def set_session_cookies(
    response: Response, request: Request, *, token: str, ttl_hours: int
) -> None:
    """Set the HttpOnly session cookie and the readable CSRF cookie, with the same lifetime."""
    max_age = min(ttl_hours * 3600, MAX_COOKIE_SECONDS) if ttl_hours else MAX_COOKIE_SECONDS
    secure = _secure(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf_value(token),
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=False,
        samesite="lax",
    )


def clear_session_cookies(response: Response, request: Request) -> None:
    """Tell the browser to forget both session cookies."""
    secure = _secure(request)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="lax")
