"""A blueprint's typed inputs: their schema, what a new version may change, filling them in.

Inputs are a JSON Schema object (`{"type": "object", "properties": {...}, "required": [...]}`);
the seed's list form (`[{"name": ..., "type": ..., "required": true}]`) is accepted and turned
into it. Steps use an input as `{{ inputs.NAME }}`, replaced when the blueprint is instantiated:
a string that is only the placeholder takes the input's typed value (a number stays a number).
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from crmflow.common.errors import Invalid
from crmflow.common.json_leaves import string_leaves

INPUT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_INPUTS = 50
TYPES = ("string", "number", "integer", "boolean", "array")
# What the UI draws for an input (`x-widget`); without one it follows the type.
WIDGETS = (
    "text",
    "textarea",
    "number",
    "amount",
    "percent",
    "duration",
    "boolean",
    "select",
    "email",
    "user",
    "title",
    "tag",
    "stage",
    "record:organisation",
    "record:contact",
    "record:deal",
)
PROPERTY_KEYS = {
    "type",
    "title",
    "description",
    "default",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "items",
    "minItems",
    "maxItems",
    "x-widget",
}
PLACEHOLDER = re.compile(r"\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}")
_ONLY_PLACEHOLDER = re.compile(r"^\s*\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}\s*$")
_TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#")


def normalise_variables(raw: Any) -> dict[str, Any]:
    """The inputs as a checked JSON Schema object; 422 naming `variables...` when wrong."""
    if raw in (None, [], {}):
        return {"type": "object", "properties": {}, "required": []}
    if isinstance(raw, list):
        raw = _from_list(raw)
    if not isinstance(raw, dict):
        raise Invalid(
            "variables: expected a JSON Schema object or a list of inputs", field="variables"
        )
    unknown = set(raw) - {"type", "properties", "required", "title", "description"}
    if unknown or raw.get("type", "object") != "object":
        raise Invalid(
            "variables: a JSON Schema with type object, properties and required "
            f"(unexpected: {', '.join(sorted(unknown)) or raw.get('type')})",
            field="variables",
        )
    properties = raw.get("properties") or {}
    if not isinstance(properties, dict) or len(properties) > MAX_INPUTS:
        raise Invalid(
            f"variables.properties: an object of at most {MAX_INPUTS} inputs",
            field="variables.properties",
        )
    for name, spec in properties.items():
        _check_property(name, spec)
    required = raw.get("required") or []
    if not isinstance(required, list) or any(r not in properties for r in required):
        raise Invalid(
            "variables.required: names of declared inputs only", field="variables.required"
        )
    schema = {
        "type": "object",
        "properties": deepcopy(properties),
        # Sorted: JSON object keys have no order a file or PostgreSQL's JSONB keeps.
        "required": sorted(set(required)),
    }
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = ".".join(str(p) for p in exc.absolute_path)
        raise Invalid(f"variables.{where}: {exc.message}", field=f"variables.{where}") from None
    for name, spec in properties.items():
        if "default" in spec:
            _check_value(schema, name, spec["default"], f"variables.properties.{name}.default")
    return schema


def _from_list(items: list[Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise Invalid(f"variables[{index}]: an object with a name", field=f"variables.{index}")
        spec = {k: v for k, v in item.items() if k not in ("name", "required")}
        spec.setdefault("type", "string")
        properties[item["name"]] = spec
        if item.get("required"):
            required.append(item["name"])
    return {"type": "object", "properties": properties, "required": required}


def _check_property(name: str, spec: Any) -> None:
    where = f"variables.properties.{name}"
    if not INPUT_NAME.match(str(name)):
        raise Invalid(f"{where}: an input name is lower case letters, digits and _", field=where)
    if not isinstance(spec, dict):
        raise Invalid(f"{where}: expected an object", field=where)
    unknown = set(spec) - PROPERTY_KEYS
    if unknown:
        raise Invalid(f"{where}: unknown keys {', '.join(sorted(unknown))}", field=where)
    if spec.get("type") not in TYPES:
        raise Invalid(f"{where}.type: one of {', '.join(TYPES)}", field=f"{where}.type")
    if "x-widget" in spec and spec["x-widget"] not in WIDGETS:
        raise Invalid(f"{where}.x-widget: one of {', '.join(WIDGETS)}", field=f"{where}.x-widget")


def _check_value(schema: dict[str, Any], name: str, value: Any, where: str) -> None:
    errors = list(Draft202012Validator(schema["properties"][name]).iter_errors(value))
    if errors:
        raise Invalid(f"{where}: {errors[0].message}", field=where)


# --- what a new version may change ------------------------------------------------------------

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in `new` refuses an instantiation `old` accepted: removed or tightened inputs."""
    reasons: list[str] = []
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
    for name, before in old_props.items():
        after = new_props.get(name)
        if after is None:
            reasons.append(f"input {name!r} was removed")
            continue
        reasons += [f"input {name!r}: {r}" for r in _tightened(before, after)]
        if name in new_required and name not in old_required and "default" not in after:
            reasons.append(f"input {name!r} is now required")
    for name in new_props.keys() - old_props.keys():
        if name in new_required and "default" not in new_props[name]:
            reasons.append(f"new input {name!r} is required and has no default")
    return reasons


def _tightened(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out: list[str] = []
    was, now = before.get("type"), after.get("type")
    if was != now and not (was == "integer" and now == "number"):
        out.append(f"type changed from {was} to {now}")
    if "enum" in after and set(map(repr, before.get("enum") or [])) - set(map(repr, after["enum"])):
        lost = [v for v in before.get("enum") or [] if v not in after["enum"]]
        out.append(
            f"choices removed: {', '.join(map(str, lost))}" if lost else "choices now limited"
        )
    elif "enum" in after and "enum" not in before:
        out.append("choices now limited")
    for key in _LOWER_BOUNDS:
        if key in after and (key not in before or after[key] > before[key]):
            out.append(f"{key} raised to {after[key]}")
    for key in _UPPER_BOUNDS:
        if key in after and (key not in before or after[key] < before[key]):
            out.append(f"{key} lowered to {after[key]}")
    if after.get("pattern") and after.get("pattern") != before.get("pattern"):
        out.append("pattern added or changed")
    return out


# --- filling the inputs in --------------------------------------------------------------------


def resolve_inputs(schema: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The inputs to instantiate with: given values checked, defaults filled; 422 on `inputs.X`."""
    properties = schema.get("properties") or {}
    unknown = sorted(set(given) - set(properties))
    if unknown:
        known = ", ".join(properties) or "none"
        raise Invalid(
            f"inputs.{unknown[0]}: no such input (inputs: {known})", field=f"inputs.{unknown[0]}"
        )
    values = {
        name: deepcopy(spec["default"]) for name, spec in properties.items() if "default" in spec
    }
    values.update(given)
    for name in schema.get("required") or []:
        if values.get(name) in (None, ""):
            raise Invalid(f"inputs.{name}: required", field=f"inputs.{name}")
    for name, value in values.items():
        _check_value(schema, name, value, f"inputs.{name}")
        if isinstance(value, str) and _TEMPLATE_SYNTAX.search(value):
            raise Invalid(
                f"inputs.{name}: template syntax ({{{{, {{%) is not allowed in an input; "
                "edit the workflow after creating it instead",
                field=f"inputs.{name}",
            )
    return values


def sample_inputs(schema: dict[str, Any]) -> dict[str, Any]:
    """Plausible values for every input (defaults first), to check a blueprint's steps at save."""
    out: dict[str, Any] = {}
    for name, spec in (schema.get("properties") or {}).items():
        if "default" in spec:
            out[name] = spec["default"]
        elif spec.get("enum"):
            out[name] = spec["enum"][0]
        else:
            low = spec.get("minimum", spec.get("exclusiveMinimum", 0))
            out[name] = {
                "number": max(low, 1),
                "integer": max(int(low), 1),
                "boolean": True,
                "array": [],
            }.get(spec["type"], "sample")
    return out


def used_inputs(value: Any) -> set[str]:
    """Every input name a value's strings refer to as `{{ inputs.NAME }}`."""
    return {name for _, text in string_leaves(value) for name in PLACEHOLDER.findall(text)}


def fill_inputs(value: Any, inputs: dict[str, Any]) -> Any:
    """A copy of `value` with every `{{ inputs.NAME }}` replaced (typed when it is alone)."""
    if isinstance(value, str):
        alone = _ONLY_PLACEHOLDER.match(value)
        if alone:
            return deepcopy(inputs.get(alone.group(1)))
        return PLACEHOLDER.sub(lambda m: _text(inputs.get(m.group(1))), value)
    if isinstance(value, dict):
        return {k: fill_inputs(v, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_inputs(v, inputs) for v in value]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
