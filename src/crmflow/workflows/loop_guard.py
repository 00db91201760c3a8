"""Static loop detection: which triggers a workflow's actions can fire, and the loops they form."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from crmflow.common.errors import DomainError
from crmflow.config import Settings
from crmflow.crm.fields import CUSTOM_FIELDS_PREFIX, validate_update_field
from crmflow.crm.records import UPDATED_EVENTS
from crmflow.crm.schemas import TaskStatus
from crmflow.crm.tagging import TAGGABLE_TYPES
from crmflow.engine.plugins import is_template
from crmflow.workflows.triggers import entity_type_for

# Records a run can act on, by trigger record type: itself plus what engine/context.py loads.
RELATED: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation",),
    "contact": ("contact", "organisation"),
    "deal": ("deal", "organisation", "contact"),
    "task": ("task", "organisation", "contact", "deal"),
    "activity": ("activity", "organisation", "contact", "deal"),
}
# Webhook events and manual runs may name any record (events/inbound.py, start_manual_run).
ANY_RECORD_TRIGGERS = ("webhook_received", "manual")
ANY_CUSTOM = CUSTOM_FIELDS_PREFIX + "*"
GUARD_NOTE = (
    "the loop guard stops the chain after CRMFLOW_MAX_CAUSATION_DEPTH "
    f"(default {Settings.model_fields['max_causation_depth'].default}) chained runs"
)
Other = tuple[int, str, dict[str, Any]]


@dataclass(frozen=True)
class Emission:
    """One event a step can cause: its type, record, changed keys (None: any) and new stage."""

    trigger: str
    entity: str
    keys: frozenset[str] | None
    stage: str | None = None


Effect = tuple[str, str, Emission]  # (step path, action type, emission)
Hop = tuple[int, int, Effect]  # (from node, to node, the effect that fires the target)


def _walk(steps: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (path, step) for every action step in a list of steps, depth first."""
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        here = f"{path}[{index}]"
        if not isinstance(step, dict):
            continue
        kind = str(step.get("type", "")).lower()
        if kind == "branch":
            for b, branch in enumerate(step.get("branches") or []):
                if isinstance(branch, dict):
                    yield from _walk(branch.get("actions"), f"{here}.branches[{b}].actions")
            yield from _walk(step.get("else"), f"{here}.else")
        elif kind == "parallel":
            for b, lane in enumerate(step.get("branches") or []):
                if isinstance(lane, dict):
                    yield from _walk(lane.get("actions"), f"{here}.branches[{b}].actions")
                else:
                    yield from _walk(lane, f"{here}.branches[{b}]")
        elif kind == "approval":
            yield from _walk(step.get("on_reject"), f"{here}.on_reject")
        elif kind not in ("delay", "stop"):
            yield here, step


def _trigger_records(trigger_type: str, trigger_config: dict[str, Any]) -> tuple[str, ...]:
    """Return the record types a run of this trigger can start on."""
    if trigger_type in ANY_RECORD_TRIGGERS:
        return tuple(RELATED)
    kind = entity_type_for(trigger_type, trigger_config)
    return (kind,) if kind else ()


def _targets(config: dict[str, Any], records: tuple[str, ...]) -> list[str]:
    """Return the record types a step can act on (recipients.target_entity)."""
    entity = config.get("entity")
    if entity is None:
        return list(records)
    reachable = list(dict.fromkeys(r for kind in records for r in RELATED.get(kind, ())))
    if is_template(entity):
        return reachable
    return [str(entity).lower()] if str(entity).lower() in reachable else []


def _text(value: Any) -> str | None:
    """Return a literal value as a stored lower-case code; None: templated; "": impossible."""
    if is_template(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip().lower()


def _updated(kind: str, keys: frozenset[str] | None) -> list[Emission]:
    """Return the updated event of a record type (records.emit_update_events), if it has one."""
    return [Emission(UPDATED_EVENTS[kind], kind, keys)] if kind in UPDATED_EVENTS else []


def _update_field(kind: str, field: Any, value: Any) -> list[Emission]:
    """Return what update_field emits (crm.update_entity_fields -> emit_update_events)."""
    if not isinstance(field, str):
        return []
    keys: frozenset[str] | None = None
    if not is_template(field):
        try:
            validate_update_field(kind, field)
        except DomainError:
            return []  # unknown field (or activity): the step fails, nothing is emitted
        keys = frozenset({field})
        if field == "custom_fields":  # changes name each custom key (crm.service._apply)
            named = isinstance(value, dict)
            keys = frozenset([CUSTOM_FIELDS_PREFIX + k for k in value] if named else [ANY_CUSTOM])
            if not keys:
                return []  # an empty patch changes nothing
    out = _updated(kind, keys)
    if kind == "deal" and (keys is None or "stage" in keys):
        stage = _text(value)
        if stage != "":
            out.append(Emission("deal_stage_changed", kind, keys, stage))
        elif keys is not None:
            return []  # an invalid literal stage fails the whole step
    done = _text(value) in (None, TaskStatus.DONE.value)
    if kind == "task" and (keys is None or "status" in keys) and done:
        out.append(Emission("task_completed", kind, keys))
    return out


def _emissions(step: dict[str, Any], records: tuple[str, ...]) -> list[Emission]:
    """Return every event one action step can emit."""
    kind = str(step.get("type", "")).lower()
    config: dict[str, Any] = step.get("config") or {}
    out: list[Emission] = []
    for target in _targets(config, records):
        if kind == "update_field":
            out += _update_field(target, config.get("field"), config.get("value"))
        elif kind == "assign_user":
            out += _updated(target, frozenset({"assignee_id" if target == "task" else "owner_id"}))
        elif kind in ("add_tag", "remove_tag") and target in TAGGABLE_TYPES:
            out += _updated(target, frozenset({"tags"}))
    return out  # create_task inserts an open task; send_* store rows: no event


def _effects(definition: dict[str, Any]) -> list[Effect]:
    """Return (path, action type, emission) for every action step of a definition."""
    trigger = str(definition.get("trigger_type", ""))
    records = _trigger_records(trigger, definition.get("trigger_config") or {})
    return [
        (path, str(step.get("type", "")).lower(), emission)
        for path, step in _walk(definition.get("actions"), "actions")
        for emission in _emissions(step, records)
    ]


def emitted_triggers(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (step path, trigger type) for every trigger an action step can fire."""
    return list(dict.fromkeys((path, e.trigger) for path, _, e in _effects(definition)))


def _options(value: Any) -> set[str] | None:
    """Return a stage filter as a lower-case set (None: any)."""
    if value is None:
        return None
    return {str(v).lower() for v in ([value] if isinstance(value, str) else value)}


def fires(emission: Emission, trigger_type: str, config: dict[str, Any]) -> bool:
    """Tell whether an emitted event can match a workflow trigger (triggers.event_matches)."""
    if emission.trigger != trigger_type:
        return False
    fields = config.get("fields")
    if trigger_type in ("organisation_updated", "deal_updated") and fields:
        keys = emission.keys
        return keys is None or any(
            f in keys or (ANY_CUSTOM in keys and f.startswith(CUSTOM_FIELDS_PREFIX)) for f in fields
        )
    if trigger_type == "deal_stage_changed" and emission.stage is not None:
        wanted = _options(config.get("to_stage", config.get("to")))
        before = _options(config.get("from_stage", config.get("from")))
        if wanted is not None and emission.stage not in wanted:
            return False
        return before is None or bool(before - {emission.stage})  # old stage must differ
    return True


def _first_hit(effects: list[Effect], definition: dict[str, Any]) -> Effect | None:
    """Return the first effect that fires a definition's trigger."""
    trigger = str(definition.get("trigger_type", ""))
    config = definition.get("trigger_config") or {}
    return next((e for e in effects if fires(e[2], trigger, config)), None)


def _label(effect: Effect) -> str:
    """Describe an effect: `actions[1] (update_field on organisation)`."""
    return f"{effect[0]} ({effect[1]} on {effect[2].entity})"


def _path_back(edges: list[list[tuple[int, Effect]]], first: int, hit: Effect) -> list[Hop]:
    """Return the shortest hops this -> first -> ... -> this (breadth first), or []."""
    parents: dict[int, tuple[int, Effect]] = {first: (0, hit)}
    queue = deque([first])
    while queue:
        node = queue.popleft()
        back = next((h for j, h in edges[node] if j == 0), None)
        if back is not None:
            hops = [(node, 0, back)]
            while node != 0:
                prev, step = parents[node]
                hops.insert(0, (prev, node, step))
                node = prev
            return hops
        for nxt, step in edges[node]:
            if nxt != 0 and nxt not in parents:
                parents[nxt] = (node, step)
                queue.append(nxt)
    return []


def loop_warnings(definition: dict[str, Any], others: Sequence[Other] = ()) -> list[str]:
    """Warn about self re-triggering and about loops through the company's other workflows."""
    own = str(definition.get("trigger_type", ""))
    warnings = [
        f"{_label(e)} fires {own}, this workflow's own trigger: it may re-trigger itself; "
        f"{GUARD_NOTE}"
        for e in _effects(definition)
        if fires(e[2], own, definition.get("trigger_config") or {})
    ]
    ordered = sorted(others, key=lambda o: o[0])
    nodes = [definition] + [o[2] for o in ordered]
    names = ["this workflow"] + [f'workflow {i} "{n}"' for i, n, _ in ordered]
    effects = [_effects(d) for d in nodes]
    edges = [
        [(j, hit) for j, node in enumerate(nodes) if j != i and (hit := _first_hit(mine, node))]
        for i, mine in enumerate(effects)
    ]
    for first, hit in edges[0]:
        hops = _path_back(edges, first, hit)
        if hops:
            cycle = " -> ".join([names[0]] + [names[b] for _, b, _ in hops])
            detail = "; ".join(
                f"{names[a]}'s {_label(h)} fires {h[2].trigger} (trigger of {names[b]})"
                for a, b, h in hops
            )
            warnings.append(
                f"loop {cycle}: {detail}; these workflows may trigger each other in a loop; "
                f"{GUARD_NOTE}"
            )
    return list(dict.fromkeys(warnings))
