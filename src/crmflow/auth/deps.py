"""Authentication dependencies: every /api/v1 route depends on one of these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from crmflow.auth.service import Principal, principal_for_token
from crmflow.common.deps import DbSession

bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer <token>`")


def current_principal(
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Resolve the Bearer token or answer 401."""
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
            "invalid or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
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
