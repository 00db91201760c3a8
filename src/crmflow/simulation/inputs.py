"""The data a simulated run sees: a record made up from `input_data`, or a real one (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crmflow.common.errors import Invalid
from crmflow.engine.context import MODELS, ContextLoader
from crmflow.vault.service import SecretsView

# Keys of a run's data that an input may not overwrite (the engine fills them).
RESERVED = frozenset({"trigger", "steps", "secrets", "now", "workflow", "execution"})
# Triggers whose events carry field changes; changes nobody gave are assumed from the input.
UPDATE_TRIGGERS = ("organisation_updated", "deal_updated")


@dataclass
class SimulationInput:
    """What a simulated run starts from."""

    input_data: dict[str, Any] = field(default_factory=dict)
    entity_type: str | None = None
    entity_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunData:
    """The run's data, the record it is about, and the changes the trigger carried."""

    data: dict[str, Any]
    entity_type: str | None
    entity_id: int | None
    changes: dict[str, Any]
    payload: dict[str, Any]
    assumed: list[str] = field(default_factory=list)


def set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `a.b.c` in nested dicts, creating the dicts on the way."""
    parts = dotted.split(".")
    node = target
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def _record(
    loader: ContextLoader, company_id: int, user_id: int | None, given: SimulationInput
) -> dict[str, Any]:
    if given.entity_id is None:
        # A made-up record is owned by whoever simulates: `owner` and `manager` resolve.
        return {"id": None, "owner_id": user_id}
    kind = (given.entity_type or "").lower()
    if kind not in MODELS:
        raise Invalid(
            f"entity_type: unknown record type {kind!r} (expected one of: {', '.join(MODELS)})",
            field="entity_type",
        )
    found = loader.entity(company_id, kind, given.entity_id)
    if found is None:
        raise Invalid(f"entity_id: no {kind} {given.entity_id} in this company", field="entity_id")
    return found


def build_run_data(
    loader: ContextLoader,
    *,
    company_id: int,
    user_id: int | None,
    trigger_type: str,
    trigger_entity: str | None,
    given: SimulationInput,
    now: datetime,
    secret_key: str | None,
) -> RunData:
    """Lay the input over the record (made up or read) and build what conditions see."""
    entity_type = (given.entity_type or "").lower() or trigger_entity
    flat = {k: v for k, v in given.input_data.items() if "." not in k and k not in RESERVED}
    dotted = {k: v for k, v in given.input_data.items() if "." in k}
    payload = dict(given.payload)
    record: dict[str, Any] | None = None
    if entity_type is not None:
        record = {**_record(loader, company_id, user_id, given), **flat}
    else:
        payload.update(flat)  # no record (webhook, schedule, manual): the flat form is the payload
    changes = dict(given.changes)
    assumed: list[str] = []
    if record is not None and not changes:
        if trigger_type == "deal_stage_changed" and record.get("stage") is not None:
            changes = {"stage": [None, record["stage"]]}
            assumed.append(f"the stage changed to {record['stage']!r} (from unknown)")
        elif trigger_type in UPDATE_TRIGGERS and flat:
            changes = {k: [None, v] for k, v in flat.items()}
            assumed.append(f"these fields changed: {', '.join(sorted(flat))}")
    data: dict[str, Any] = {
        "trigger": {
            "type": trigger_type,
            "entity_type": entity_type,
            "entity_id": given.entity_id,
            "event_id": None,
            "changes": changes,
            "data": payload,
            "headers": {},
            "query": {},
        },
        "steps": {},
        "secrets": SecretsView(loader.conn, company_id, secret_key),
    }
    if entity_type is not None and record is not None:
        loader.attach(data, company_id, entity_type, record)
    for key, value in dotted.items():
        root = key.split(".", 1)[0]
        if root in RESERVED and root != "trigger":
            continue
        set_path(data, key, value)
    data["now"] = now
    return RunData(data, entity_type, given.entity_id, changes, payload, assumed)
