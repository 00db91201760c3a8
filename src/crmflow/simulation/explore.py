"""Every decision point of a workflow, each way it can go, and an input that takes each way.

A decision is reached only when the run gets there: the trigger filter and the conditions
held, every enclosing branch took this path, every `when` above it held and no earlier `stop`
fired. Those are the constraints an example must meet besides the alternative itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmflow.engine.compare import format_value
from crmflow.engine.conditions import CompiledCondition
from crmflow.engine.definition import (
    ApprovalStep,
    BranchStep,
    CompiledStep,
    CompiledWorkflow,
    ParallelStep,
    StopStep,
)
from crmflow.simulation.examples import Constraint, ExampleFinder
from crmflow.simulation.trigger_filter import trigger_condition
from crmflow.simulation.walk import Walked
from crmflow.workflows.triggers import entity_type_for

_WORDS = {"AND": " and ", "OR": " or "}


def describe(tree: dict[str, Any] | None) -> str:
    """A condition tree in words: `deal.amount > 10000 and deal.stage == 'won'`."""
    if not tree:
        return "always"
    if "field" in tree:
        operator = tree["operator"]
        if "value" not in tree:
            return f"{tree['field']} {operator.replace('_', ' ')}"
        return f"{tree['field']} {operator.replace('_', ' ')} {format_value(tree['value'])}"
    if tree["operator"] == "NOT":
        return f"not ({describe(tree['rules'][0])})"
    parts = [describe(r) for r in tree["rules"]]
    if len(parts) == 1:
        return parts[0]
    return _WORDS[tree["operator"]].join(
        f"({p})" if " and " in p or " or " in p else p for p in parts
    )


@dataclass
class _Point:
    path: str
    kind: str
    name: str | None
    # (outcome, predicate in words, the constraints that take it)
    alternatives: list[tuple[str, str, list[Constraint]]]
    reach: list[Constraint]
    reachable: bool = True


@dataclass
class _Tree:
    points: list[_Point] = field(default_factory=list)
    # Paths of steps no input can reach (after an unconditional stop).
    dead_steps: list[str] = field(default_factory=list)


def _when_alternatives(condition: CompiledCondition) -> list[tuple[str, str, list[Constraint]]]:
    text = describe(condition.tree)
    return [
        ("true", text, [Constraint(condition, True)]),
        ("false", f"not ({text})", [Constraint(condition, False)]),
    ]


def _walk_steps(
    steps: list[CompiledStep], reach: list[Constraint], live: bool, tree: _Tree
) -> None:
    for compiled in steps:
        step = compiled.step
        if not live:
            tree.dead_steps.append(compiled.path)
        inside = list(reach)
        if compiled.when is not None:
            tree.points.append(
                _Point(
                    compiled.path,
                    "when",
                    step.name,
                    _when_alternatives(compiled.when),
                    list(reach),
                    live,
                )
            )
            inside.append(Constraint(compiled.when, True))
        if isinstance(step, BranchStep):
            _branch(compiled, inside, live, tree)
        elif isinstance(step, ParallelStep):
            for lane in compiled.lanes:
                _walk_steps(lane, inside, live, tree)
        elif isinstance(step, ApprovalStep):
            _walk_steps(compiled.on_reject, inside, live, tree)
        if isinstance(step, StopStep):
            if compiled.when is None:
                live = False  # everything after an unconditional stop is dead
            else:
                reach = [*reach, Constraint(compiled.when, False)]


def _branch(compiled: CompiledStep, inside: list[Constraint], live: bool, tree: _Tree) -> None:
    alternatives: list[tuple[str, str, list[Constraint]]] = []
    earlier: list[Constraint] = []
    for index, (guard, actions) in enumerate(compiled.branches):
        taking = [*earlier, Constraint(guard, True)]
        alternatives.append((f"branch {index}", describe(guard.tree), taking))
        _walk_steps(actions, inside + taking, live, tree)
        earlier.append(Constraint(guard, False))
    alternatives.append(("else", "none of the branches holds", list(earlier)))
    _walk_steps(compiled.else_steps, inside + earlier, live, tree)
    tree.points.append(
        _Point(compiled.path, "branch", compiled.step.name, alternatives, inside, live)
    )


def _decision_tree(compiled: CompiledWorkflow) -> tuple[_Tree, str | None]:
    definition = compiled.definition
    trigger_type = compiled.trigger_type
    entity = entity_type_for(trigger_type, definition.get("trigger_config") or {})
    tree = _Tree()
    reach: list[Constraint] = []
    condition = trigger_condition(trigger_type, definition.get("trigger_config") or {}, entity)
    if condition is not None:
        tree.points.append(
            _Point("trigger_config", "trigger", "trigger filter", _when_alternatives(condition), [])
        )
        reach.append(Constraint(condition, True))
    if compiled.conditions.tree:
        tree.points.append(
            _Point(
                "conditions",
                "conditions",
                "conditions",
                _when_alternatives(compiled.conditions),
                list(reach),
            )
        )
        reach.append(Constraint(compiled.conditions, True))
    _walk_steps(compiled.steps, reach, True, tree)
    tree.points.sort(key=lambda p: _order(p.path))
    return tree, entity


def _order(path: str) -> tuple[Any, ...]:
    if path in ("trigger_config", "conditions"):
        return (0 if path == "trigger_config" else 1,)
    return (2, *(int(p) if p.isdigit() else p for p in path.split("/")))


def _taken(point: _Point, walked: Walked | None) -> tuple[bool, str | None, str | None]:
    """Whether the simulated run reached the point, which way it went, and why."""
    if walked is None:
        return False, None, None
    if point.kind == "trigger":
        d = walked.trigger_decision
        if d is None:
            return False, None, None
        return True, ("true" if d["result"] else "false"), str(d["explanation"])
    if point.kind == "conditions":
        trigger_ok = walked.trigger_decision is None or walked.trigger_decision["result"]
        d = walked.conditions_decision
        return trigger_ok, ("true" if d["result"] else "false"), d["explanation"]
    if point.kind == "when":
        d = walked.when_decisions.get(point.path)
        if d is None:
            return False, None, None
        return True, ("true" if d["result"] else "false"), d["explanation"]
    record = next((r for r in walked.records if r["path"] == point.path), None)
    if record is None:
        return False, None, None
    taken = (record.get("output") or {}).get("taken")
    checked = (record.get("output") or {}).get("checked") or []
    label = "else" if taken == "else" else f"branch {taken}"
    return True, label, "; ".join(str(c) for c in checked) or None


def explore(
    compiled: CompiledWorkflow, walked: Walked | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each decision point with its alternatives and examples; and the paths of dead steps."""
    tree, entity = _decision_tree(compiled)
    finder = ExampleFinder(entity)
    out: list[dict[str, Any]] = []
    for point in tree.points:
        reached, taken, explanation = _taken(point, walked)
        alternatives = []
        for outcome, predicate, constraints in point.alternatives:
            example: dict[str, Any] | None = None
            why_not: str | None = "after a stop that always ends the run"
            if point.reachable:
                example, why_not = finder.find([*point.reach, *constraints])
            # A decision on a step's output cannot be steered by an input: not proven dead.
            undecidable = why_not is not None and why_not.startswith("depends")
            alternatives.append(
                {
                    "outcome": outcome,
                    "predicate": predicate,
                    "example": example,
                    "reachable": example is not None or undecidable,
                    "taken": taken == outcome,
                    "why_not": why_not if example is None else None,
                }
            )
        out.append(
            {
                "path": point.path,
                "kind": point.kind,
                "name": point.name,
                "reached": reached,
                "taken": taken,
                "explanation": explanation,
                "alternatives": alternatives,
            }
        )
    return out, tree.dead_steps
