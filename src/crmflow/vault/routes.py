"""The secrets API: admins write values, everyone lists names; no route returns a value."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from crmflow.auth.deps import Admin, CurrentUser
from crmflow.common.deps import DbSession
from crmflow.common.pagination import Page, Paging
from crmflow.vault import service
from crmflow.vault.masking import NAME_PATTERN
from crmflow.vault.schemas import SecretCreate, SecretOut, SecretUpdate

router = APIRouter(prefix="/secrets", tags=["secrets"])

SecretNamePath = Annotated[
    str, Path(max_length=64, pattern=NAME_PATTERN, description="the secret's name")
]
NO_KEY: dict[int | str, dict[str, Any]] = {
    409: {"description": "the name is taken, or CRMFLOW_SECRET_KEY is not configured"}
}


def _key(request: Request) -> str | None:
    key: str | None = request.app.state.settings.secret_key
    return key


@router.get("", response_model=Page[SecretOut], summary="List secrets (names, never values)")
def list_secrets(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    q: Annotated[str | None, Query(max_length=64, description="name contains")] = None,
) -> dict[str, Any]:
    """List the company's secrets by name with their metadata; values are never returned."""
    return service.list_secrets(session, company_id=principal.company_id, params=params, q=q)


@router.post(
    "",
    response_model=SecretOut,
    status_code=status.HTTP_201_CREATED,
    summary="Store a secret",
    responses=NO_KEY,
)
def create_secret(
    body: SecretCreate, session: DbSession, principal: Admin, request: Request
) -> Any:
    """Encrypt and store a secret (admins only); steps read it as `{{ secrets.NAME }}`."""
    return service.create_secret(session, principal=principal, body=body, key=_key(request))


@router.put(
    "/{name}", response_model=SecretOut, summary="Replace a secret's value", responses=NO_KEY
)
def update_secret(
    name: SecretNamePath,
    body: SecretUpdate,
    session: DbSession,
    principal: Admin,
    request: Request,
) -> Any:
    """Replace the value and/or description (admins only); the old value is not returned."""
    return service.update_secret(
        session, principal=principal, name=name, body=body, key=_key(request)
    )


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a secret")
def delete_secret(name: SecretNamePath, session: DbSession, principal: Admin) -> Response:
    """Delete a secret (admins only); steps that use it then fail saying it is not defined."""
    service.delete_secret(session, principal=principal, name=name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
