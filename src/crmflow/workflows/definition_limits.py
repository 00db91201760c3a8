"""Size limits of a workflow definition: steps at every level and bytes of JSON."""

from __future__ import annotations

import json
from typing import Any

from crmflow.config import get_settings
from crmflow.engine.errors import DefinitionError

# Keys under which a step holds further steps (branches, else, parallel lanes, rejection path).
_NESTED_STEP_KEYS = ("actions", "else", "branches", "on_reject")


def count_steps(steps: Any) -> int:
    """Count the steps of a raw step list, nested ones included (without recursion)."""
    count = 0
    pending = [steps]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            count += "type" in node
            pending.extend(node[key] for key in _NESTED_STEP_KEYS if key in node)
    return count


def check_definition_limits(raw: dict[str, Any]) -> None:
    """Refuse a definition over CRMFLOW_MAX_STEPS steps or CRMFLOW_MAX_DEFINITION_BYTES bytes."""
    settings = get_settings()
    size = len(json.dumps(raw, default=str).encode())
    if size > settings.max_definition_bytes:
        raise DefinitionError(
            f"the definition is {size} bytes of JSON; at most {settings.max_definition_bytes} "
            "are allowed (CRMFLOW_MAX_DEFINITION_BYTES)",
            "actions",
        )
    steps = count_steps(raw.get("actions") or [])
    if steps > settings.max_steps_per_definition:
        raise DefinitionError(
            f"{steps} steps; a workflow may have at most {settings.max_steps_per_definition} "
            "steps at all levels (CRMFLOW_MAX_STEPS)",
            "actions",
        )
