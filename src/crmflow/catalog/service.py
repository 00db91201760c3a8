"""The action catalog: built-ins materialised from the registry, custom webhook entries as rows."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing.exceptions import Unresolvable
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.catalog.models import ActionCatalogEntry
from crmflow.catalog.schemas import CatalogEntryCreate, CatalogEntryUpdate
from crmflow.catalog.stats import action_stats
from crmflow.common.errors import Conflict, Forbidden, Invalid, NotFound
from crmflow.common.i18n import DEFAULT_LANGUAGE
from crmflow.common.i18n_editor import translate, translate_schema
from crmflow.common.pagination import PageParams, make_page
from crmflow.common.schema_titles import SentenceCaseTitles
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import Action, all_actions, get_action
from crmflow.engine.templating import has_template
from crmflow.outbound.ssrf import Refused, parse_target

MASK = "********"
SECRET_HEADER = re.compile(r"auth|cookie|token|secret|key|signature|password|session", re.I)
MAX_SCHEMA_BYTES = 64_000
# Errors about an object's keys or an array's length: a template inside cannot excuse them.
STRUCTURAL = frozenset(
    {
        "required",
        "additionalProperties",
        "unevaluatedProperties",
        "propertyNames",
        "dependentRequired",
        "minProperties",
        "maxProperties",
        "minItems",
        "maxItems",
    }
)


# --- schemas of built-in actions ----------------------------------------------------------------


@cache
def _input_schema(action_type: str) -> dict[str, Any]:
    action = get_action(action_type)
    assert action is not None
    schema = action.config_model.model_json_schema(schema_generator=SentenceCaseTitles)
    for name, prop in schema.get("properties", {}).items():
        if "description" not in prop and name in action.field_docs:
            prop["description"] = action.field_docs[name]
    return schema


@cache
def _output_schema(action_type: str) -> dict[str, Any]:
    action = get_action(action_type)
    assert action is not None
    if action.output_model is None:
        return {"type": "object", "description": "not documented yet"}
    return action.output_model.model_json_schema(schema_generator=SentenceCaseTitles)


def input_schema(action: Action) -> dict[str, Any]:
    """The JSON Schema of an action's config (its config model, with field descriptions)."""
    return copy.deepcopy(_input_schema(action.type))


def output_schema(action: Action) -> dict[str, Any]:
    """The JSON Schema of what an action's execute() returns (its output model)."""
    return copy.deepcopy(_output_schema(action.type))


def builtin_entry(action: Action, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Materialise a built-in action's catalog entry (without statistics), its texts in `language`.

    Only what people read changes language (name, description, the schemas' titles and
    descriptions); a custom entry's texts are its author's and are never translated.
    """
    return {
        "id": None,
        "name": translate(language, action.name),
        "action_type": action.type,
        "description": translate(language, action.description),
        "is_builtin": True,
        "is_idempotent": action.is_idempotent,
        "latency_class": action.latency_class,
        "side_effects": list(action.side_effects),
        "supports_dry_run": action.supports_dry_run,
        "input_schema": translate_schema(language, input_schema(action)),
        "output_schema": translate_schema(language, output_schema(action)),
        "example": copy.deepcopy(action.example) or None,
        "config": None,
    }


def _masked(config: dict[str, Any]) -> dict[str, Any]:
    headers = {
        name: MASK if SECRET_HEADER.search(name) else value
        for name, value in (config.get("headers") or {}).items()
    }
    return {**config, "headers": headers}


def custom_entry(row: ActionCatalogEntry) -> dict[str, Any]:
    """A custom entry's body (secret-looking header values masked), without statistics."""
    return {
        "id": row.id,
        "name": row.name,
        "action_type": row.action_type,
        "description": row.description,
        "is_builtin": False,
        "is_idempotent": row.is_idempotent,
        "latency_class": row.latency_class,
        "side_effects": list(row.side_effects or []),
        "supports_dry_run": row.supports_dry_run,
        "input_schema": row.input_schema,
        "output_schema": row.output_schema,
        "example": None,
        "config": _masked(row.config or {}),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


# --- reading --------------------------------------------------------------------------------------


def get_custom_entry(
    session: Session, company_id: int, action_type: str
) -> ActionCatalogEntry | None:
    """Return the company's custom entry of this step type, or None."""
    return session.scalar(
        select(ActionCatalogEntry).where(
            ActionCatalogEntry.company_id == company_id,
            ActionCatalogEntry.action_type == action_type,
        )
    )


def _matches(entry: dict[str, Any], search: str | None, latency_class: str | None) -> bool:
    if latency_class is not None and entry["latency_class"] != latency_class:
        return False
    if not search:
        return True
    text = " ".join(
        [entry["action_type"], entry["name"], entry["description"], *entry["side_effects"]]
    )
    return search.strip().lower() in text.lower()


def list_entries(
    session: Session,
    *,
    company_id: int,
    params: PageParams,
    kind: str | None = None,
    latency_class: str | None = None,
    search: str | None = None,
    days: int,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """One page of the catalog (built-ins first, then custom entries; each by type)."""
    entries: list[dict[str, Any]] = []
    if kind in (None, "builtin"):
        entries += [builtin_entry(action, language) for action in all_actions()]
    if kind in (None, "custom"):
        rows = session.scalars(
            select(ActionCatalogEntry)
            .where(ActionCatalogEntry.company_id == company_id)
            .order_by(ActionCatalogEntry.action_type)
        )
        builtins = {action.type for action in all_actions()}
        entries += [custom_entry(row) for row in rows if row.action_type not in builtins]
    found = [entry for entry in entries if _matches(entry, search, latency_class)]
    start = (params.page - 1) * params.size
    page = found[start : start + params.size]
    stats = action_stats(
        session,
        company_id=company_id,
        action_types=[entry["action_type"] for entry in page],
        days=days,
    )
    items = [{**entry, **stats[entry["action_type"]]} for entry in page]
    return make_page(items, len(found), params)


def get_entry(
    session: Session,
    *,
    company_id: int,
    action_type: str,
    days: int,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """One catalog entry with its statistics; 404 when the type is not in the catalog."""
    action = get_action(action_type)
    if action is not None:
        entry = builtin_entry(action, language)
    else:
        row = get_custom_entry(session, company_id, action_type)
        if row is None:
            raise NotFound(f"action type {action_type!r} is not in the catalog")
        entry = custom_entry(row)
    stats = action_stats(session, company_id=company_id, action_types=[action_type], days=days)
    return {**entry, **stats[action_type]}


# --- custom entries -------------------------------------------------------------------------------


def _local_refs_only(schema: Any, field: str) -> None:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("$ref", "$dynamicRef") and not (
                isinstance(value, str) and value.startswith("#")
            ):
                raise Invalid(
                    f"{field}: only local references ($ref: '#/...') are allowed, got {value!r}",
                    field=field,
                )
            _local_refs_only(value, field)
    elif isinstance(schema, list):
        for item in schema:
            _local_refs_only(item, field)


def check_json_schema(schema: dict[str, Any], field: str) -> None:
    """Refuse (422 naming the field) a value that is not a valid JSON Schema (2020-12)."""
    if len(json.dumps(schema)) > MAX_SCHEMA_BYTES:
        raise Invalid(f"{field}: larger than {MAX_SCHEMA_BYTES} bytes", field=field)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        at = f" (at {where})" if where else ""
        raise Invalid(
            f"{field}: not a valid JSON Schema: {exc.message[:300]}{at}", field=field
        ) from None
    _local_refs_only(schema, field)
    if field == "input_schema" and schema.get("type") != "object":
        raise Invalid(
            'input_schema: a step config is a JSON object: the schema needs "type": "object"',
            field=field,
        )


def _check_action_type(action_type: str) -> None:
    if get_action(action_type) is not None:
        raise Conflict(
            f"action_type: {action_type!r} is a built-in action (built-ins are read-only); "
            "choose another type for a custom action",
            field="action_type",
        )
    if action_type in CONTROL_STEP_TYPES:
        raise Conflict(
            f"action_type: {action_type!r} is a control step type; choose another type",
            field="action_type",
        )


def _check_url(url: str) -> None:
    try:
        parse_target(url)
    except Refused as exc:
        message = str(exc).removeprefix("refused: ")
        raise Invalid(f"config.url: {message}", field="config.url") from None


def _stored_config(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """The config to store: a header sent back masked keeps its stored value."""
    old_headers = (old or {}).get("headers") or {}
    headers = {
        name: old_headers[name] if value == MASK and name in old_headers else value
        for name, value in new["headers"].items()
    }
    return {**new, "headers": headers}


def create_entry(session: Session, *, principal: Principal, body: CatalogEntryCreate) -> int:
    """Create a custom entry (committed); return its id."""
    _check_action_type(body.action_type)
    if get_custom_entry(session, principal.company_id, body.action_type) is not None:
        raise Conflict(
            f"action_type: a custom action {body.action_type!r} already exists",
            field="action_type",
        )
    check_json_schema(body.input_schema, "input_schema")
    check_json_schema(body.output_schema, "output_schema")
    _check_url(body.config.url)
    row = ActionCatalogEntry(
        company_id=principal.company_id,
        **body.model_dump(exclude={"config"}),
        config=_stored_config(body.config.model_dump(), None),
    )
    session.add(row)
    session.commit()
    return row.id


def _editable(session: Session, company_id: int, action_type: str) -> ActionCatalogEntry:
    if get_action(action_type) is not None:
        raise Forbidden(
            f"{action_type!r} is a built-in action: its catalog entry comes from the code and "
            "is read-only"
        )
    row = get_custom_entry(session, company_id, action_type)
    if row is None:
        raise NotFound(f"action type {action_type!r} is not in the catalog")
    return row


def update_entry(
    session: Session, *, principal: Principal, action_type: str, body: CatalogEntryUpdate
) -> None:
    """Change a custom entry (committed); built-ins are read-only (403)."""
    row = _editable(session, principal.company_id, action_type)
    values = body.model_dump(exclude_unset=True)
    for field in ("input_schema", "output_schema"):
        if values.get(field) is not None:
            check_json_schema(values[field], field)
    if body.config is not None:
        _check_url(body.config.url)
        row.config = _stored_config(body.config.model_dump(), row.config)
    values.pop("config", None)
    for field, value in values.items():
        if value is None:
            raise Invalid(f"{field}: may not be null", field=field)
        setattr(row, field, value)
    session.commit()


def delete_entry(session: Session, *, principal: Principal, action_type: str) -> None:
    """Delete a custom entry (committed); built-ins are read-only (403)."""
    session.delete(_editable(session, principal.company_id, action_type))
    session.commit()


# --- save-time validation of step configs ---------------------------------------------------------


def _has_template(value: Any) -> bool:
    if isinstance(value, str):
        return has_template(value)
    if isinstance(value, dict):
        return any(_has_template(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_template(v) for v in value)
    return False


def _excused(error: ValidationError) -> bool:
    """A value error about a template (or about something holding one) is judged at run time."""
    return error.validator not in STRUCTURAL and _has_template(error.instance)


def _where(path: str, error: ValidationError) -> tuple[str, str]:
    """Return (message, JSON path of the offending value) for an error."""
    where = path + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    )
    instance, schema = error.instance, error.schema
    if error.validator == "required" and isinstance(instance, dict):
        names = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in names if name not in instance]
        if missing:
            return "field required", f"{where}.{missing[0]}"
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = set(schema.get("properties") or {}) if isinstance(schema, dict) else set()
        patterns = list(schema.get("patternProperties") or {}) if isinstance(schema, dict) else []
        extra = [
            name
            for name in instance
            if name not in known and not any(re.search(p, name) for p in patterns)
        ]
        if extra:
            return "unknown field", f"{where}.{extra[0]}"
    return error.message[:300], where


def validate_step_config(
    action_type: str, config: Any, path: str, *, schema: dict[str, Any] | None = None
) -> None:
    """Check a step config against its JSON Schema; raise DefinitionError naming the bad value.

    `schema` is the custom entry's `input_schema` (from get_custom_entry); by default, the
    built-in action's. Values that are templates (and the objects holding them) are skipped:
    they are only known at run time. `path` is the config's path, e.g. `actions[2].config`.
    """
    if schema is None:
        action = get_action(action_type)
        if action is None:
            raise DefinitionError(f"unknown action type {action_type!r}", path)
        schema = _input_schema(action_type)
    try:
        errors = [e for e in Draft202012Validator(schema).iter_errors(config) if not _excused(e)]
    except Unresolvable as exc:
        raise DefinitionError(
            f"the input schema of {action_type!r} is broken: {exc}", path
        ) from None
    error = best_match(errors)
    if error is not None:
        message, where = _where(path, error)
        raise DefinitionError(message, where)
