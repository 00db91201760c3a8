"""Response models for executions and their steps (the seed's fields plus the trace)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crmflow.common.enums import ExecutionStatus
from crmflow.vault.masking import mask_headers


class ExecutionStepResponse(BaseModel):
    """One checkpointed step: what it got, what it did, how long it took."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    path: str
    position: int
    step_id: str | None
    name: str | None
    type: str
    status: str
    attempt: int
    # Every attempt of a step with a retry policy: attempt, status, error, timings.
    attempts: list[dict[str, Any]] | None = None
    input: dict[str, Any] | None
    output: dict[str, Any] | None
    error: str | None
    message: str | None
    idempotency_key: str
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None

    @field_validator("input")
    @classmethod
    def _credentials_masked(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        # Runs record inputs masked already; this also covers rows written before they did.
        if value is None or "headers" not in value:
            return value
        return {**value, "headers": mask_headers(value["headers"], all_credentials=True)}


class WorkflowExecutionListItem(BaseModel):
    """An execution in a list."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    workflow_id: int
    version: int
    status: ExecutionStatus = Field(
        description="`success`: every step that ran succeeded; `partial`: completed with "
        "errors (it went on past `steps_failed` failed steps)"
    )
    trigger_type: str
    trigger_entity_type: str | None
    trigger_entity_id: int | None
    event_id: int | None
    started_at: datetime | None
    completed_at: datetime | None
    duration_ms: float | None
    error_message: str | None
    actions_executed: int
    steps_failed: int = Field(0, description="steps that failed while the run went on")
    created_at: datetime
    # What a `waiting` run waits for: delay | approval | retry | queue.
    waiting_for: str | None = None
    # The execution this one re-runs (POST /executions/{id}/rerun).
    rerun_of_id: int | None = None
    record_label: str | None = Field(
        None, description="the name of the record the run was triggered on, when it exists"
    )


class WorkflowExecutionResponse(WorkflowExecutionListItem):
    """An execution with why it ran (or not), its logs and every step."""

    trigger_data: dict[str, Any]
    decision: dict[str, Any] | None
    causation_depth: int
    attempt: int
    resume_at: datetime | None
    execution_logs: list[dict[str, Any]]
    steps: list[ExecutionStepResponse]
    references: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="names of the records and users the trigger data and steps refer to by id: "
        "kind (`organisation`, `contact`, `deal`, `task`, `activity`, `user`) -> id -> name",
    )
