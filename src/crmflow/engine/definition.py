"""Typed workflow definitions: parsed and checked once at save time, compiled for the runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from crmflow.common.dates import coerce_datetime, parse_duration
from crmflow.common.enums import ExecutionStatus, LowerStrEnum
from crmflow.common.text import NameChars, TextChars
from crmflow.engine.business_hours import BusinessHours
from crmflow.engine.conditions import CompiledCondition, compile_conditions, normalise_conditions
from crmflow.engine.errors import DefinitionError
from crmflow.engine.templating import has_template
from crmflow.vault.masking import referenced_names

CONTROL_STEP_TYPES = ("branch", "parallel", "delay", "approval", "stop")
STEP_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
# Step and branch names: one line, no control or bidi character (common/text.py).
StepName = Annotated[str, StringConstraints(max_length=300), NameChars]


class RetryPolicy(BaseModel):
    """How often and how fast a failing step is retried."""

    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(3, ge=1, le=20)
    backoff: Literal["exponential", "fixed"] = "exponential"
    initial: str = "30s"
    max: str = "1h"

    @field_validator("initial", "max")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)  # ValueError names the problem; pydantic adds the path
        return value


class StepBase(BaseModel):
    """Fields every step may carry."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: Annotated[str | None, Field(pattern=STEP_ID_PATTERN)] = None
    name: StepName | None = None
    when: Any = None
    on_error: Literal["continue", "stop"] = "continue"
    retry: RetryPolicy | None = None


class ActionStep(StepBase):
    """A call to an action plugin from the catalog (send_email, create_task, ...)."""

    type: str
    config: dict[str, Any] = Field(default_factory=dict)


class Branch(BaseModel):
    """One guarded path of a branch step."""

    model_config = ConfigDict(extra="forbid")

    name: StepName | None = None
    when: Any
    actions: list[Step] = Field(default_factory=list)


class BranchStep(StepBase):
    """If / else-if / else: the first branch whose `when` holds runs, else the `else` steps."""

    type: Literal["branch"]
    branches: list[Branch] = Field(min_length=1)
    else_: list[Step] = Field(default_factory=list, alias="else")


class StopStatus(LowerStrEnum):
    """The statuses a stop step may end its execution in."""

    SUCCESS = ExecutionStatus.SUCCESS.value
    SKIPPED = ExecutionStatus.SKIPPED.value
    FAILED = ExecutionStatus.FAILED.value


class StopConfig(BaseModel):
    """How a stop step ends the execution."""

    model_config = ConfigDict(extra="forbid")

    status: StopStatus = StopStatus.SUCCESS
    reason: Annotated[str, TextChars] = ""


class StopStep(StepBase):
    """End the execution here."""

    type: Literal["stop"]
    config: StopConfig = Field(default_factory=StopConfig)


class ParallelBranch(BaseModel):
    """One path of a parallel step; a bare list of steps is accepted as its `actions`."""

    model_config = ConfigDict(extra="forbid")

    name: StepName | None = None
    # Overrides the parallel step's own `on_error` for a failure in this path.
    on_error: Literal["continue", "stop"] | None = None
    actions: list[Step] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, value: Any) -> Any:
        return {"actions": value} if isinstance(value, list) else value


class ParallelStep(StepBase):
    """Run several paths independently; the execution goes on when every path has ended."""

    type: Literal["parallel"]
    branches: list[ParallelBranch] = Field(min_length=1)


class DelayConfig(BaseModel):
    """How long a delay step waits: a duration, or until a date (often a template)."""

    model_config = ConfigDict(extra="forbid")

    duration: str | int | float | None = None
    until: str | None = None
    # Count the duration in business time / move `until` to the next business moment.
    business_hours: BusinessHours | None = None

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str | float | None) -> str | float | None:
        if value is not None:
            parse_duration(value)  # ValueError names the problem; pydantic adds the path
        return value

    @field_validator("until")
    @classmethod
    def _until(cls, value: str | None) -> str | None:
        if value is not None and not has_template(value) and coerce_datetime(value) is None:
            raise ValueError(
                f"{value!r} is not a date: use ISO 8601 ('2026-12-01T09:00:00Z') or a "
                "template such as '{{ deal.close_date }}'"
            )
        return value

    @model_validator(mode="after")
    def _one(self) -> DelayConfig:
        if (self.duration is None) == (self.until is None):
            raise ValueError("set exactly one of `duration` (e.g. '3 days') or `until`")
        return self


class DelayStep(StepBase):
    """Wait for a duration or until a date; the execution waits in the database (`resume_at`)."""

    type: Literal["delay"]
    config: DelayConfig


APPROVER_KINDS = ("user", "title", "role")
ROLES = ("admin", "editor", "viewer")


def approver_reference(raw: str) -> str:
    """Normalise an approver reference; a bare word such as `director` means `title:director`."""
    text = raw.strip()
    if not text:
        raise ValueError("an approver reference cannot be empty")
    if has_template(text):
        return text
    lowered = text.lower()
    if lowered in ("manager", "owner"):
        return lowered
    if ("@" in text and ":" not in text) or text.isdigit():
        return f"user:{lowered}"
    kind, sep, value = text.partition(":")
    if not sep:
        return f"title:{lowered}"
    kind, value = kind.strip().lower(), value.strip()
    if kind not in APPROVER_KINDS or not value:
        raise ValueError(
            f"{raw!r} is not an approver: use user:<id|email>, title:<title>, role:<role>, "
            "manager, owner or a template"
        )
    if kind == "role" and value.lower() not in ROLES:
        raise ValueError(f"unknown role {value!r} (expected one of: {', '.join(ROLES)})")
    return f"{kind}:{value if kind == 'user' and value.isdigit() else value.lower()}"


class ApprovalConfig(BaseModel):
    """Who must approve, how many of them, and what happens when nobody answers in time."""

    model_config = ConfigDict(extra="forbid")

    approvers: list[str] = Field(default_factory=list)
    # The seed's spelling (`"approver": "manager"`), folded into `approvers`.
    approver: str | None = None
    mode: Literal["any", "all", "quorum"] = "any"
    quorum: int | None = Field(None, ge=1, le=100)
    timeout: str | int | float | None = None
    on_timeout: Literal["escalate", "approve", "reject"] = "reject"
    title: Annotated[str, StringConstraints(max_length=300), TextChars] = ""
    message: Annotated[str, StringConstraints(max_length=5000), TextChars] = ""

    @field_validator("approvers", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("approvers")
    @classmethod
    def _references(cls, value: list[str]) -> list[str]:
        return [approver_reference(item) for item in value]

    @field_validator("mode", "on_timeout", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("timeout")
    @classmethod
    def _duration(cls, value: str | float | None) -> str | float | None:
        if value is not None:
            parse_duration(value)  # ValueError names the problem; pydantic adds the path
        return value

    @model_validator(mode="after")
    def _complete(self) -> ApprovalConfig:
        if self.approver:
            reference = approver_reference(self.approver)
            if reference not in self.approvers:
                self.approvers.insert(0, reference)
            self.approver = None
        if not self.approvers:
            raise ValueError("name at least one approver (`approvers`: ['manager'], ...)")
        if self.mode == "quorum" and self.quorum is None:
            raise ValueError("mode 'quorum' needs `quorum`: how many approvals are enough")
        if self.mode != "quorum" and self.quorum is not None:
            raise ValueError("`quorum` only applies with mode 'quorum'")
        return self


class ApprovalStep(StepBase):
    """Ask people to approve; a rejection runs `on_reject` (if any) and ends the run `rejected`."""

    type: Literal["approval"]
    config: ApprovalConfig
    on_reject: list[Step] = Field(default_factory=list)
    # Going on past an approval nobody gave would approve by accident: a failed approval
    # (no approver found, nobody to escalate to) stops the run unless told to continue.
    on_error: Literal["continue", "stop"] = "stop"


class Reenrollment(BaseModel):
    """Let a record go through the workflow again only after this many days."""

    model_config = ConfigDict(extra="forbid")

    after_days: int = Field(ge=1, le=3650)


class RunMode(LowerStrEnum):
    """What a new run does while another of the same record is in progress."""

    PARALLEL = "parallel"
    SINGLE = "single"
    RESTART = "restart"
    QUEUED = "queued"


class RunPolicy(BaseModel):
    """Per trigger record: what a new run does while one is in progress, and re-enrollment."""

    model_config = ConfigDict(extra="forbid")

    mode: RunMode = RunMode.PARALLEL
    reenrollment: Literal["always", "never"] | Reenrollment = "always"

    @field_validator("mode", "reenrollment", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        if isinstance(value, dict):
            # Validated on its own so an error names `after_days`, not the union's first arm.
            return Reenrollment.model_validate(value)
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def is_default(self) -> bool:
        """True when runs are neither limited nor deduplicated per record."""
        return self.mode == RunMode.PARALLEL and self.reenrollment == "always"


def _step_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if isinstance(kind, str) and kind.lower() in CONTROL_STEP_TYPES:
        return kind.lower()
    return "action"


Step = Annotated[
    Annotated[ActionStep, Tag("action")]
    | Annotated[BranchStep, Tag("branch")]
    | Annotated[StopStep, Tag("stop")]
    | Annotated[ParallelStep, Tag("parallel")]
    | Annotated[DelayStep, Tag("delay")]
    | Annotated[ApprovalStep, Tag("approval")],
    Discriminator(_step_tag),
]

Branch.model_rebuild()
BranchStep.model_rebuild()
ParallelBranch.model_rebuild()
ParallelStep.model_rebuild()
ApprovalStep.model_rebuild()


class StepList(BaseModel):
    """The top-level list of steps (a model so pydantic can report paths into it)."""

    actions: list[Step] = Field(default_factory=list)

    @field_validator("actions", mode="before")
    @classmethod
    def _lower_types(cls, value: Any) -> Any:
        return _lowercase_types(value)


def _lowercase_types(value: Any) -> Any:
    """Accept step types in any case (`CREATE_TASK`), store them lower case."""
    if isinstance(value, list):
        return [_lowercase_types(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "type" and isinstance(item, str):
                out[key] = item.strip().lower()
            elif key in ("actions", "else", "branches", "on_reject"):
                out[key] = _lowercase_types(item)
            else:
                out[key] = item
        return out
    return value


def pydantic_path(prefix: str, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into a JSON path like `actions[2].config.due_date`."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("action", "branch", "stop", "parallel", "delay", "approval"):
            continue  # discriminator tags are not part of the user's document
        elif part.startswith(("literal[", "Reenrollment")):
            continue  # union arms are not part of it either
        else:
            out += f".{part}" if out else str(part)
    return out


def first_error(exc: ValidationError, prefix: str = "") -> DefinitionError:
    """Convert the first pydantic error into a DefinitionError naming its JSON path."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if p != "else_")
    path = pydantic_path(prefix, loc)
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    return DefinitionError(msg, path)


def parse_steps(raw: Any, path: str = "actions") -> list[Any]:
    """Parse a list of raw step dicts into typed steps (DefinitionError on the first problem)."""
    if not isinstance(raw, list):
        raise DefinitionError("must be a list of steps", path)
    try:
        parsed = StepList.model_validate({"actions": raw})
    except ValidationError as exc:
        raise first_error(exc) from None
    return list(parsed.actions)


@dataclass
class CompiledStep:
    """A step with its `when` compiled and its position in the tree."""

    path: str
    step: Any
    when: CompiledCondition | None
    branches: list[tuple[CompiledCondition, list[CompiledStep]]] = field(default_factory=list)
    else_steps: list[CompiledStep] = field(default_factory=list)
    # Parallel paths, and an approval's on_reject steps.
    lanes: list[list[CompiledStep]] = field(default_factory=list)
    on_reject: list[CompiledStep] = field(default_factory=list)
    # The `{{ secrets.NAME }}` an action's config reads: found once here, so runs of steps
    # without secrets never look for them.
    secret_names: frozenset[str] = frozenset()


@dataclass
class CompiledWorkflow:
    """Everything the runner needs, compiled once per workflow version."""

    version_id: int
    trigger_type: str
    conditions: CompiledCondition
    steps: list[CompiledStep]
    definition: dict[str, Any]
    policy: RunPolicy = field(default_factory=lambda: RunPolicy())


def compile_steps(steps: list[Any], prefix: str = "actions") -> list[CompiledStep]:
    """Compile the `when` of each step and the guards of branches, recursively."""
    out: list[CompiledStep] = []
    for index, step in enumerate(steps):
        path = f"{prefix}/{index}"
        when = compile_conditions(step.when) if step.when else None
        compiled = CompiledStep(path=path, step=step, when=when)
        if isinstance(step, ActionStep):
            compiled.secret_names = referenced_names(step.config)
        elif isinstance(step, BranchStep):
            for b_index, branch in enumerate(step.branches):
                compiled.branches.append(
                    (
                        compile_conditions(branch.when),
                        compile_steps(branch.actions, f"{path}/branches/{b_index}/actions"),
                    )
                )
            compiled.else_steps = compile_steps(step.else_, f"{path}/else")
        elif isinstance(step, ParallelStep):
            compiled.lanes = [
                compile_steps(lane.actions, f"{path}/branches/{p_index}/actions")
                for p_index, lane in enumerate(step.branches)
            ]
        elif isinstance(step, ApprovalStep):
            compiled.on_reject = compile_steps(step.on_reject, f"{path}/on_reject")
        out.append(compiled)
    return out


def compile_definition(version_id: int, definition: dict[str, Any]) -> CompiledWorkflow:
    """Compile a stored (already validated and normalised) definition."""
    steps = parse_steps(definition.get("actions") or [])
    return CompiledWorkflow(
        version_id=version_id,
        trigger_type=definition["trigger_type"],
        conditions=compile_conditions(definition.get("conditions")),
        steps=compile_steps(steps),
        definition=definition,
        policy=RunPolicy.model_validate(definition.get("run_policy") or {}),
    )


def normalise_step_conditions(steps: list[Any], path: str = "actions") -> None:
    """Normalise every `when` in place (Mongo shorthand -> canonical tree), naming bad paths."""
    for index, step in enumerate(steps):
        step_path = f"{path}[{index}]"
        if step.when is not None:
            step.when = normalise_conditions(step.when, f"{step_path}.when")
        if isinstance(step, BranchStep):
            for b_index, branch in enumerate(step.branches):
                b_path = f"{step_path}.branches[{b_index}]"
                branch.when = normalise_conditions(branch.when, f"{b_path}.when")
                if branch.when is None:
                    raise DefinitionError("a branch needs a condition", f"{b_path}.when")
                normalise_step_conditions(branch.actions, f"{b_path}.actions")
            normalise_step_conditions(step.else_, f"{step_path}.else")
        if isinstance(step, ParallelStep):
            for p_index, lane in enumerate(step.branches):
                normalise_step_conditions(lane.actions, f"{step_path}.branches[{p_index}].actions")
        if isinstance(step, ApprovalStep):
            normalise_step_conditions(step.on_reject, f"{step_path}.on_reject")


def dump_steps(steps: list[Any]) -> list[dict[str, Any]]:
    """Serialise typed steps back to canonical JSON (no None noise, `else` spelled as users do)."""
    return [s.model_dump(mode="json", by_alias=True, exclude_defaults=True) for s in steps]
