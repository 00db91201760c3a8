"""Request and response models of the action catalog API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from crmflow.common.enums import LowerStrEnum
from crmflow.common.text import NameChars, Text

ACTION_TYPE_PATTERN = r"^[a-z][a-z0-9_]{2,59}$"
LatencyClass = Literal["instant", "fast", "medium", "slow", "very_slow"]
LATENCY_CLASSES: tuple[str, ...] = ("instant", "fast", "medium", "slow", "very_slow")
# What each latency class promises for one step (the docs print this table).
LATENCY_MEANING = {
    "instant": "under 10 ms: a few writes inside the run's own transaction",
    "fast": "under 1 s",
    "medium": "1 to 10 s, e.g. a round trip to a mail server",
    "slow": "10 s to a few minutes, e.g. an HTTP call retried with backoff",
    "very_slow": "longer: waits for people or batch systems",
}
SideEffect = Annotated[str, StringConstraints(min_length=1, max_length=60)]
EntryName = Annotated[str, StringConstraints(min_length=1, max_length=200), NameChars]
HeaderName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
HeaderValue = Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\r\n]*$")]
Method = Annotated[
    Literal["GET", "POST", "PUT", "PATCH", "DELETE"],
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
]


def _object_schema() -> dict[str, Any]:
    return {"type": "object"}


class CatalogKind(LowerStrEnum):
    """Filter: built-in actions (from the code) or the company's custom entries."""

    BUILTIN = "builtin"
    CUSTOM = "custom"


class WebhookConfig(BaseModel):
    """The fixed call a custom action makes: URL, method and headers."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1, max_length=2000, description="http(s) URL; its address is checked at delivery"
    )
    method: Method = "POST"
    headers: dict[HeaderName, HeaderValue] = Field(
        default_factory=dict,
        max_length=50,
        description="sent with every call; secret-looking values are masked in responses",
    )


class CatalogEntryCreate(BaseModel):
    """A custom action: a webhook with a fixed URL and its own input schema."""

    model_config = ConfigDict(extra="forbid")

    name: EntryName
    action_type: str = Field(pattern=ACTION_TYPE_PATTERN, description="the step `type`")
    description: Text = ""
    is_idempotent: bool = Field(False, description="a second call with the same key is a no-op")
    latency_class: LatencyClass = "medium"
    side_effects: list[SideEffect] = Field(default_factory=lambda: ["http_request"], max_length=20)
    input_schema: dict[str, Any] = Field(
        default_factory=_object_schema, description="JSON Schema (2020-12) of the step config"
    )
    output_schema: dict[str, Any] = Field(
        default_factory=_object_schema, description="JSON Schema (2020-12) of the step output"
    )
    supports_dry_run: bool = False
    config: WebhookConfig


class CatalogEntryUpdate(BaseModel):
    """Change a custom entry; `config` replaces the whole call (a masked header keeps its value)."""

    model_config = ConfigDict(extra="forbid")

    name: EntryName | None = None
    description: Text | None = None
    is_idempotent: bool | None = None
    latency_class: LatencyClass | None = None
    side_effects: list[SideEffect] | None = Field(None, max_length=20)
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    supports_dry_run: bool | None = None
    config: WebhookConfig | None = None


class CatalogEntryOut(BaseModel):
    """One catalog entry: metadata, schemas, example and run statistics."""

    id: int | None = Field(description="null for built-in actions")
    name: str
    action_type: str
    description: str
    is_builtin: bool
    is_idempotent: bool
    latency_class: LatencyClass
    side_effects: list[str]
    supports_dry_run: bool
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    example: dict[str, Any] | None = Field(description="an example step config")
    config: dict[str, Any] | None = Field(description="custom entries: the fixed webhook call")
    execution_count: int = Field(description="finished steps (success or failed) in the window")
    success_rate: float | None = Field(description="percent of those that succeeded")
    avg_execution_time_ms: float | None
    p95_execution_time_ms: float | None = Field(description="nearest-rank 95th percentile")
    stats_window_days: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
