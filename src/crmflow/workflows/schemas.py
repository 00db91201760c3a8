"""Pydantic request/response models of the workflow API (the seed's names and fields)."""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from crmflow.common.enums import TriggerType, WorkflowStatus
from crmflow.common.ids import Id
from crmflow.common.text import NameChars, Text, TextChars
from crmflow.vault.masking import mask_definition
from crmflow.workflows.hooks import WEBHOOK_TRIGGER, inbound_url
from crmflow.workflows.tags import TagName, Tags

DEFAULT_RUN_POLICY = {"mode": "parallel", "reenrollment": "always"}
# A workflow's name: no control or bidi character, surrounding spaces stripped (common/text.py).
WorkflowName = Annotated[str, StringConstraints(min_length=1, max_length=300), NameChars]
ChangeNote = Annotated[str, StringConstraints(max_length=500), TextChars]


# One definition of the success rate for the list, the statistics and the per-day charts.
SUCCESS_RATE_DOC = (
    "success / (success + partial + failed + rejected), as a percentage with one decimal; "
    "skipped and cancelled runs are reported beside it, not in it (null: no run acted)"
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The canvas is big, not boundless: a coordinate past this is a bug or an attack, not a layout.
MAX_COORDINATE = 1_000_000.0
MAX_LAYOUT_NODES = 2_000
# "trigger", or a step path as the engine writes it (actions/2/branches/0/actions/1).
NODE_ID_PATTERN = r"^(trigger|actions(/(\d{1,4}|branches|else|on_reject|actions))*)$"


class NodePosition(_In):
    """Where the editor draws one node (its top-left corner, in canvas pixels)."""

    x: float = Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE, allow_inf_nan=False)
    y: float = Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE, allow_inf_nan=False)


class GraphLayout(_In):
    """The editor's saved node positions, keyed by `trigger` or the step path.

    Presentation only: saving it never makes a new version. Nodes without a position are
    placed by the automatic layout.
    """

    positions: dict[
        Annotated[str, StringConstraints(max_length=300, pattern=NODE_ID_PATTERN)], NodePosition
    ] = Field(default_factory=dict, max_length=MAX_LAYOUT_NODES)


class WorkflowCreate(_In):
    """Create a workflow; the definition is validated and compiled before anything is written."""

    name: WorkflowName
    description: Text = ""
    trigger_type: TriggerType
    trigger_config: dict[str, Any] = Field(default_factory=dict)
    conditions: Any = None
    actions: list[Any] = Field(default_factory=list)
    run_policy: Any = Field(
        None,
        description='Per trigger record: {"mode": "parallel"|"single"|"restart"|"queued", '
        '"reenrollment": "always"|"never"|{"after_days": N}}',
    )
    status: WorkflowStatus = WorkflowStatus.DRAFT
    is_template: bool = False
    graph_layout: GraphLayout | None = None
    tags: Tags = Field(default_factory=list)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _may_be_left_out() -> Any:
    """A partial update's field: left out it keeps its value; null is a 422 naming it.

    The route reads only the fields sent (`exclude_unset`), so the None default is never used;
    the document shows no default, and the field's type is not nullable.
    """
    return Field(None, json_schema_extra=_no_default)


class WorkflowUpdate(_In):
    """Partial update; a change to the definition creates a new immutable version.

    `conditions: null` removes the conditions and `run_policy: null` restores the default; the
    other fields may be left out but not set to null.
    """

    name: WorkflowName = _may_be_left_out()
    description: Text = _may_be_left_out()
    trigger_type: TriggerType = _may_be_left_out()
    trigger_config: dict[str, Any] = _may_be_left_out()
    conditions: Any = None
    actions: list[Any] = _may_be_left_out()
    run_policy: Any = None
    status: WorkflowStatus = _may_be_left_out()
    is_template: bool = _may_be_left_out()
    tags: Tags = _may_be_left_out()
    graph_layout: GraphLayout | None = Field(
        None, description="node positions (null: back to the automatic layout); no new version"
    )
    change_note: ChangeNote = ""


class WorkflowActivate(_In):
    """Activate or deactivate (`{"status": "active"}` / `"inactive"`)."""

    status: WorkflowStatus = WorkflowStatus.ACTIVE


class WorkflowExecuteRequest(_In):
    """Run a workflow by hand on a record (or on nothing), e.g. to test it."""

    trigger_entity_type: str | None = Field(None, max_length=50)
    trigger_entity_id: Id | None = None
    trigger_data: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(None, max_length=150)


class WorkflowDuplicate(_In):
    """Options for duplicating a workflow."""

    name: WorkflowName | None = None


# A bulk action answers per id; past this many ids, send several requests.
MAX_BULK_IDS = 500
BulkAction = Literal["activate", "deactivate", "delete", "add_tag", "remove_tag"]


class WorkflowBulkRequest(_In):
    """One action on many workflows of the company, applied to each id on its own."""

    ids: list[Id] = Field(min_length=1, max_length=MAX_BULK_IDS)
    action: BulkAction
    tag: TagName | None = Field(None, description="add_tag and remove_tag only")


class WorkflowBulkResult(BaseModel):
    """What happened to one id: ok, or the reason it was left as it was."""

    id: int
    ok: bool
    name: str | None = Field(None, description="the workflow's name (null when not found)")
    error: str | None = None


class WorkflowBulkResponse(BaseModel):
    """Per-id outcomes, in the order the ids were sent (each id once)."""

    action: BulkAction
    succeeded: int
    failed: int
    results: list[WorkflowBulkResult]


class TagCount(BaseModel):
    """A tag of the company and how many workflows hold it."""

    name: str
    count: int


# Workflows per import or export file: an import is checked whole before it writes, so an
# export of many stays a file one import takes.
MAX_TRANSFERRED = 100


class WorkflowExportRequest(_In):
    """Several workflows to export into one importable file."""

    ids: list[Id] = Field(min_length=1, max_length=MAX_TRANSFERRED)


class WorkflowSummary(BaseModel):
    """The fields every workflow body carries."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    status: str
    trigger_type: str
    is_template: bool
    template_slug: str | None
    version: int = Field(validation_alias="version_number")
    execution_count: int
    last_executed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    tags: list[str] = Field(default_factory=list, description="metadata; no new version")


class WorkflowListItem(WorkflowSummary):
    """A workflow in a list (light), with its success rate."""

    success_rate: float | None = Field(None, description=SUCCESS_RATE_DOC)


class WorkflowResponse(WorkflowSummary):
    """A workflow with its full definition."""

    trigger_config: dict[str, Any]
    conditions: dict[str, Any] | None
    actions: list[Any]
    run_policy: dict[str, Any]
    created_by: int | None
    current_version_id: int | None
    graph_layout: GraphLayout | None = None
    warnings: list[str] = Field(
        default_factory=list,
        description="Saved anyway, but worth a look: ways this workflow's actions can "
        "re-trigger it (loop guard), credentials written in clear instead of `{{ secrets.NAME }}`",
    )
    # webhook_received only: the URL other systems POST to (never the secret, only whether set).
    inbound_url: str | None = Field(
        None,
        validation_alias="hook_token",
        description="webhook_received: POST here to start a run (null for other triggers)",
    )
    inbound_signature_required: bool = Field(
        False,
        validation_alias="hook_secret",
        description="webhook_received: deliveries must carry X-Crmflow-Signature",
    )

    @field_validator("run_policy", mode="before")
    @classmethod
    def _effective(cls, value: Any) -> Any:
        return {**DEFAULT_RUN_POLICY, **(value or {})}

    @field_validator("actions")
    @classmethod
    def _masked_actions(cls, value: list[Any]) -> list[Any]:
        masked: list[Any] = mask_definition(value)  # credentials typed in clear stay on the server
        return masked

    @field_validator("inbound_url", mode="before")
    @classmethod
    def _inbound_url(cls, value: Any, info: ValidationInfo) -> Any:
        if not value or info.data.get("trigger_type") != WEBHOOK_TRIGGER:
            return None
        return inbound_url(str(value))

    @field_validator("inbound_signature_required", mode="before")
    @classmethod
    def _signed(cls, value: Any, info: ValidationInfo) -> bool:
        return bool(value) and info.data.get("trigger_type") == WEBHOOK_TRIGGER


class WorkflowVersionResponse(BaseModel):
    """An immutable definition snapshot."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    workflow_id: int
    version: int
    definition: dict[str, Any]
    created_by: int | None
    author: str | None = Field(None, description="who saved it: the user's name (or e-mail)")
    created_at: datetime
    change_note: str

    @field_validator("definition")
    @classmethod
    def _masked_definition(cls, value: dict[str, Any]) -> dict[str, Any]:
        masked: dict[str, Any] = mask_definition(value)
        return masked


class WorkflowStats(BaseModel):
    """The seed's statistics plus percentiles and in-flight counts."""

    workflow_id: int
    total_executions: int
    success_count: int
    partial_count: int = Field(description="runs that completed with errors")
    failed_count: int
    skipped_count: int
    rejected_count: int
    cancelled_count: int
    pending_count: int
    running_count: int
    waiting_count: int
    success_rate: float | None = Field(description=SUCCESS_RATE_DOC)
    avg_duration_seconds: float
    p50_duration_seconds: float | None
    p95_duration_seconds: float | None
    last_execution: datetime | None


class TemplateInfo(BaseModel):
    """A ready-made workflow to start from."""

    id: str
    name: str
    description: str
    trigger_type: str
    category: str = "general"
    definition: dict[str, Any]

    @field_validator("definition")
    @classmethod
    def _masked_definition(cls, value: dict[str, Any]) -> dict[str, Any]:
        masked: dict[str, Any] = mask_definition(value)
        return masked


FieldType = Literal[
    "string", "number", "date", "datetime", "boolean", "enum", "list", "json", "user", "reference"
]


class ConfigFieldInfo(BaseModel):
    """One option of a trigger's config."""

    name: str
    label: str
    type: FieldType
    required: bool
    options: list[str] | None = None
    default: Any = None
    description: str = ""
    widget: str | None = Field(None, description="the picker to offer (`stage`, `user`...)")


class TriggerInfo(BaseModel):
    """A trigger type the editor can offer, with the record it runs on and its options."""

    type: TriggerType
    label: str
    description: str
    entity_type: str | None
    config_fields: list[ConfigFieldInfo]


class ContextFieldInfo(BaseModel):
    """A field path conditions and templates can read during a run."""

    path: str
    label: str
    type: FieldType
    options: list[str] | None = None
    group: str = Field("", description="the record it belongs to, e.g. `Deal owner's manager`")


class OperatorInfo(BaseModel):
    """A condition operator: which field types it suits and how many values it takes."""

    value: str
    label: str
    types: list[FieldType]
    arity: int = Field(description="values the rule takes: 0 (none), 1 or 2 (between)")
    multiple: bool = Field(False, description="the value is a list (in, not_in)")


class StepTypeInfo(BaseModel):
    """A control step (branch, parallel, delay, approval, stop)."""

    type: str
    label: str
    description: str


class EditorSchema(BaseModel):
    """Everything a workflow editor needs to offer valid triggers, conditions and steps."""

    triggers: list[TriggerInfo]
    entities: dict[str, list[ContextFieldInfo]]
    trigger_entities: dict[str, list[str]] = Field(
        description="per trigger type: the records a run's context may hold"
    )
    trigger_fields: list[ContextFieldInfo]
    operators: list[OperatorInfo]
    step_types: list[StepTypeInfo]


class DailyStat(BaseModel):
    """Finished executions of one UTC day (by completion time)."""

    date: date_type
    total: int
    success: int
    partial: int
    failed: int
    skipped: int
    rejected: int
    cancelled: int
    success_rate: float | None = Field(description=SUCCESS_RATE_DOC)
    p50_duration_seconds: float | None
    p95_duration_seconds: float | None


class WorkflowDailyStats(BaseModel):
    """Per-day statistics, every day present, oldest first, ending today (UTC)."""

    workflow_id: int
    days: list[DailyStat]


class StepRef(BaseModel):
    """A step in a diff: where it is and what it is called."""

    path: str
    step: str


class StepMove(BaseModel):
    """A step that moved."""

    step: str
    from_path: str = Field(alias="from")
    to_path: str = Field(alias="to")

    model_config = ConfigDict(populate_by_name=True)


class FieldChange(BaseModel):
    """One field that changed, with its old and new values (credentials masked)."""

    field: str
    old: Any = None
    new: Any = None


class StepChange(BaseModel):
    """A step whose fields changed."""

    path: str
    step: str
    changes: list[FieldChange]


class VersionDiff(BaseModel):
    """What changed between two versions, in the editor's words."""

    workflow_id: int
    from_version: int | None = Field(description="None: the first version, compared with nothing")
    to_version: int
    fields: list[FieldChange]
    added: list[StepRef]
    removed: list[StepRef]
    moved: list[StepMove]
    changed: list[StepChange]
    identical: bool
