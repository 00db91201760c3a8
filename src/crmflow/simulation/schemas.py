"""Requests and responses of the simulation API (the seed's `WorkflowSimulation` field names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crmflow.common.enums import LowerStrEnum, TriggerType
from crmflow.common.ids import Id

# An input or a trigger of a simulation: bounded like any other request body part.
MAX_INPUT_KEYS = 200


class SimulationMode(LowerStrEnum):
    """What a simulation row holds: one walk, a back-test over history, or two versions."""

    SIMULATE = "simulate"
    BACKTEST = "backtest"
    COMPARE = "compare"


class SimulationStatus(LowerStrEnum):
    """Where a simulation is: queued or running (back-tests), completed, invalid, failed."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    # The definition does not validate: `validation_errors` says why; nothing was walked.
    INVALID = "invalid"
    FAILED = "failed"


class TriggerInput(BaseModel):
    """What the trigger carried: field changes (`{"stage": ["qualification", "negotiation"]}`)."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[str, Any] = Field(
        default_factory=dict,
        max_length=MAX_INPUT_KEYS,
        description="field -> [old, new], as an update event records it",
    )
    payload: dict[str, Any] = Field(
        default_factory=dict,
        max_length=MAX_INPUT_KEYS,
        description="the event's payload (`trigger.data` in conditions and templates)",
    )


class _Subject(BaseModel):
    """What is simulated: a saved workflow (a version of it) or an unsaved definition."""

    model_config = ConfigDict(extra="forbid")

    workflow_id: int | None = Field(None, ge=1, description="a saved workflow")
    version: int | None = Field(
        None, ge=1, description="a version of that workflow (default: its current version)"
    )
    definition: dict[str, Any] | None = Field(
        None,
        description="an unsaved definition (name, trigger_type, trigger_config, conditions, "
        "actions), so the editor can test before saving; with `workflow_id`, a draft of it",
    )

    @model_validator(mode="after")
    def _one_subject(self) -> _Subject:
        if self.workflow_id is None and self.definition is None:
            raise ValueError("give `workflow_id`, or an unsaved `definition` (or both: a draft)")
        if self.version is not None and (self.workflow_id is None or self.definition is not None):
            raise ValueError("`version` picks a saved version of `workflow_id`, not a draft")
        return self


class _Inputs(BaseModel):
    """The record a run would see: made up from `input_data`, or an existing one (read only)."""

    input_data: dict[str, Any] = Field(
        default_factory=dict,
        max_length=MAX_INPUT_KEYS,
        description="fields of the trigger's record in the seed's flat form ({\"amount\": "
        '75000}); dotted keys reach related records ({"organisation.name": "Acme"}); '
        "laid over the record when `entity_id` is given",
    )
    entity_type: str | None = Field(None, max_length=50, description="an existing record's type")
    entity_id: int | None = Field(None, ge=1, description="an existing record (never changed)")
    trigger: TriggerInput = Field(default_factory=TriggerInput)

    @model_validator(mode="after")
    def _both_or_neither(self) -> _Inputs:
        if (self.entity_type is None) != (self.entity_id is None):
            missing = "entity_id" if self.entity_id is None else "entity_type"
            raise ValueError(f"`{missing}` is missing: give entity_type and entity_id together")
        return self


class SimulationCreate(_Inputs, _Subject):
    """Simulate one run of a workflow on one input."""


class CompareCreate(_Inputs):
    """Simulate two versions of a workflow (or a version and a draft) on the same input."""

    model_config = ConfigDict(extra="forbid")

    workflow_id: int = Field(ge=1)
    version_a: int | None = Field(None, ge=1, description="default: the current version")
    version_b: int | None = Field(None, ge=1, description="another saved version")
    definition: dict[str, Any] | None = Field(None, description="or an unsaved draft as side B")

    @model_validator(mode="after")
    def _side_b(self) -> CompareCreate:
        if (self.version_b is None) == (self.definition is None):
            raise ValueError("give exactly one of `version_b` and `definition` (side B)")
        return self


class BacktestCreate(_Subject):
    """Replay the company's recorded events of a period through a workflow or a draft."""

    days: int = Field(30, ge=1, le=365, description="how many days of recorded events")
    max_events: int = Field(
        200_000, ge=1, le=1_000_000, description="stop after this many events (newest first)"
    )


Predicate = Annotated[str, Field(description="the alternative's condition in words")]


class Alternative(BaseModel):
    """One way a decision point can go, with an input that takes it."""

    outcome: str = Field(description="true / false, `branch N` or `else`")
    predicate: Predicate
    example: dict[str, Any] | None = Field(
        None, description="{input_data, trigger} that takes this outcome; null if none exists"
    )
    reachable: bool
    taken: bool = False
    why_not: str | None = Field(None, description="why no example exists")


class BranchExploration(BaseModel):
    """A decision point: the trigger filter, the workflow's conditions, a `when`, a branch step."""

    path: str
    kind: Literal["trigger", "conditions", "when", "branch"]
    name: str | None = None
    reached: bool = Field(description="the simulated run got to this decision")
    taken: str | None = Field(None, description="the outcome the simulated run took")
    explanation: str | None = None
    alternatives: list[Alternative]


class PathStep(BaseModel):
    """One step of the simulated run, in order."""

    path: str
    step_id: str | None = None
    name: str | None = None
    type: str
    depth: int
    status: str = Field(description="the status the step would get")
    decision: dict[str, Any] | None = Field(None, description="its `when`: result and why")
    message: str | None = None
    input: dict[str, Any] | None = Field(None, description="the rendered config")
    output: dict[str, Any] | None = Field(None, description="the predicted output")
    error: str | None = None


class ApprovalLevel(BaseModel):
    """Whom an approval step would ask, in order."""

    path: str
    name: str | None = None
    approvers: list[str] = Field(description="the references as written (manager, title:cfo...)")
    users: list[dict[str, Any]] = Field(description="who they resolve to: id, email, name")
    mode: str
    quorum: int | None = None
    timeout: str | None = None
    on_timeout: str
    error: str | None = Field(None, description="why nobody could be asked")


class Issue(BaseModel):
    """A validation error or a warning, at a path of the definition."""

    path: str
    code: str
    message: str


class SimulationOut(BaseModel):
    """A simulation and its results."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    workflow_id: int | None
    version: int | None
    mode: SimulationMode
    status: SimulationStatus
    progress: float = Field(description="0-100 (back-tests); 100 when completed")
    input_data: dict[str, Any]
    entity_type: str | None
    entity_id: int | None
    trigger_data: dict[str, Any]
    would_trigger: bool | None = Field(None, description="the trigger filter and conditions hold")
    outcome: str | None = Field(None, description="the execution status the run would end in")
    execution_path: list[PathStep]
    branch_explorations: list[BranchExploration]
    approval_chain: list[ApprovalLevel]
    predicted_duration_ms: dict[str, Any] | None = Field(
        None, description="p50, p90 and each step's share with where the figure comes from"
    )
    validation_errors: list[Issue]
    warnings: list[Issue]
    report: dict[str, Any] | None = Field(None, description="a back-test's or comparison's report")
    error: str | None = None
    duration_ms: float | None
    created_by: int | None
    created_at: datetime
    finished_at: datetime | None


# A template typed in a step field: the editor previews one field at a time.
MAX_TEMPLATE = 10_000
# The records a run can be about (engine.context.MODELS; a test keeps them equal).
PreviewRecordType = Literal["organisation", "contact", "deal", "task", "activity"]


class TemplatePreviewCreate(BaseModel):
    """A template to render on a sample record: the given one, the latest, or a built-in one."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(max_length=MAX_TEMPLATE, description="the text, with `{{ }}` variables")
    trigger_type: TriggerType | None = Field(
        default=None, description="the workflow's trigger: decides the record type"
    )
    record_type: PreviewRecordType | None = Field(
        default=None, description="the record type, when there is no trigger (or to override it)"
    )
    record_id: Id | None = Field(
        default=None, description="a record of the company; else its most recent one"
    )


class TemplatePreviewError(BaseModel):
    """Why the template did not render (syntax, sandbox, limit), against `template`."""

    path: str
    message: str


class TemplatePreviewOut(BaseModel):
    """The rendered text (or value, for a field that is one `{{ expression }}`)."""

    rendered: Any = Field(
        description="text, or the native value of a lone expression; null on error"
    )
    truncated: bool = Field(description="the text was cut to its first 20,000 characters")
    record_type: str | None
    record_id: int | None = Field(description="the record rendered on; null for a built-in sample")
    sample: bool = Field(
        description="rendered on a built-in sample: the company has no such record"
    )
    language: str = Field(description="the company's language, which printed numbers follow")
    variables_used: list[str]
    errors: list[TemplatePreviewError]
