"""A trigger's filters (stage from/to, changed fields, activity kinds) as a condition to explain."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from crmflow.engine.conditions import CompiledCondition, compile_conditions
from crmflow.workflows.triggers import event_matches


def _options(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _any_of(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return rules[0] if len(rules) == 1 else {"operator": "OR", "rules": rules}


def filter_tree(
    trigger_type: str, config: dict[str, Any], entity: str | None
) -> dict[str, Any] | None:
    """The trigger's filters as a condition tree (None: the trigger has none)."""
    rules: list[dict[str, Any]] = []
    if trigger_type == "deal_stage_changed":
        for key, operator in (("from_stage", "changed_from"), ("to_stage", "changed_to")):
            options = _options(config.get(key))
            if options:
                rules.append(
                    _any_of(
                        [{"field": "deal.stage", "operator": operator, "value": o} for o in options]
                    )
                )
    elif trigger_type in ("organisation_updated", "deal_updated") and config.get("fields"):
        rules.append(
            _any_of([{"field": f"{entity}.{f}", "operator": "changed"} for f in config["fields"]])
        )
    elif trigger_type == "activity_logged" and config.get("kinds"):
        rules.append({"field": "trigger.data.kind", "operator": "in", "value": config["kinds"]})
    if not rules:
        return None
    return {"operator": "AND", "rules": rules}


def trigger_condition(
    trigger_type: str, config: dict[str, Any], entity: str | None
) -> CompiledCondition | None:
    """The compiled filter condition, or None when the trigger has no filter."""
    tree = filter_tree(trigger_type, config, entity)
    return compile_conditions(tree) if tree is not None else None


def trigger_matches(
    trigger_type: str, config: dict[str, Any], changes: dict[str, Any], payload: dict[str, Any]
) -> bool:
    """Whether an event with these changes and payload passes the trigger (dispatcher's rule)."""
    event = SimpleNamespace(changes=changes, payload=payload)
    return event_matches(trigger_type, config, event)
