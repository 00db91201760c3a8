"""Registers list/get/create/update/delete on a router for an organisation-like record type."""

# No `from __future__ import annotations`: the handlers' annotations use the arguments' models,
# which FastAPI must see as real types.
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel
from sqlalchemy import Select

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, page_of
from crmflow.crm import service


def add_record_routes(
    resource: APIRouter,
    *,
    entity_type: str,
    plural: str,
    out_model: type[BaseModel],
    create_model: type[BaseModel],
    update_model: type[BaseModel],
    filters_model: type[BaseModel],
    list_query: Callable[..., Select[Any]],
    list_description: str,
) -> None:
    """Add the five CRUD routes; `list_query(company_id=…, **filters)` selects the list's rows."""

    @resource.get(
        "",
        response_model=Page[out_model],  # type: ignore[valid-type]
        summary=f"List {plural}",
        description=list_description,
        name=f"list_{plural}",
    )
    def list_records(
        session: DbSession,
        principal: CurrentUser,
        paging: Paging,
        filters: Annotated[filters_model, Query()],  # type: ignore[valid-type]
    ) -> dict[str, Any]:
        """List your company's records that match the filters."""
        query = list_query(
            company_id=principal.company_id,
            **filters.model_dump(),  # type: ignore[attr-defined]
        )
        return page_of(session, query, paging, out_model)

    @resource.get(
        "/{record_id}",
        response_model=out_model,
        summary=f"Get a {entity_type}",
        name=f"get_{entity_type}",
    )
    def get_record(record_id: Id, session: DbSession, principal: CurrentUser) -> Any:
        """Return one record of your company (another company's id is a 404)."""
        return service.require_entity(
            session, company_id=principal.company_id, entity_type=entity_type, entity_id=record_id
        )

    @resource.post(
        "",
        response_model=out_model,
        status_code=status.HTTP_201_CREATED,
        summary=f"Create a {entity_type}",
        description="The owner defaults to the caller. Emits the created event when one exists.",
        name=f"create_{entity_type}",
    )
    def create_record(
        body: create_model,  # type: ignore[valid-type]
        session: DbSession,
        principal: Writer,
    ) -> Any:
        """Create a record."""
        values = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        values.setdefault("owner_id", principal.user_id)
        record = service.create_record(
            session,
            company_id=principal.company_id,
            entity_type=entity_type,
            values=values,
            actor_user_id=principal.user_id,
        )
        session.commit()
        return record

    @resource.patch(
        "/{record_id}",
        response_model=out_model,
        summary=f"Update a {entity_type}",
        description=(
            "Only the fields sent change. `custom_fields` is merged key by key (a null value "
            "removes a key). An update that changes nothing records no event."
        ),
        name=f"update_{entity_type}",
    )
    def update_record(
        record_id: Id,
        body: update_model,  # type: ignore[valid-type]
        session: DbSession,
        principal: Writer,
    ) -> Any:
        """Change the fields sent."""
        service.update_entity_fields(
            session,
            company_id=principal.company_id,
            entity_type=entity_type,
            entity_id=record_id,
            values=body.model_dump(exclude_unset=True),  # type: ignore[attr-defined]
            actor_user_id=principal.user_id,
        )
        session.commit()
        return service.require_entity(
            session, company_id=principal.company_id, entity_type=entity_type, entity_id=record_id
        )

    @resource.delete(
        "/{record_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {entity_type}",
        name=f"delete_{entity_type}",
    )
    def delete_record(record_id: Id, session: DbSession, principal: Writer) -> None:
        """Delete a record; references to it become null."""
        service.delete_record(
            session, company_id=principal.company_id, entity_type=entity_type, entity_id=record_id
        )
        session.commit()
