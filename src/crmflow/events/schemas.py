"""Request and response bodies of the events API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crmflow.common.ids import Id
from crmflow.crm.schemas import InputModel


class InboundEventIn(InputModel):
    """An event sent by another system (it can trigger workflows like a CRM change)."""

    type: Annotated[
        str,
        Field(
            description=(
                "a CRM event type (e.g. `deal_updated`, `webhook_received`) or a custom type "
                "matching `^[a-z][a-z0-9_.]{1,59}$` (e.g. `invoice.paid`); not `scheduled`, "
                "`inactivity_delay` or `manual`, which only crmflow itself raises"
            ),
            examples=["webhook_received", "invoice.paid"],
        ),
    ]
    entity_type: str | None = Field(
        None, description="organisation, contact, deal, task or activity; must exist with entity_id"
    )
    entity_id: Id | None = None
    payload: dict[str, Any] | None = Field(
        None, description="defaults to a snapshot of the entity when one is given"
    )
    changes: dict[str, Any] = Field(default_factory=dict, description="{field: [old, new]}")
    idempotency_key: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = Field(None, description="also accepted as the `Idempotency-Key` header")


class EventOut(BaseModel):
    """An event of the outbox."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    entity_type: str | None
    entity_id: int | None
    payload: dict[str, Any]
    changes: dict[str, Any]
    idempotency_key: str | None
    causation_depth: int
    source: str
    actor_user_id: int | None
    occurred_at: datetime
    created_at: datetime
    dispatched_at: datetime | None
