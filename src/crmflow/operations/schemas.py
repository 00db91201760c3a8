"""The operations overview's response."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class DayCount(BaseModel):
    """Finished runs of one day and one final status, across workflows."""

    day: date
    status: str
    count: int


class WorkflowFailures(BaseModel):
    """A workflow with failed (or completed-with-errors) runs in the window."""

    workflow_id: int
    name: str
    failed: int
    partial: int
    acted: int = Field(description="success + partial + failed + rejected")
    failure_share: float = Field(description="(failed + partial) / acted, 0 to 1")


class WorkflowSlowness(BaseModel):
    """A workflow's run durations in the window."""

    workflow_id: int
    name: str
    runs: int
    p50_seconds: float | None
    p95_seconds: float | None


class SLOStatus(BaseModel):
    """An active SLA's compliance against its objective, and its open breaches."""

    sla_id: int
    workflow_id: int
    workflow_name: str
    sla_name: str
    slo_percentage: float | None
    slo_target_percentage: float
    meets_objective: bool | None = Field(description="None: no run in the SLO window")
    open_breaches: int


class OperationsOverview(BaseModel):
    """Everything the operations page shows, over the last `days` days."""

    days: int
    runs_per_day: list[DayCount]
    totals: dict[str, int] = Field(description="finished runs in the window by final status")
    top_failing: list[WorkflowFailures]
    slowest: list[WorkflowSlowness]
    slos: list[SLOStatus]
    open_breaches: int
    runs_in_flight: int
