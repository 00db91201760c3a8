"""Record-creating actions: log an activity, open a deal; exactly once per step."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field
from sqlalchemy import select

from crmflow.actions.builtin import USER_DOC, _Config, _crm_call, widget
from crmflow.catalog.models import ActionCreatedRecord
from crmflow.common.dates import parse_relative_datetime
from crmflow.common.text import CleanedName
from crmflow.crm import service as crm
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import Action, ActionContext, ActionFailed, is_template
from crmflow.engine.recipients import resolve_user_ids, target_entity, trigger_entity

UserRef = int | str | list[int | str]
RecordKind = Literal["organisation", "deal", "contact"]
USER_HELP = USER_DOC


def _check_date(config: dict[str, Any], field: str, path: str) -> None:
    """Refuse a literal date the engine's date grammar cannot read (save time)."""
    value = config.get(field)
    if value is not None and not is_template(value):
        try:
            parse_relative_datetime(value, datetime.now().astimezone())
        except ValueError as exc:
            raise DefinitionError(str(exc), f"{path}.{field}") from None


def _run_date(value: Any, field: str, now: datetime) -> datetime | None:
    try:
        return parse_relative_datetime(value, now)
    except ValueError as exc:
        raise ActionFailed(f"config.{field}: {exc}") from None


def _one_user(ctx: ActionContext, ref: Any) -> int | None:
    users = resolve_user_ids(ctx, ref) if ref else []
    return users[0] if users else None


def _replayed(ctx: ActionContext) -> dict[str, Any] | None:
    """Return the output of the record this step already created, if it did."""
    output = ctx.session.scalar(
        select(ActionCreatedRecord.output).where(
            ActionCreatedRecord.idempotency_key == ctx.idempotency_key,
            ActionCreatedRecord.company_id == ctx.company_id,
        )
    )
    return dict(output) if output is not None else None


def _remember(
    ctx: ActionContext, action_type: str, entity_type: str, output: dict[str, Any]
) -> dict[str, Any]:
    """Store what the step created under its key (unique: a concurrent twin fails)."""
    ctx.session.add(
        ActionCreatedRecord(
            company_id=ctx.company_id,
            idempotency_key=ctx.idempotency_key,
            action_type=action_type,
            entity_type=entity_type,
            entity_id=output[f"{entity_type}_id"],
            output=output,
            created_at=ctx.now,
        )
    )
    ctx.session.flush()
    return output


class CreateActivityConfig(_Config):
    kind: Literal["call", "meeting", "email", "note", "task"] = Field(
        "note", description="what happened: a call, meeting, email, note or task"
    )
    subject: Annotated[str, CleanedName] = Field(
        "", max_length=500, description="a one-line summary"
    )
    body: str = Field("", max_length=20_000, description="notes, minutes or the email's text")
    occurred_at: datetime | str | None = Field(
        None, description="when it happened: a date, or a delay such as -1 hour; by default, now"
    )
    user: UserRef | None = Field(
        "owner",
        description=f"who did it: {USER_HELP}; empty: nobody",
        json_schema_extra=widget("user"),
    )
    entity: RecordKind | None = Field(
        None,
        description="log it on this related record instead of the one that started the workflow",
    )


class CreateActivityOutput(BaseModel):
    activity_id: int = Field(description="the new activity")
    kind: str = Field(description="call, meeting, email, note or task")
    subject: str = Field(description="its subject")
    entity_type: str = Field(description="the kind of record it was logged on")
    entity_id: int = Field(description="that record's ID")
    occurred_at: str = Field(description="when it happened")
    user_id: int | None = Field(description="who did it")


class CreateActivity(Action):
    type = "create_activity"
    name = "Create activity"
    description = (
        "Logs a call, meeting, email or note on the record (or a related one), as if someone "
        "had logged it by hand."
    )
    config_model = CreateActivityConfig
    output_model = CreateActivityOutput
    is_idempotent = True
    latency_class = "instant"
    side_effects = ("activity_created", "record_updated", "event_emitted")
    supports_dry_run = True
    date_fields = ("occurred_at",)
    example = {
        "kind": "call",
        "subject": "Intro call with {{ organisation.name }}",
        "body": "Logged by the onboarding workflow.",
        "occurred_at": "now",
        "user": "owner",
    }

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        _check_date(config, "occurred_at", path)
        target = config.get("entity") or entity_type
        if isinstance(target, str) and target not in get_args(RecordKind):
            raise DefinitionError(
                f"activities are logged on organisations, deals or contacts, not on {target}s: "
                "set `entity` to one of the run's related records",
                f"{path}.entity",
            )

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        replayed = _replayed(ctx)
        if replayed is not None:
            return replayed
        kind, entity_id = target_entity(ctx, config.entity)
        when = _run_date(config.occurred_at, "occurred_at", ctx.now) or ctx.now
        activity = _crm_call(
            crm.create_activity,
            session=ctx.session,
            company_id=ctx.company_id,
            entity_type=kind,
            entity_id=entity_id,
            kind=config.kind,
            subject=config.subject,
            body=config.body,
            occurred_at=when,
            user_id=_one_user(ctx, config.user),
            causation_depth=ctx.causation_depth + 1,
        )
        output = {
            "activity_id": activity.id,
            "kind": activity.kind,
            "subject": activity.subject,
            "entity_type": activity.entity_type,
            "entity_id": activity.entity_id,
            "occurred_at": activity.occurred_at.isoformat(),
            "user_id": activity.user_id,
        }
        return _remember(ctx, self.type, "activity", output)


LinkRef = int | Literal["trigger", "none"]


class CreateDealConfig(_Config):
    title: Annotated[str, CleanedName] = Field(
        min_length=1, max_length=300, description="the deal's title"
    )
    amount: float | None = Field(None, ge=0, description="how much it is expected to bring")
    stage: str = Field(
        "qualification",
        min_length=1,
        max_length=100,
        description="the pipeline stage it starts in",
        json_schema_extra=widget("stage"),
    )
    close_date: datetime | str | None = Field(
        None, description="when it should close: a date, or a delay such as +30 days"
    )
    owner: UserRef | None = Field(
        "owner",
        description=f"who owns the deal: {USER_HELP}; empty: nobody",
        json_schema_extra=widget("user"),
    )
    organisation: LinkRef = Field(
        "trigger",
        description="its organisation: trigger (the organisation of the record that started "
        "the workflow), a chosen organisation, or none",
        json_schema_extra=widget("record:organisation"),
    )
    contact: LinkRef = Field(
        "trigger",
        description="its contact: trigger (the contact of the record that started the "
        "workflow), a chosen contact, or none",
        json_schema_extra=widget("record:contact"),
    )


class CreateDealOutput(BaseModel):
    deal_id: int = Field(description="the new deal")
    title: str = Field(description="its title")
    amount: float | None = Field(description="its amount")
    stage: str = Field(description="its pipeline stage")
    owner_id: int | None = Field(description="its owner")
    organisation_id: int | None = Field(description="the linked organisation")
    contact_id: int | None = Field(description="the linked contact")


def _linked(ctx: ActionContext, ref: Any, kind: str) -> int | None:
    """Resolve `trigger` / `none` / an id to the record a new deal links to."""
    if ref == "none":
        return None
    if isinstance(ref, int):
        return ref
    if ctx.trigger_entity_type == kind and ctx.trigger_entity_id is not None:
        return ctx.trigger_entity_id
    related = ctx.data.get(kind)
    if isinstance(related, dict) and isinstance(related.get("id"), int):
        found: int = related["id"]
        return found
    via = trigger_entity(ctx).get(f"{kind}_id")
    return via if isinstance(via, int) else None


class CreateDeal(Action):
    type = "create_deal"
    name = "Create deal"
    description = (
        "Opens a new deal (title, amount, stage, owner) for the organisation of the record "
        "that started the workflow, or a related one."
    )
    config_model = CreateDealConfig
    output_model = CreateDealOutput
    is_idempotent = True
    latency_class = "instant"
    side_effects = ("deal_created", "event_emitted")
    supports_dry_run = True
    date_fields = ("close_date",)
    example = {
        "title": "Renewal {{ organisation.name }}",
        "amount": 12000,
        "stage": "proposal",
        "close_date": "+30 days",
        "owner": "owner",
    }

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        _check_date(config, "close_date", path)

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        replayed = _replayed(ctx)
        if replayed is not None:
            return replayed
        values = {
            "title": config.title,
            "amount": config.amount,
            "stage": config.stage,
            "close_date": _run_date(config.close_date, "close_date", ctx.now),
            "owner_id": _one_user(ctx, config.owner),
            "organisation_id": _linked(ctx, config.organisation, "organisation"),
            "contact_id": _linked(ctx, config.contact, "contact"),
        }
        deal = _crm_call(
            crm.create_record,
            session=ctx.session,
            company_id=ctx.company_id,
            entity_type="deal",
            values={k: v for k, v in values.items() if v is not None},
            causation_depth=ctx.causation_depth + 1,
        )
        output = {
            "deal_id": deal.id,
            "title": deal.title,
            "amount": deal.amount,
            "stage": deal.stage,
            "owner_id": deal.owner_id,
            "organisation_id": deal.organisation_id,
            "contact_id": deal.contact_id,
        }
        return _remember(ctx, self.type, "deal", output)


# The `records` entry point of the `crmflow.actions` group (pyproject.toml) names this.
ACTIONS: tuple[Action, ...] = (CreateActivity(), CreateDeal())
