"""Validate a whole workflow definition at save time; errors name the JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from crmflow.catalog.service import validate_step_config
from crmflow.engine.conditions import compile_conditions, normalise_conditions
from crmflow.engine.definition import (
    ActionStep,
    ApprovalStep,
    BranchStep,
    ParallelStep,
    RunPolicy,
    compile_steps,
    dump_steps,
    first_error,
    normalise_step_conditions,
    parse_steps,
)
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import all_actions, get_action
from crmflow.engine.templating import check_template_syntax
from crmflow.workflows.credentials import (
    check_action_secrets,
    check_condition_fields,
    check_no_secrets,
)
from crmflow.workflows.definition_limits import check_definition_limits
from crmflow.workflows.triggers import entity_type_for, normalise_trigger_config

DEFINITION_KEYS = (
    "name",
    "description",
    "trigger_type",
    "trigger_config",
    "conditions",
    "actions",
    "run_policy",
)


class Directory(Protocol):
    """The company's people, to check approver references at save time."""

    def titles(self) -> set[str]:
        """Every title some active user holds."""

    def has_user(self, reference: str) -> bool:
        """True when an active user has this id or email."""

    def custom_action_schema(self, action_type: str) -> dict[str, Any] | None:
        """The input schema of the company's custom action of this type, or None."""


def validate_definition(raw: dict[str, Any], directory: Directory | None = None) -> dict[str, Any]:
    """Parse, normalise and compile a definition; return its canonical JSON form."""
    check_definition_limits(raw)
    trigger_type = str(raw["trigger_type"])
    trigger_config = normalise_trigger_config(trigger_type, raw.get("trigger_config"))
    conditions = normalise_conditions(raw.get("conditions"), "conditions")
    compile_conditions(conditions)
    check_condition_fields(conditions, "conditions")
    steps = parse_steps(raw.get("actions") or [], "actions")
    normalise_step_conditions(steps)
    entity_type = entity_type_for(trigger_type, trigger_config)
    _check_steps(steps, "actions", entity_type, _Checks(directory=directory))
    if directory is not None:
        _check_approvers(steps, "actions", directory)
    compile_steps(steps)
    policy = _run_policy(raw.get("run_policy"))
    return {
        "name": raw.get("name", ""),
        "description": raw.get("description", ""),
        "trigger_type": trigger_type,
        "trigger_config": trigger_config,
        "conditions": conditions,
        "actions": dump_steps(steps),
        "run_policy": policy,
    }


def _run_policy(raw: Any) -> dict[str, Any] | None:
    """Validate a run policy; the default (parallel, always) is stored as None."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DefinitionError('must be an object such as {"mode": "single"}', "run_policy")
    try:
        policy = RunPolicy.model_validate(raw)
    except ValidationError as exc:
        raise first_error(exc, "run_policy") from None
    return None if policy.is_default else policy.model_dump(mode="json", exclude_defaults=True)


@dataclass
class _Checks:
    """What the step checks carry down the tree: ids seen so far, the company's directory."""

    seen_ids: set[str] = field(default_factory=set)
    directory: Directory | None = None


def _check_steps(steps: list[Any], path: str, entity_type: str | None, checks: _Checks) -> None:
    for index, step in enumerate(steps):
        step_path = f"{path}[{index}]"
        if step.id:
            if step.id in checks.seen_ids:
                raise DefinitionError(f"duplicate step id {step.id!r}", f"{step_path}.id")
            checks.seen_ids.add(step.id)
        check_condition_fields(step.when, f"{step_path}.when")
        control_config = None if isinstance(step, ActionStep) else getattr(step, "config", None)
        if isinstance(control_config, BaseModel):
            check_no_secrets(control_config.model_dump(), f"{step_path}.config")
        if step.retry is not None and not isinstance(step, ActionStep):
            raise DefinitionError(
                f"a retry policy applies to action steps, not to {step.type!r} steps",
                f"{step_path}.retry",
            )
        if isinstance(step, BranchStep):
            for b_index, branch in enumerate(step.branches):
                check_condition_fields(branch.when, f"{step_path}.branches[{b_index}].when")
                _check_steps(
                    branch.actions,
                    f"{step_path}.branches[{b_index}].actions",
                    entity_type,
                    checks,
                )
            _check_steps(step.else_, f"{step_path}.else", entity_type, checks)
        elif isinstance(step, ParallelStep):
            for p_index, lane in enumerate(step.branches):
                _check_steps(
                    lane.actions,
                    f"{step_path}.branches[{p_index}].actions",
                    entity_type,
                    checks,
                )
        elif isinstance(step, ApprovalStep):
            for a_index, reference in enumerate(step.config.approvers):
                check_template_syntax(reference, f"{step_path}.config.approvers[{a_index}]")
            check_template_syntax(step.config.message, f"{step_path}.config.message")
            check_template_syntax(step.config.title, f"{step_path}.config.title")
            _check_steps(step.on_reject, f"{step_path}.on_reject", entity_type, checks)
        elif isinstance(step, ActionStep):
            action = get_action(step.type)
            custom = checks.directory.custom_action_schema(step.type) if checks.directory else None
            check_action_secrets(step.config, f"{step_path}.config", action, custom)
            if action is None and custom is not None:
                check_template_syntax(step.config, f"{step_path}.config")
                validate_step_config(step.type, step.config, f"{step_path}.config", schema=custom)
            elif action is None:
                known = ", ".join(a.type for a in all_actions())
                raise DefinitionError(
                    f"unknown action type {step.type!r} (expected one of: {known}, a custom "
                    "action of your catalog, or a control step: branch, parallel, delay, "
                    "approval, stop)",
                    f"{step_path}.type",
                )
            else:
                check_template_syntax(step.config, f"{step_path}.config")
                action.validate_definition(
                    step.config, path=f"{step_path}.config", entity_type=entity_type
                )


def _check_approvers(steps: list[Any], path: str, directory: Directory) -> None:
    """Refuse approvers nobody in the company can be: unknown titles, users."""
    for index, step in enumerate(steps):
        step_path = f"{path}[{index}]"
        if isinstance(step, ApprovalStep):
            for a_index, reference in enumerate(step.config.approvers):
                _check_reference(reference, f"{step_path}.config.approvers[{a_index}]", directory)
            _check_approvers(step.on_reject, f"{step_path}.on_reject", directory)
        elif isinstance(step, BranchStep):
            for b_index, branch in enumerate(step.branches):
                _check_approvers(
                    branch.actions, f"{step_path}.branches[{b_index}].actions", directory
                )
            _check_approvers(step.else_, f"{step_path}.else", directory)
        elif isinstance(step, ParallelStep):
            for p_index, lane in enumerate(step.branches):
                _check_approvers(
                    lane.actions, f"{step_path}.branches[{p_index}].actions", directory
                )


def _check_reference(reference: str, path: str, directory: Directory) -> None:
    kind, _, value = reference.partition(":")
    if kind == "title" and value not in directory.titles():
        known = ", ".join(sorted(directory.titles())) or "none yet"
        raise DefinitionError(
            f"unknown approver title {value!r}: no active user has it (titles: {known})", path
        )
    if kind == "user" and not directory.has_user(value):
        raise DefinitionError(
            f"unknown approver {value!r}: no active user with that id or email", path
        )
