"""Trigger types, their configs (validated at save), event matching and schedule fire times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmflow.engine.definition import first_error
from crmflow.engine.errors import DefinitionError

# Which trigger types an event of a given type can start.
EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "organisation_created": ("organisation_created",),
    "organisation_updated": ("organisation_updated",),
    "deal_created": ("deal_created",),
    "deal_updated": ("deal_updated",),
    "deal_stage_changed": ("deal_stage_changed",),
    "task_completed": ("task_completed",),
    "activity_logged": ("activity_logged",),
    "webhook_received": ("webhook_received",),
}
# The record type each trigger runs on (None: no record, e.g. a cron tick).
TRIGGER_ENTITY: dict[str, str | None] = {
    "organisation_created": "organisation",
    "organisation_updated": "organisation",
    "deal_created": "deal",
    "deal_updated": "deal",
    "deal_stage_changed": "deal",
    "task_completed": "task",
    "activity_logged": "activity",
    "inactivity_delay": "organisation",
    "scheduled": None,
    "webhook_received": None,
    "manual": None,
}
WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoConfig(_Config):
    """Triggers without options."""


class UpdatedConfig(_Config):
    """organisation_updated / deal_updated: optionally only when one of these fields changed."""

    fields: list[str] | None = Field(
        None, description="start only when one of these fields changed (any field if unset)"
    )


class StageChangedConfig(_Config):
    """deal_stage_changed: optionally only from / to given stages (any case)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_stage: str | list[str] | None = Field(
        None,
        alias="from",
        description="previous stage, or a list of stages (any if unset)",
        json_schema_extra={"x-widget": "stage"},
    )
    to_stage: str | list[str] | None = Field(
        None,
        alias="to",
        description="new stage, or a list of stages (any if unset)",
        json_schema_extra={"x-widget": "stage"},
    )


class ActivityConfig(_Config):
    """activity_logged: optionally only some kinds (call, meeting...)."""

    kinds: list[str] | None = Field(
        None, description="activity kinds such as call or meeting (any if unset)"
    )


class InactivityConfig(_Config):
    """inactivity_delay: records of a type with no activity for `days` days."""

    entity_type: Literal["organisation", "deal", "contact"] = Field(
        "organisation", description="which records to watch"
    )
    days: int = Field(30, ge=1, le=3650, description="days without any activity")


class ScheduledConfig(_Config):
    """scheduled: daily / weekly / monthly at a time, or a cron expression, in a time zone."""

    frequency: Literal["daily", "weekly", "monthly"] | None = Field(
        None, description="repeat daily, weekly or monthly (or give a cron expression)"
    )
    cron: str | None = Field(None, description="cron expression, e.g. '0 9 * * 1-5'")
    time: str = Field(
        "09:00", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$", description="time of day, HH:MM"
    )
    day_of_week: str | int = Field("mon", description="weekly: mon..sun or 0 (Sunday) to 6")
    day_of_month: int = Field(1, ge=1, le=28, description="monthly: day 1 to 28")
    timezone: str = Field("UTC", description="IANA time zone, e.g. Europe/Paris")

    @field_validator("frequency", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name like Europe/Paris)"
            ) from None
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"cron expression {value!r} does not parse (e.g. '0 9 * * 1-5')")
        return value

    @field_validator("day_of_week")
    @classmethod
    def _dow(cls, value: str | int) -> str | int:
        if isinstance(value, int):
            if not 0 <= value <= 6:
                raise ValueError("day_of_week: 0 (Sunday) to 6, or mon..sun")
            return value
        if value.lower()[:3] not in WEEKDAYS:
            raise ValueError("day_of_week: 0 (Sunday) to 6, or mon..sun")
        return value.lower()[:3]

    @model_validator(mode="after")
    def _one(self) -> ScheduledConfig:
        if bool(self.frequency) == bool(self.cron):
            raise ValueError("set exactly one of `frequency` (daily|weekly|monthly) or `cron`")
        return self

    def cron_expression(self) -> str:
        """Return the cron expression equivalent to this schedule."""
        if self.cron:
            return self.cron
        hour, minute = (int(p) for p in self.time.split(":"))
        if self.frequency == "daily":
            return f"{minute} {hour} * * *"
        if self.frequency == "weekly":
            dow = (
                self.day_of_week
                if isinstance(self.day_of_week, int)
                else WEEKDAYS[self.day_of_week]
            )
            return f"{minute} {hour} * * {dow}"
        return f"{minute} {hour} {self.day_of_month} * *"


CONFIG_MODELS: dict[str, type[_Config]] = {
    "organisation_created": NoConfig,
    "organisation_updated": UpdatedConfig,
    "deal_created": NoConfig,
    "deal_updated": UpdatedConfig,
    "deal_stage_changed": StageChangedConfig,
    "task_completed": NoConfig,
    "activity_logged": ActivityConfig,
    "inactivity_delay": InactivityConfig,
    "scheduled": ScheduledConfig,
    "webhook_received": NoConfig,
    "manual": NoConfig,
}


def normalise_trigger_config(trigger_type: str, raw: Any) -> dict[str, Any]:
    """Validate a trigger config for its type and return it in canonical form."""
    model = CONFIG_MODELS[trigger_type]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DefinitionError("must be an object", "trigger_config")
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        raise first_error(exc, "trigger_config") from None
    return parsed.model_dump(mode="json", exclude_none=True)


def entity_type_for(trigger_type: str, trigger_config: dict[str, Any]) -> str | None:
    """Return the record type a workflow with this trigger runs on."""
    if trigger_type == "inactivity_delay":
        return str(trigger_config.get("entity_type", "organisation"))
    return TRIGGER_ENTITY.get(trigger_type)


def _one_of(value: Any, wanted: str | list[str] | None) -> bool:
    if wanted is None:
        return True
    options = [wanted] if isinstance(wanted, str) else wanted
    return isinstance(value, str) and value.lower() in {o.lower() for o in options}


def event_matches(trigger_type: str, config: dict[str, Any], event: Any) -> bool:
    """Decide whether an event satisfies a workflow's trigger config."""
    changes = event.changes or {}
    if trigger_type in ("organisation_updated", "deal_updated") and config.get("fields"):
        return any(f in changes for f in config["fields"])
    if trigger_type == "deal_stage_changed":
        old, new = (changes.get("stage") or [None, None])[:2]
        return _one_of(old, config.get("from_stage")) and _one_of(new, config.get("to_stage"))
    if trigger_type == "activity_logged" and config.get("kinds"):
        return _one_of((event.payload or {}).get("kind"), config["kinds"])
    return True


def fire_times(config: dict[str, Any], after: datetime, until: datetime) -> list[datetime]:
    """Return the schedule's fire times in (after, until], as aware UTC datetimes."""
    schedule = ScheduledConfig.model_validate(config)
    zone = ZoneInfo(schedule.timezone)
    it = croniter(schedule.cron_expression(), after.astimezone(zone))
    out: list[datetime] = []
    while True:
        nxt: datetime = it.get_next(datetime)
        if nxt > until:
            return out
        out.append(nxt.astimezone(ZoneInfo("UTC")))
        if len(out) > 10_000:  # a cron every minute over a week of downtime; cap the catch-up
            return out


def next_fire_time(config: dict[str, Any], after: datetime) -> datetime | None:
    """Return the next fire time after `after` (for display)."""
    times = fire_times(config, after, after + timedelta(days=400))
    return times[0] if times else None
