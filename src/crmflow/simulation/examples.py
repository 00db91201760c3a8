"""Find an input that makes a set of conditions come out as wanted (or show that none does).

Candidate values come from the constants the conditions compare with (each side of every
threshold, each listed value, something else, nothing), and combinations are checked with the
engine's own evaluator, so an example always means what a real run would decide.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crmflow.common.dates import coerce_datetime
from crmflow.engine.compare import is_number
from crmflow.engine.conditions import CompiledCondition
from crmflow.simulation.inputs import set_path

# Exhaustive up to this many combinations; beyond it, this many random ones (seeded).
MAX_COMBINATIONS = 20_000
# Roots of a run's data that no input can set.
UNSETTABLE_ROOTS = frozenset({"steps", "now", "workflow", "execution", "secrets"})
OTHER = "something else"


@dataclass(frozen=True)
class Constraint:
    """A condition that must come out `wanted` (True or False)."""

    condition: CompiledCondition
    wanted: bool


def _rules(tree: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not tree:
        return []
    if "field" in tree:
        return [tree]
    return [r for child in tree["rules"] for r in _rules(child)]


def _around(value: Any) -> list[Any]:
    """Values on each side of a threshold, and the threshold itself."""
    if is_number(value) and not isinstance(value, bool):
        number = float(value)
        step = 1 if number == int(number) else abs(number) * 0.01 or 0.01
        out = [number - step, number, number + step]
        return [int(v) if float(v).is_integer() else v for v in out]
    moment = coerce_datetime(value) if isinstance(value, str) else None
    if isinstance(moment, datetime):
        return [(moment + timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
    return [value]


def _value_candidates(rule: dict[str, Any]) -> list[Any]:
    operator, value = rule["operator"], rule.get("value")
    out: list[Any] = [None]
    if operator in ("in", "not_in") and isinstance(value, list):
        out += [*value, OTHER]
    elif operator == "between" and isinstance(value, list) and len(value) == 2:
        low, high = value
        out += _around(low) + _around(high)
        if is_number(low) and is_number(high):
            out.append((float(low) + float(high)) / 2)
    elif operator in ("contains", "not_contains"):
        out += [f"{value}", f"x {value} x", OTHER, [value], []]
    elif operator == "starts_with":
        out += [f"{value}x", OTHER]
    elif operator == "ends_with":
        out += [f"x{value}", OTHER]
    elif operator in ("is_empty", "is_not_empty"):
        out += ["", "x"]
    else:
        out += _around(value) + ([OTHER] if isinstance(value, str) else [])
        if isinstance(value, bool):
            out.append(not value)
    return out


def _change_candidates(rules: list[dict[str, Any]]) -> list[Any]:
    olds: list[Any] = [None, OTHER]
    news: list[Any] = [OTHER]
    for rule in rules:
        if rule["operator"] == "changed_from":
            olds.append(rule.get("value"))
        elif rule["operator"] == "changed_to":
            news.append(rule.get("value"))
    pairs: list[Any] = [None]  # unchanged
    pairs += [[old, new] for old in olds for new in news if old != new]
    return pairs


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


class ExampleFinder:
    """Finds inputs for constraints over the fields of a workflow whose record is `entity`."""

    def __init__(self, entity: str | None) -> None:
        self.entity = entity

    def find(self, constraints: list[Constraint]) -> tuple[dict[str, Any] | None, str | None]:
        """An example input {input_data, trigger} satisfying every constraint, or why none."""
        rules = [r for c in constraints for r in _rules(c.condition.tree)]
        variables: dict[str, list[Any]] = {}
        change_rules: dict[str, list[dict[str, Any]]] = {}
        for rule in rules:
            field = rule["field"]
            if field.split(".", 1)[0] in UNSETTABLE_ROOTS:
                return None, f"depends on {field}, which no input sets"
            if rule["operator"] in ("changed", "changed_to", "changed_from"):
                change_rules.setdefault(field, []).append(rule)
            else:
                variables.setdefault(field, []).extend(_value_candidates(rule))
        names = [("value", f) for f in variables] + [("change", f) for f in change_rules]
        options = [_unique(variables[f]) for f in variables]
        options += [_change_candidates(change_rules[f]) for f in change_rules]
        for assignment in self._assignments(options):
            chosen = dict(zip(names, assignment, strict=True))
            context = self._context(chosen)
            if all(c.condition.evaluate(context) is c.wanted for c in constraints):
                return self._example(chosen), None
        return None, "no input satisfies it"

    @staticmethod
    def _assignments(options: list[list[Any]]) -> Any:
        total = 1
        for values in options:
            total *= max(1, len(values))
        if total <= MAX_COMBINATIONS:
            return itertools.product(*options)
        rng = random.Random(7)
        return (tuple(rng.choice(v) for v in options) for _ in range(MAX_COMBINATIONS))

    def _change_key(self, field: str) -> str:
        root, _, rest = field.partition(".")
        return rest if root == self.entity and rest else field

    def _context(self, chosen: dict[tuple[str, str], Any]) -> dict[str, Any]:
        context: dict[str, Any] = {"trigger": {"changes": {}, "data": {}}}
        for (kind, field), value in chosen.items():
            if kind == "change":
                if value is not None:
                    context["trigger"]["changes"][self._change_key(field)] = value
            else:
                set_path(context, field, value)
        return context

    def _example(self, chosen: dict[tuple[str, str], Any]) -> dict[str, Any]:
        input_data: dict[str, Any] = {}
        changes: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        for (kind, field), value in chosen.items():
            if kind == "change":
                if value is not None:
                    changes[self._change_key(field)] = value
                continue
            if value is None:
                continue  # leaving a field out is how an input says "empty"
            root, _, rest = field.partition(".")
            if root == "trigger" and rest.startswith("data."):
                set_path(payload, rest.removeprefix("data."), value)
            elif root == self.entity and rest and "." not in rest:
                input_data[rest] = value
            else:
                input_data[field] = value
        example: dict[str, Any] = {"input_data": input_data}
        if changes or payload:
            example["trigger"] = {"changes": changes, "payload": payload}
        return example
