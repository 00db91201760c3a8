"""Authentication dependencies: every /api/v1 route depends on one of these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from crmflow.auth.browser_session import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrf_problem
from crmflow.auth.service import Principal, token_use_is_stale
from crmflow.auth.token_lookup import TokenLookup

bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer <token>`")
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description=(
        f"Browser session set by sign-in; POST/PUT/PATCH/DELETE must also send the "
        f"`{CSRF_COOKIE}` cookie's value as `{CSRF_HEADER}`"
    ),
)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie: Annotated[str | None, Depends(session_cookie)],
) -> Principal:
    """Resolve the Bearer token, else the session cookie (revoked or expired: 401).

    A Bearer header wins and needs no CSRF proof (no browser adds it on its own); a request
    signed in by the cookie alone must prove it comes from the app when it changes anything.

    The token is read on a read connection of its own (auth/token_lookup.py): on SQLite the
    route's writer session would take the write lock here and hold it while the request waits
    for a thread to run the route, and requests queued behind that lock would hold every thread.
    The dependency is async so that it costs no thread hand-off (TokenLookup.resolve).
    """
    token = credentials.credentials if credentials is not None else ""
    if not token and cookie:
        token = cookie
        problem = csrf_problem(request, cookie)
        if problem is not None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, problem)
    if not token:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing Bearer token (Authorization: Bearer <token>) or session cookie",
            headers={"WWW-Authenticate": "Bearer"},
        )
    lookup: TokenLookup = request.app.state.token_lookup
    principal = await lookup.resolve(token)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid, expired or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if principal.token_id is not None and token_use_is_stale(principal):
        request.app.state.token_uses.note(principal.token_id)
    return principal


async def writer_principal(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    """Allow editors and admins; viewers get 403."""
    if not principal.can_write:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role (viewer) cannot change data")
    return principal


async def admin_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Allow admins only."""
    if not principal.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins can do this")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer_principal)]
Admin = Annotated[Principal, Depends(admin_principal)]
