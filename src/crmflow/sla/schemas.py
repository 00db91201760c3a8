"""Requests and responses of the SLA API (the seed's WorkflowSLA and SLABreach field names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from crmflow.common.enums import LowerStrEnum
from crmflow.common.text import NameChars, TextChars

Seconds = Annotated[float, Field(gt=0, le=365 * 86400, description="seconds")]
Name = Annotated[str, Field(min_length=1, max_length=200), NameChars]


class BreachSeverity(LowerStrEnum):
    """How far past the line: the warning threshold, or the critical one."""

    WARNING = "warning"
    CRITICAL = "critical"


class BreachStatus(LowerStrEnum):
    """A breach's lifecycle: open, acknowledged (someone is on it), resolved."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class _Thresholds(BaseModel):
    # The order of the thresholds is checked by the service, once merged with what is stored,
    # so that the error names `warning_threshold_seconds` on create and on change alike.
    model_config = ConfigDict(extra="forbid")


class SLACreate(_Thresholds):
    """An SLA on a workflow's runs, or on one step (`step_path`, e.g. `actions/1`)."""

    workflow_id: int = Field(ge=1)
    name: Name
    step_path: str | None = Field(
        None,
        max_length=300,
        pattern=r"^actions/\d+(/[a-z_]+/\d+)*$",
        description="a step of the workflow (`actions/1`): its time from reached to finished; "
        "an approval's from asked to decided. None: the whole run, from trigger to end",
    )
    target_duration_seconds: Seconds
    warning_threshold_seconds: Seconds
    critical_threshold_seconds: Seconds
    slo_window_hours: int = Field(24, ge=1, le=2160, description="the SLO's rolling window")
    slo_target_percentage: float = Field(
        99.0, gt=0, lt=100, description="share of runs that must meet the target"
    )
    is_active: bool = True


class SLAUpdate(_Thresholds):
    """Change some fields of an SLA (the thresholds stay ordered)."""

    name: Name | None = None
    target_duration_seconds: Seconds | None = None
    warning_threshold_seconds: Seconds | None = None
    critical_threshold_seconds: Seconds | None = None
    slo_window_hours: int | None = Field(None, ge=1, le=2160)
    slo_target_percentage: float | None = Field(None, gt=0, lt=100)
    is_active: bool | None = None


class SLAOut(BaseModel):
    """An SLA."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    workflow_id: int
    name: str
    step_path: str | None
    target_duration_seconds: float
    warning_threshold_seconds: float
    critical_threshold_seconds: float
    slo_window_hours: int
    slo_target_percentage: float
    is_active: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime


class BreachOut(BaseModel):
    """A breach: which run, how far past which threshold, and where it is in its lifecycle."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    sla_id: int
    workflow_id: int
    execution_id: int
    step_path: str | None
    severity: BreachSeverity
    threshold_seconds: float
    elapsed_seconds: float
    breach_margin_seconds: float
    execution_status: str
    status: BreachStatus
    acknowledged: bool
    workflow_name: str
    sla_name: str
    detected_at: datetime
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    notes: str
    resolved_at: datetime | None


class AcknowledgeBody(BaseModel):
    """Who is on it and what they know."""

    model_config = ConfigDict(extra="forbid")

    notes: Annotated[str, Field(max_length=5000), TextChars] = ""


class BurnRates(BaseModel):
    """How fast the error budget burns: 1.0 spends exactly the budget over the SLO window."""

    h1: float | None = Field(None, alias="1h")
    h6: float | None = Field(None, alias="6h")
    d3: float | None = Field(None, alias="3d")

    model_config = ConfigDict(populate_by_name=True)


class SLAMetrics(BaseModel):
    """The SLO over its window: compliance, error budget, burn rates and counts."""

    sla_id: int
    window_hours: int
    slo_target_percentage: float
    slo_percentage: float | None = Field(description="runs that met the target, % (None: no run)")
    error_budget_remaining_percentage: float | None = Field(
        description="100: untouched; 0: spent; below 0: overspent"
    )
    burn_rate: BurnRates
    total: int = Field(description="finished runs in the window (skipped and cancelled aside)")
    met: int
    missed: int
    in_flight_past_target: int
    open_breaches: dict[str, int]


class AlertingSettings(BaseModel):
    """When to alert on a workflow failing again and again."""

    model_config = ConfigDict(extra="forbid")

    failure_streak: int | None = Field(
        3, ge=1, le=100, description="alert after this many failed runs in a row (null: never)"
    )
    deactivate_on_streak: bool = Field(
        False, description="also deactivate the workflow when the streak is reached"
    )


class AlertingOut(AlertingSettings):
    """A workflow's alerting settings."""

    workflow_id: int


class WorkflowAlertOut(BaseModel):
    """A condition people were told about: a failure streak or an SLO burning fast."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    workflow_id: int
    sla_id: int | None
    kind: str = Field(description="failure_streak, burn_rate_page or burn_rate_ticket")
    message: str
    details: dict[str, Any]
    opened_at: datetime
    resolved_at: datetime | None
