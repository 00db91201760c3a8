"""Authentication dependencies: every /api/v1 route depends on one of these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from crmflow.auth.service import Principal, principal_for_token, token_use_is_stale

bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer <token>`")


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Resolve the Bearer token (revoked or expired: 401) and note when it was last used.

    The token is read through a read-only session of its own: on SQLite the route's writer
    session would take the write lock here and hold it while the request waits for a thread
    to run the route, and requests queued behind that lock would hold every thread.
    """
    if credentials is None or not credentials.credentials:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing Bearer token (Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    with request.app.state.read_session_factory() as reader:
        principal = principal_for_token(reader, credentials.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid, expired or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if principal.token_id is not None and token_use_is_stale(principal):
        request.app.state.token_uses.note(principal.token_id)
    return principal


def writer_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Allow editors and admins; viewers get 403."""
    if not principal.can_write:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role (viewer) cannot change data")
    return principal


def admin_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Allow admins only."""
    if not principal.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins can do this")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer_principal)]
Admin = Annotated[Principal, Depends(admin_principal)]
