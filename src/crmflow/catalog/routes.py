"""The action catalog API: every action with metadata, schemas and statistics; custom entries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.catalog import service
from crmflow.catalog.schemas import (
    CatalogEntryCreate,
    CatalogEntryOut,
    CatalogEntryUpdate,
    CatalogKind,
    LatencyClass,
)
from crmflow.catalog.stats import DEFAULT_WINDOW_DAYS
from crmflow.common.deps import DbSession
from crmflow.common.i18n import RequestLanguage
from crmflow.common.pagination import Page, Paging

router = APIRouter(prefix="/workflow/action-catalog", tags=["action catalog"])

Days = Annotated[
    int, Query(ge=1, le=365, description="statistics over the steps of the last N days")
]
ActionType = Annotated[str, Path(max_length=60, description="the step `type`")]
READ_ONLY: dict[int | str, dict[str, Any]] = {
    403: {"description": "built-in actions are read-only"}
}


@router.get("", response_model=Page[CatalogEntryOut], summary="List the action catalog")
def list_catalog(
    session: DbSession,
    principal: CurrentUser,
    language: RequestLanguage,
    params: Paging,
    kind: Annotated[CatalogKind | None, Query(description="builtin or custom")] = None,
    latency_class: LatencyClass | None = None,
    search: Annotated[
        str | None, Query(max_length=200, description="in type, name, description")
    ] = None,
    days: Days = DEFAULT_WINDOW_DAYS,
) -> dict[str, Any]:
    """List built-in actions and the company's custom entries, with run statistics."""
    return service.list_entries(
        session,
        company_id=principal.company_id,
        params=params,
        kind=kind.value if kind else None,
        latency_class=latency_class,
        search=search,
        days=days,
        language=language,
    )


@router.get("/{action_type}", response_model=CatalogEntryOut, summary="Get a catalog entry")
def get_catalog_entry(
    action_type: ActionType,
    session: DbSession,
    principal: CurrentUser,
    language: RequestLanguage,
    days: Days = DEFAULT_WINDOW_DAYS,
) -> dict[str, Any]:
    """Return one action (built-in or custom) with its schemas and statistics."""
    return service.get_entry(
        session,
        company_id=principal.company_id,
        action_type=action_type,
        days=days,
        language=language,
    )


@router.post(
    "",
    response_model=CatalogEntryOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a custom action",
    responses={409: {"description": "the type is a built-in, a control step or taken"}},
)
def create_catalog_entry(
    body: CatalogEntryCreate, session: DbSession, principal: Writer
) -> dict[str, Any]:
    """Add a custom action: a webhook with a fixed URL, method, headers and input schema."""
    service.create_entry(session, principal=principal, body=body)
    return service.get_entry(
        session,
        company_id=principal.company_id,
        action_type=body.action_type,
        days=DEFAULT_WINDOW_DAYS,
    )


@router.patch(
    "/{action_type}",
    response_model=CatalogEntryOut,
    summary="Update a custom action",
    responses=READ_ONLY,
)
def update_catalog_entry(
    action_type: ActionType, body: CatalogEntryUpdate, session: DbSession, principal: Writer
) -> dict[str, Any]:
    """Change a custom action's metadata, schemas or call; built-ins answer 403."""
    service.update_entry(session, principal=principal, action_type=action_type, body=body)
    return service.get_entry(
        session, company_id=principal.company_id, action_type=action_type, days=DEFAULT_WINDOW_DAYS
    )


@router.delete(
    "/{action_type}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a custom action",
    responses=READ_ONLY,
)
def delete_catalog_entry(
    action_type: ActionType, session: DbSession, principal: Writer
) -> Response:
    """Remove a custom action; built-ins answer 403."""
    service.delete_entry(session, principal=principal, action_type=action_type)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
