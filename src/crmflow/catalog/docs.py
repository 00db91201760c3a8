"""Render docs/actions.md from the catalog: `python -m crmflow.catalog.docs > docs/actions.md`."""

from __future__ import annotations

import json
import sys
from typing import Any

from crmflow.catalog.schemas import LATENCY_CLASSES, LATENCY_MEANING
from crmflow.catalog.service import builtin_entry
from crmflow.engine.plugins import OWN_DISTRIBUTION, action_origin, all_actions

HEADER = """# Actions

<!-- Generated from the action catalog by `python -m crmflow.catalog.docs > docs/actions.md`.
     Do not edit by hand: tests/catalog/test_docs.py fails when this file drifts. -->

Every built-in action a workflow step can run, with the catalog's metadata. The same data, with
run statistics of your company's steps, is served by `GET /api/v1/workflow/action-catalog`
(and `GET /api/v1/workflow/action-catalog/{action_type}`), where companies also register custom
actions: webhooks with a fixed URL and their own input schema. Actions of installed plugins
([plugins.md](plugins.md)) are listed by the catalog too, not here.

- **Idempotent**: running the step again with the same idempotency key (a retried batch, a
  replayed step) changes nothing more.
- **Dry run**: the action only writes inside the run's transaction (or an outbox row), so a
  simulation can run it and roll back without a trace.
- **Input**: the step's `config`; any string value may be a template (`{{ organisation.name }}`),
  rendered when the step runs. **Output**: the step's output, readable by later steps as
  `{{ steps.<id>.output.<field> }}`.
"""


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target: dict[str, Any] = root.get("$defs", {}).get(ref.split("/")[-1], {})
        return target
    return schema


def type_of(schema: dict[str, Any], root: dict[str, Any]) -> str:
    """A short human type for a JSON Schema (`integer or null`, `list of string`, ...)."""
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        return " or ".join(type_of(option, root) for option in schema["anyOf"])
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(value)}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    kind = schema.get("type")
    if kind == "array":
        if "prefixItems" in schema:
            return "[" + ", ".join(type_of(i, root) for i in schema["prefixItems"]) + "]"
        items = schema.get("items")
        if not isinstance(items, dict):
            return "list"
        inner = type_of(items, root)
        return f"list of ({inner})" if " or " in inner else f"list of {inner}"
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict):
            return f"object of {type_of(values, root)}"
        return "object"
    if kind == "string" and "format" in schema:
        return f"string ({schema['format']})"
    if isinstance(kind, str):
        return kind
    return "any"


def fields_table(schema: dict[str, Any], *, with_defaults: bool) -> list[str]:
    """Markdown table rows of an object schema's properties."""
    properties: dict[str, Any] = schema.get("properties") or {}
    if not properties:
        return ["_Not documented._"]
    required = set(schema.get("required") or [])
    if with_defaults:
        lines = ["| Field | Type | Required | Default | Description |", "|---|---|---|---|---|"]
    else:
        lines = ["| Field | Type | Always | Description |", "|---|---|---|---|"]
    for name, prop in properties.items():
        kind = type_of(prop, schema)
        needed = "yes" if name in required else "no"
        description = _cell(prop.get("description", ""))
        if with_defaults:
            default = f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
            lines.append(f"| `{name}` | {kind} | {needed} | {default} | {description} |")
        else:
            lines.append(f"| `{name}` | {kind} | {needed} | {description} |")
    return lines


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# The catalog speaks to people building workflows; integrators reading this reference also need
# the protocol-level facts the plain descriptions leave out.
FOR_INTEGRATORS: dict[str, str] = {
    "call_webhook": (
        "Requests are signed; every try carries the same `Idempotency-Key` header (the output's "
        "`idempotency_key`); 5xx, 429 and timeouts are retried up to `max_attempts` (default 5). "
        "`url` is http(s); private, loopback and link-local targets need the allow-list. `headers` "
        "values are strings, and credentials such as `Authorization` are masked wherever the step "
        "is shown: write them as `{{ secrets.NAME }}`. `json` sets "
        "`Content-Type: application/json`."
    ),
    "create_activity": (
        "Moves the record's `last_activity_at` and records an `activity_logged` event, exactly "
        "like `POST /activities`. `occurred_at` takes ISO 8601 or a relative time (`-1 hour`), "
        "default now; the output gives it in ISO 8601, UTC."
    ),
    "create_deal": (
        "Records `deal_created`, exactly like `POST /deals`. `close_date` takes ISO 8601 or a "
        "relative time (`+30 days`)."
    ),
    "create_task": (
        "`due_date` takes ISO 8601 or a relative time (`+3 days`, `tomorrow`); null: no due date; "
        "the output gives it in ISO 8601, UTC. `assignee`: a user id, an email, `owner`, "
        "`manager`, `title:x` or `role:x`, or a list of them; the first match wins."
    ),
    "assign_user": (
        "`user`: a user id, an email, `owner`, `manager`, `title:x` or `role:x`, or a list of "
        "them; the first match wins."
    ),
    "send_email": "`sent_at` is ISO 8601, UTC.",
}


def action_section(entry: dict[str, Any]) -> list[str]:
    """The markdown section of one action."""
    step = {"type": entry["action_type"], "config": entry["example"]}
    example = ["```json", json.dumps(step, indent=2, ensure_ascii=False), "```"]
    if not entry["example"]:
        example = ["_No example yet._"]
    return [
        f"## `{entry['action_type']}`: {entry['name']}",
        "",
        entry["description"],
        "",
        *(
            [f"**For integrators:** {FOR_INTEGRATORS[entry['action_type']]}", ""]
            if entry["action_type"] in FOR_INTEGRATORS
            else []
        ),
        "| Idempotent | Latency | Side effects | Dry run |",
        "|---|---|---|---|",
        f"| {_yes(entry['is_idempotent'])} | {entry['latency_class']} | "
        f"{', '.join(entry['side_effects']) or 'none'} | {_yes(entry['supports_dry_run'])} |",
        "",
        "### Input",
        "",
        *fields_table(entry["input_schema"], with_defaults=True),
        "",
        "### Output",
        "",
        *fields_table(entry["output_schema"], with_defaults=False),
        "",
        "### Example step",
        "",
        *example,
        "",
    ]


def render() -> str:
    """The whole of docs/actions.md."""
    # crmflow's own actions only: a plugin installed where the doc is generated stays out of it.
    own = [a for a in all_actions() if action_origin(a.type) == OWN_DISTRIBUTION]
    entries = [builtin_entry(action) for action in own]
    lines = [HEADER, "## Latency classes", "", "| Class | One step takes |", "|---|---|"]
    lines += [f"| {name} | {LATENCY_MEANING[name]} |" for name in LATENCY_CLASSES]
    lines += [
        "",
        "## Summary",
        "",
        "| Action | Name | Idempotent | Latency | Side effects | Dry run |",
        "|---|---|---|---|---|---|",
    ]
    for entry in entries:
        lines.append(
            f"| [`{entry['action_type']}`](#{entry['action_type']}-"
            f"{entry['name'].lower().replace(' ', '-')}) | {entry['name']} | "
            f"{_yes(entry['is_idempotent'])} | {entry['latency_class']} | "
            f"{', '.join(entry['side_effects']) or 'none'} | {_yes(entry['supports_dry_run'])} |"
        )
    lines.append("")
    for entry in entries:
        lines += action_section(entry)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    """Print the document."""
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
