"""HTTP routes for organisations, contacts, deals and tags (tasks and the rest: work_routes)."""

# No `from __future__ import annotations`: the route factory's annotations must stay real types.
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.pagination import Page, PageParams, make_page, page_params, paginate
from crmflow.crm import queries, service, tagging
from crmflow.crm.schemas import (
    ContactCreate,
    ContactOut,
    ContactUpdate,
    DealCreate,
    DealOut,
    DealUpdate,
    OrganisationCreate,
    OrganisationOut,
    OrganisationUpdate,
    TagCreate,
    TagOut,
    TagUpdate,
)
from crmflow.crm.work_routes import router as work_router

Paging = Annotated[PageParams, Depends(page_params)]
SortParam = Annotated[
    str, Query(description="column to sort by, `-` prefix for descending (e.g. `-created_at`)")
]
TagFilter = Annotated[str | None, Query(description="only records carrying this tag")]

router = APIRouter()


def add_record_routes(
    resource: APIRouter,
    *,
    entity_type: str,
    out_model: type[BaseModel],
    create_model: type[BaseModel],
    update_model: type[BaseModel],
) -> None:
    """Add GET one, POST, PATCH and DELETE for an organisation-like record type."""

    @resource.get(
        "/{record_id}",
        response_model=out_model,
        summary=f"Get a {entity_type}",
        name=f"get_{entity_type}",
    )
    def get_record(record_id: int, session: DbSession, principal: CurrentUser) -> Any:
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
        record_id: int,
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
    def delete_record(record_id: int, session: DbSession, principal: Writer) -> None:
        """Delete a record; references to it become null."""
        service.delete_record(
            session, company_id=principal.company_id, entity_type=entity_type, entity_id=record_id
        )
        session.commit()


organisations = APIRouter(prefix="/organisations", tags=["organisations"])


@organisations.get("", response_model=Page[OrganisationOut], summary="List organisations")
def list_organisations(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    q: Annotated[str | None, Query(description="name contains (any case)")] = None,
    owner_id: int | None = None,
    pipeline_stage: str | None = None,
    category: str | None = None,
    tag: TagFilter = None,
    sort: SortParam = "-created_at",
) -> dict[str, Any]:
    """List your company's organisations, newest first unless `sort` says otherwise."""
    query = queries.organisations(
        company_id=principal.company_id,
        q=q,
        owner_id=owner_id,
        pipeline_stage=pipeline_stage,
        category=category,
        tag=tag,
        sort=sort,
    )
    rows, total = paginate(session, query, paging)
    return make_page([OrganisationOut.model_validate(row) for row in rows], total, paging)


add_record_routes(
    organisations,
    entity_type="organisation",
    out_model=OrganisationOut,
    create_model=OrganisationCreate,
    update_model=OrganisationUpdate,
)

contacts = APIRouter(prefix="/contacts", tags=["contacts"])


@contacts.get("", response_model=Page[ContactOut], summary="List contacts")
def list_contacts(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    q: Annotated[str | None, Query(description="name or email contains (any case)")] = None,
    organisation_id: int | None = None,
    owner_id: int | None = None,
    tag: TagFilter = None,
    sort: SortParam = "-created_at",
) -> dict[str, Any]:
    """List your company's contacts."""
    query = queries.contacts(
        company_id=principal.company_id,
        q=q,
        organisation_id=organisation_id,
        owner_id=owner_id,
        tag=tag,
        sort=sort,
    )
    rows, total = paginate(session, query, paging)
    return make_page([ContactOut.model_validate(row) for row in rows], total, paging)


add_record_routes(
    contacts,
    entity_type="contact",
    out_model=ContactOut,
    create_model=ContactCreate,
    update_model=ContactUpdate,
)

deals = APIRouter(prefix="/deals", tags=["deals"])


@deals.get("", response_model=Page[DealOut], summary="List deals")
def list_deals(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    q: Annotated[str | None, Query(description="title contains (any case)")] = None,
    stage: str | None = None,
    organisation_id: int | None = None,
    contact_id: int | None = None,
    owner_id: int | None = None,
    tag: TagFilter = None,
    sort: SortParam = "-created_at",
) -> dict[str, Any]:
    """List your company's deals."""
    query = queries.deals(
        company_id=principal.company_id,
        q=q,
        stage=stage,
        organisation_id=organisation_id,
        contact_id=contact_id,
        owner_id=owner_id,
        tag=tag,
        sort=sort,
    )
    rows, total = paginate(session, query, paging)
    return make_page([DealOut.model_validate(row) for row in rows], total, paging)


add_record_routes(
    deals, entity_type="deal", out_model=DealOut, create_model=DealCreate, update_model=DealUpdate
)

tags = APIRouter(prefix="/tags", tags=["tags"])


@tags.get("", response_model=Page[TagOut], summary="List tags")
def list_tags(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    q: Annotated[str | None, Query(description="name contains")] = None,
) -> dict[str, Any]:
    """List your company's tags by name."""
    rows, total = paginate(session, queries.tags(company_id=principal.company_id, q=q), paging)
    return make_page([TagOut.model_validate(row) for row in rows], total, paging)


@tags.get("/{tag_id}", response_model=TagOut, summary="Get a tag")
def get_tag(tag_id: int, session: DbSession, principal: CurrentUser) -> Any:
    """Return one tag."""
    return tagging.get_tag(session, company_id=principal.company_id, tag_id=tag_id)


@tags.post("", response_model=TagOut, status_code=status.HTTP_201_CREATED, summary="Create a tag")
def create_tag(body: TagCreate, session: DbSession, principal: Writer) -> Any:
    """Create a tag (names are stored lower case and are unique in your company)."""
    tag = tagging.create_tag(
        session, company_id=principal.company_id, name=body.name, color=body.color
    )
    session.commit()
    return tag


@tags.patch("/{tag_id}", response_model=TagOut, summary="Rename or recolour a tag")
def update_tag(tag_id: int, body: TagUpdate, session: DbSession, principal: Writer) -> Any:
    """Rename (rewriting the tag on every record, with their updated events) or recolour."""
    tag = tagging.update_tag(
        session,
        company_id=principal.company_id,
        tag_id=tag_id,
        values=body.model_dump(exclude_unset=True),
        actor_user_id=principal.user_id,
    )
    session.commit()
    return tag


@tags.delete("/{tag_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a tag")
def delete_tag(tag_id: int, session: DbSession, principal: Writer) -> None:
    """Delete a tag and remove it from every record that carries it."""
    tagging.delete_tag(
        session, company_id=principal.company_id, tag_id=tag_id, actor_user_id=principal.user_id
    )
    session.commit()


for resource_router in (organisations, contacts, deals, tags, work_router):
    router.include_router(resource_router)
