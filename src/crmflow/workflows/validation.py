"""Validate a whole workflow definition at save time; errors name the JSON path."""

from __future__ import annotations

from typing import Any

from crmflow.actions.registry import all_actions, get_action
from crmflow.engine.conditions import compile_conditions, normalise_conditions
from crmflow.engine.definition import (
    NOT_YET_SUPPORTED,
    ActionStep,
    BranchStep,
    ParallelStep,
    compile_steps,
    dump_steps,
    normalise_step_conditions,
    parse_steps,
)
from crmflow.engine.errors import DefinitionError
from crmflow.engine.templating import check_template_syntax
from crmflow.workflows.triggers import entity_type_for, normalise_trigger_config

DEFINITION_KEYS = ("name", "description", "trigger_type", "trigger_config", "conditions", "actions")


def validate_definition(raw: dict[str, Any]) -> dict[str, Any]:
    """Parse, normalise and compile a definition; return its canonical JSON form."""
    trigger_type = str(raw["trigger_type"])
    trigger_config = normalise_trigger_config(trigger_type, raw.get("trigger_config"))
    conditions = normalise_conditions(raw.get("conditions"), "conditions")
    compile_conditions(conditions)
    steps = parse_steps(raw.get("actions") or [], "actions")
    normalise_step_conditions(steps)
    entity_type = entity_type_for(trigger_type, trigger_config)
    _check_steps(steps, "actions", entity_type, seen_ids=set())
    compile_steps(steps)
    return {
        "name": raw.get("name", ""),
        "description": raw.get("description", ""),
        "trigger_type": trigger_type,
        "trigger_config": trigger_config,
        "conditions": conditions,
        "actions": dump_steps(steps),
    }


def _check_steps(steps: list[Any], path: str, entity_type: str | None, seen_ids: set[str]) -> None:
    for index, step in enumerate(steps):
        step_path = f"{path}[{index}]"
        if step.id:
            if step.id in seen_ids:
                raise DefinitionError(f"duplicate step id {step.id!r}", f"{step_path}.id")
            seen_ids.add(step.id)
        if step.type in NOT_YET_SUPPORTED:
            raise DefinitionError(
                f"step type {step.type!r} is not supported yet (coming with flow control: "
                "parallel paths, durable delays and approvals)",
                f"{step_path}.type",
            )
        if isinstance(step, BranchStep):
            for b_index, branch in enumerate(step.branches):
                _check_steps(
                    branch.actions,
                    f"{step_path}.branches[{b_index}].actions",
                    entity_type,
                    seen_ids,
                )
            _check_steps(step.else_, f"{step_path}.else", entity_type, seen_ids)
        elif isinstance(step, ParallelStep):  # pragma: no cover - refused above for now
            continue
        elif isinstance(step, ActionStep):
            action = get_action(step.type)
            if action is None:
                known = ", ".join(a.type for a in all_actions())
                raise DefinitionError(
                    f"unknown action type {step.type!r} (expected one of: {known}, or a control "
                    "step: branch, stop)",
                    f"{step_path}.type",
                )
            check_template_syntax(step.config, f"{step_path}.config")
            action.validate_definition(
                step.config, path=f"{step_path}.config", entity_type=entity_type
            )
