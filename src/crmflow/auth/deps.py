"""Authentication dependencies: every /api/v1 route depends on one of these."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError

from crmflow.auth.service import Principal, principal_for_token, touch_token
from crmflow.common.deps import DbSession

log = logging.getLogger("crmflow.auth")

bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer <token>`")


def current_principal(
    request: Request,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Resolve the Bearer token (revoked or expired: 401) and note when it was last used."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing Bearer token (Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = principal_for_token(session, credentials.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid, expired or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method in ("GET", "HEAD"):
        _note_use(request, principal)
    else:
        touch_token(session, principal)  # a writer session: commits with the request's work
    return principal


def _note_use(request: Request, principal: Principal) -> None:
    # A separate writer session: GET requests read through a read-only one.
    with request.app.state.session_factory() as writer:
        try:
            if touch_token(writer, principal):
                writer.commit()
        except DBAPIError as exc:  # last_used_at is a hint: never fail the request for it
            writer.rollback()
            log.warning("could not record a token's last use: %s", exc)


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
