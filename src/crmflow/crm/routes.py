"""HTTP routes for organisations, contacts, deals and tags (tasks and the rest: work_routes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, SortParam, page_of
from crmflow.crm import queries, tagging
from crmflow.crm.record_routes import add_record_routes
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

TagFilter = Annotated[str | None, Query(description="only records carrying this tag")]

router = APIRouter()


# Each list's query parameters, in their documented order; the field names are the keyword
# arguments of the matching `queries` function. Fields use `Query(...)` like the handlers' own
# parameters so the shared aliases (`SortParam`, `TagFilter`) serve both.
class OrganisationFilters(BaseModel):
    """Query parameters of `GET /organisations`."""

    q: Annotated[str | None, Query(description="name contains (any case)")] = None
    owner_id: Id | None = None
    pipeline_stage: str | None = None
    category: str | None = None
    tag: TagFilter = None
    sort: SortParam = "-created_at"


class ContactFilters(BaseModel):
    """Query parameters of `GET /contacts`."""

    q: Annotated[str | None, Query(description="name or email contains (any case)")] = None
    organisation_id: Id | None = None
    owner_id: Id | None = None
    tag: TagFilter = None
    sort: SortParam = "-created_at"


class DealFilters(BaseModel):
    """Query parameters of `GET /deals`."""

    q: Annotated[str | None, Query(description="title contains (any case)")] = None
    stage: str | None = None
    organisation_id: Id | None = None
    contact_id: Id | None = None
    owner_id: Id | None = None
    tag: TagFilter = None
    sort: SortParam = "-created_at"


organisations = APIRouter(prefix="/organisations", tags=["organisations"])
add_record_routes(
    organisations,
    entity_type="organisation",
    plural="organisations",
    out_model=OrganisationOut,
    create_model=OrganisationCreate,
    update_model=OrganisationUpdate,
    filters_model=OrganisationFilters,
    list_query=queries.organisations,
    list_description=(
        "List your company's organisations, newest first unless `sort` says otherwise."
    ),
)

contacts = APIRouter(prefix="/contacts", tags=["contacts"])
add_record_routes(
    contacts,
    entity_type="contact",
    plural="contacts",
    out_model=ContactOut,
    create_model=ContactCreate,
    update_model=ContactUpdate,
    filters_model=ContactFilters,
    list_query=queries.contacts,
    list_description="List your company's contacts.",
)

deals = APIRouter(prefix="/deals", tags=["deals"])
add_record_routes(
    deals,
    entity_type="deal",
    plural="deals",
    out_model=DealOut,
    create_model=DealCreate,
    update_model=DealUpdate,
    filters_model=DealFilters,
    list_query=queries.deals,
    list_description="List your company's deals.",
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
    return page_of(session, queries.tags(company_id=principal.company_id, q=q), paging, TagOut)


@tags.get("/{tag_id}", response_model=TagOut, summary="Get a tag")
def get_tag(tag_id: Id, session: DbSession, principal: CurrentUser) -> Any:
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
def update_tag(tag_id: Id, body: TagUpdate, session: DbSession, principal: Writer) -> Any:
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
def delete_tag(tag_id: Id, session: DbSession, principal: Writer) -> None:
    """Delete a tag and remove it from every record that carries it."""
    tagging.delete_tag(
        session, company_id=principal.company_id, tag_id=tag_id, actor_user_id=principal.user_id
    )
    session.commit()


for resource_router in (organisations, contacts, deals, tags, work_router):
    router.include_router(resource_router)
