"""HTTP routes for events: send inbound events, read the outbox."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response, status
from sqlalchemy import select

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.errors import Invalid, NotFound
from crmflow.common.ids import Id, is_valid_id
from crmflow.common.pagination import Page, Paging, page_of
from crmflow.events.intake import EventIntake, InboundEvent
from crmflow.events.models import Event
from crmflow.events.schemas import EventOut, InboundEventIn
from crmflow.events.service import RecordedEvent

router = APIRouter(prefix="/events", tags=["events"])


@router.post(
    "",
    response_model=EventOut,
    status_code=status.HTTP_201_CREATED,
    summary="Send an event",
    responses={
        200: {
            "model": EventOut,
            "description": "Replay: the event already recorded "
            "with this idempotency key (header `Idempotent-Replay: true`)",
        }
    },
)
async def send_event(
    body: InboundEventIn,
    request: Request,
    response: Response,
    principal: Writer,
    idempotency_key_header: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=200)
    ] = None,
) -> RecordedEvent:
    """Record an event that can trigger workflows (`source` is `api`).

    `type` is a CRM event type or any custom type matching `^[a-z][a-z0-9_.]{1,59}$`. With an
    idempotency key (body or `Idempotency-Key` header) the same key always answers the first
    event: 201 the first time, then 200 with `Idempotent-Replay: true`.
    """
    key = body.idempotency_key
    header_key = (idempotency_key_header or "").strip() or None
    if key and header_key and key != header_key:
        raise Invalid(
            "idempotency_key: differs from the Idempotency-Key header", field="idempotency_key"
        )
    # Recorded with the other requests' events of the moment, in one transaction
    # (events/intake.py); the answer comes once it is committed.
    intake: EventIntake = request.app.state.event_intake
    event, created = await intake.record(
        InboundEvent(
            company_id=principal.company_id,
            type=body.type,
            entity_type=body.entity_type,
            entity_id=body.entity_id,
            payload=body.payload,
            changes=body.changes,
            idempotency_key=key or header_key,
            actor_user_id=principal.user_id,
        )
    )
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replay"] = "true"
    return event


@router.get("", response_model=Page[EventOut], summary="List events")
def list_events(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    type: str | None = None,
    entity_type: str | None = None,
    entity_id: Id | None = None,
    dispatched: Annotated[
        bool | None, Query(description="true: already handed to the dispatcher; false: pending")
    ] = None,
) -> dict[str, Any]:
    """List your company's events, newest first."""
    query = select(Event).where(Event.company_id == principal.company_id)
    if type:
        query = query.where(Event.type == type.strip().lower())
    if entity_type:
        query = query.where(Event.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(Event.entity_id == entity_id)
    if dispatched is True:
        query = query.where(Event.dispatched_at.is_not(None))
    elif dispatched is False:
        query = query.where(Event.dispatched_at.is_(None))
    return page_of(session, query.order_by(Event.id.desc()), paging, EventOut)


@router.get("/{event_id}", response_model=EventOut, summary="Get an event")
def get_event(event_id: Id, session: DbSession, principal: CurrentUser) -> Event:
    """Return one event."""
    event = session.get(Event, event_id) if is_valid_id(event_id) else None
    if event is None or event.company_id != principal.company_id:
        raise NotFound(f"event {event_id} not found")
    return event
