"""Typed workflow definitions: parsed and checked once at save time, compiled for the runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from crmflow.engine.conditions import CompiledCondition, compile_conditions, normalise_conditions
from crmflow.engine.dates import coerce_datetime, parse_duration
from crmflow.engine.errors import DefinitionError
from crmflow.engine.templating import has_template

CONTROL_STEP_TYPES = ("branch", "parallel", "delay", "approval", "stop")
# Control steps the model accepts but the runner does not execute yet (issue: flow control).
NOT_YET_SUPPORTED = ("parallel", "approval")
STEP_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"


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
    name: Annotated[str | None, Field(max_length=300)] = None
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

    name: str | None = None
    when: Any
    actions: list[Step] = Field(default_factory=list)


class BranchStep(StepBase):
    """If / else-if / else: the first branch whose `when` holds runs, else the `else` steps."""

    type: Literal["branch"]
    branches: list[Branch] = Field(min_length=1)
    else_: list[Step] = Field(default_factory=list, alias="else")


class StopConfig(BaseModel):
    """How a stop step ends the execution."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["success", "skipped", "failed"] = "success"
    reason: str = ""


class StopStep(StepBase):
    """End the execution here."""

    type: Literal["stop"]
    config: StopConfig = Field(default_factory=StopConfig)


class ParallelStep(StepBase):
    """Run several paths side by side and join (executed in a later release)."""

    type: Literal["parallel"]
    branches: list[list[Step]] = Field(default_factory=list)


class DelayConfig(BaseModel):
    """How long a delay step waits: a duration, or until a date (often a template)."""

    model_config = ConfigDict(extra="forbid")

    duration: str | int | float | None = None
    until: str | None = None

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


class ApprovalStep(StepBase):
    """Ask people to approve (executed in a later release)."""

    type: Literal["approval"]
    config: dict[str, Any] = Field(default_factory=dict)


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
ParallelStep.model_rebuild()


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
            elif key in ("actions", "else", "branches"):
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


@dataclass
class CompiledWorkflow:
    """Everything the runner needs, compiled once per workflow version."""

    version_id: int
    trigger_type: str
    conditions: CompiledCondition
    steps: list[CompiledStep]
    definition: dict[str, Any]


def compile_steps(steps: list[Any], prefix: str = "actions") -> list[CompiledStep]:
    """Compile the `when` of each step and the guards of branches, recursively."""
    out: list[CompiledStep] = []
    for index, step in enumerate(steps):
        path = f"{prefix}/{index}"
        when = compile_conditions(step.when) if step.when else None
        compiled = CompiledStep(path=path, step=step, when=when)
        if isinstance(step, BranchStep):
            for b_index, branch in enumerate(step.branches):
                compiled.branches.append(
                    (
                        compile_conditions(branch.when),
                        compile_steps(branch.actions, f"{path}/branches/{b_index}/actions"),
                    )
                )
            compiled.else_steps = compile_steps(step.else_, f"{path}/else")
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
                normalise_step_conditions(lane, f"{step_path}.branches[{p_index}]")


def dump_steps(steps: list[Any]) -> list[dict[str, Any]]:
    """Serialise typed steps back to canonical JSON (no None noise, `else` spelled as users do)."""
    return [s.model_dump(mode="json", by_alias=True, exclude_defaults=True) for s in steps]
