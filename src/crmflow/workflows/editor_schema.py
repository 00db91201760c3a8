"""Describe triggers, readable fields, operators and control steps for a workflow editor.

Everything is derived from the code that enforces it (trigger config models, record tables,
the context loader, the condition operators, the step models) so the editor cannot drift from
what a save accepts and what a run sees.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from sqlalchemy import Column, Table

from crmflow.common.enums import Role, TriggerType
from crmflow.common.i18n import DEFAULT_LANGUAGE
from crmflow.common.i18n_editor import translate_texts
from crmflow.crm.fields import ENTITY_FIELDS
from crmflow.crm.schemas import ActivityKind, RecordType
from crmflow.db.base import UTCDateTime
from crmflow.engine.compare import OPERATORS, ORDERING_OPERATORS, UNARY_OPERATORS
from crmflow.engine.context import HIDDEN_COLUMNS, MODELS, TABLES, USER_FIELDS, USERS
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.workflows.schemas import EditorSchema, FieldType
from crmflow.workflows.triggers import CONFIG_MODELS, TRIGGER_ENTITY, InactivityConfig

# Editor wording; every TriggerType must have an entry (checked by the tests).
TRIGGER_DESCRIPTIONS: dict[str, str] = {
    "organisation_created": "An organisation is created.",
    "organisation_updated": "An organisation is updated (optionally only some fields).",
    "deal_created": "A deal is created.",
    "deal_updated": "A deal is updated (optionally only some fields).",
    "deal_stage_changed": "A deal moves from one pipeline stage to another.",
    "task_completed": "A task is marked as completed.",
    "activity_logged": "A call, meeting, email or note is logged.",
    "inactivity_delay": "A record has had no activity for a number of days.",
    "scheduled": "On a schedule: daily, weekly, monthly or a cron expression.",
    "webhook_received": "Another system sends data to the workflow's own web address.",
    "manual": "Someone runs the workflow by hand.",
}
OPERATOR_LABELS: dict[str, str] = {
    "==": "equals",
    "!=": "does not equal",
    ">": "is greater than",
    "<": "is less than",
    ">=": "is at least",
    "<=": "is at most",
    "contains": "contains",
    "not_contains": "does not contain",
    "in": "is one of",
    "not_in": "is not one of",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "is_empty": "is empty",
    "is_not_empty": "is not empty",
    "between": "is between",
    "changed": "changed",
    "changed_to": "changed to",
    "changed_from": "changed from",
}
# What each control step does, for people (the step models' docstrings are for developers).
STEP_DESCRIPTIONS: dict[str, str] = {
    "branch": "Runs the first path whose conditions are met, otherwise the fallback path.",
    "parallel": "Runs several paths side by side; the workflow goes on once all have finished.",
    "delay": "Waits for a while, or until a date, before the next step.",
    "approval": "Asks people to approve before going on; a rejection runs the rejection steps, "
    "if any, and ends the run as rejected.",
    "stop": "Ends the run here.",
}
STEP_LABELS: dict[str, str] = {
    "branch": "Branch (if / else)",
    "parallel": "Parallel paths",
    "delay": "Delay",
    "approval": "Approval",
    "stop": "Stop",
}
# The keys of the schema whose values people read (types, paths and options stay as they are).
EDITOR_TEXT_KEYS = frozenset({"label", "description", "group"})
_SCALAR: list[FieldType] = ["string", "number", "date", "datetime", "boolean", "enum"]
_ORDERED: list[FieldType] = ["number", "date", "datetime", "string"]
_TEXT: list[FieldType] = ["string", "enum"]
_ANY: list[FieldType] = [*_SCALAR, "list", "json", "user", "reference"]
_OPERATOR_TYPES: dict[str, list[FieldType]] = {
    "==": [*_SCALAR, "user", "reference"],
    "!=": [*_SCALAR, "user", "reference"],
    "contains": ["string", "list"],
    "not_contains": ["string", "list"],
    "in": [*_SCALAR, "list", "user", "reference"],
    "not_in": [*_SCALAR, "list", "user", "reference"],
    "starts_with": _TEXT,
    "ends_with": _TEXT,
    "between": ["number", "date", "datetime"],
}
# Columns whose values come from an enum that the table itself does not declare.
_COLUMN_OPTIONS: dict[tuple[str, str], list[str]] = {
    ("user", "role"): [r.value for r in Role],
    ("activity", "entity_type"): [r.value for r in RecordType],
    ("activity", "kind"): [k.value for k in ActivityKind],
}
# What the run's `trigger` holds (ContextLoader.build); the tests compare the keys.
TRIGGER_FIELDS: tuple[tuple[str, FieldType, str], ...] = (
    ("type", "enum", "Trigger type"),
    ("entity_type", "string", "Record type"),
    ("entity_id", "number", "Record ID"),
    ("event_id", "number", "Event ID"),
    ("changes", "json", "Changed fields (old and new values)"),
    ("changes.stage", "list", "Stage change (old and new stage)"),
    ("data", "json", "Data received"),
    ("headers", "json", "Headers received"),
    ("query", "json", "Web address parameters received"),
)


def humanise(name: str) -> str:
    """Turn a field path such as `owner.manager.email` into `Owner manager email`."""
    words = " ".join(part.replace("_", " ") for part in name.split("."))
    return words[:1].upper() + words[1:]


def _union_members(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, UnionType):
        return [arg for arg in get_args(annotation) if arg is not NoneType]
    return [annotation]


def annotation_type(annotation: Any) -> tuple[FieldType, list[str] | None]:
    """Return the editor type (and options) of a config field's annotation (first member wins)."""
    first = _union_members(annotation)[0]
    if get_origin(first) is Literal:
        return "enum", [str(value) for value in get_args(first)]
    if isinstance(first, type) and issubclass(first, Enum):
        return "enum", [str(member.value) for member in first]
    if get_origin(first) in (list, tuple, set) or first in (list, tuple, set):
        return "list", None
    return _python_type(first), None


def _python_type(python_type: Any) -> FieldType:
    """Map a plain Python type to the editor's type (anything else is JSON)."""
    if python_type is bool:
        return "boolean"
    if python_type in (int, float):
        return "number"
    if python_type is str:
        return "string"
    return "json"


def widget_of(extra: Any) -> str | None:
    """Return a field's `x-widget` hint (json_schema_extra), if any."""
    widget = extra.get("x-widget") if isinstance(extra, dict) else None
    return widget if isinstance(widget, str) else None


def config_fields(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Describe a trigger config model's fields (canonical names, as stored)."""
    fields = []
    for name, info in model.model_fields.items():
        kind, options = annotation_type(info.annotation)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        fields.append(
            {
                "name": name,
                "label": humanise(name),
                "type": kind,
                "required": info.is_required(),
                "options": options,
                "default": default,
                "description": info.description or "",
                "widget": widget_of(info.json_schema_extra),
            }
        )
    return fields


def _column_type(owner: str, column: Column[Any]) -> tuple[FieldType, list[str] | None]:
    spec = ENTITY_FIELDS.get(owner, {}).get(column.key)
    if spec is not None:
        return spec.kind, list(spec.enum_values) or None
    if (owner, column.key) in _COLUMN_OPTIONS:
        return "enum", _COLUMN_OPTIONS[(owner, column.key)]
    targets = {fk.column.table.name for fk in column.foreign_keys}
    if targets:
        return ("user" if USERS.name in targets else "reference"), None
    if isinstance(column.type, UTCDateTime):
        return "datetime", None
    if column.default is not None and column.default.is_callable:
        # JSON columns: lists (tags, titles) default to list, documents to dict.
        sample = column.default.arg(None)  # type: ignore[attr-defined]
        if isinstance(sample, list):
            return "list", None
        if isinstance(sample, dict):
            return "json", None
    return _python_type(column.type.python_type), None


def _user_columns() -> list[Column[Any]]:
    return [USERS.c[name] for name in USER_FIELDS]


def field_label(name: str) -> str:
    """Label a column for people: `owner_id` reads `Owner`, `close_date` `Close date`."""
    return humanise(name.removesuffix("_id") if name.endswith("_id") and name != "_id" else name)


def _people(kind: str, table: Table) -> list[dict[str, Any]]:
    """Describe the users a record points to, as loaded with it (owner and their manager...).

    A person's `id` is left out: it is the record's own `owner_id` (or the person's
    `manager_id`), listed once where it is stored.
    """
    fields: list[dict[str, Any]] = []
    for column in table.columns:
        if USERS.name not in {fk.column.table.name for fk in column.foreign_keys}:
            continue
        person = column.key.removesuffix("_id")
        groups = {
            person: f"{humanise(kind)} {person.replace('_', ' ')}",
            f"{person}.manager": f"{humanise(kind)} {person.replace('_', ' ')}'s manager",
        }
        for prefix, group in groups.items():
            for user_column in _user_columns():
                if user_column.key == "id":
                    continue
                kind_, options = _column_type("user", user_column)
                fields.append(
                    {
                        "path": f"{kind}.{prefix}.{user_column.key}",
                        "label": field_label(user_column.key),
                        "type": kind_,
                        "options": options,
                        "group": group,
                    }
                )
    return fields


def entity_fields(kind: str) -> list[dict[str, Any]]:
    """Describe every field a run can read on a record of `kind` (columns, then people)."""
    table = TABLES[kind]
    fields = []
    for column in table.columns:
        if column.key in HIDDEN_COLUMNS:
            continue
        field_type, options = _column_type(kind, column)
        fields.append(
            {
                "path": f"{kind}.{column.key}",
                "label": field_label(column.key),
                "type": field_type,
                "options": options,
                "group": humanise(kind),
            }
        )
    return fields + _people(kind, table)


def context_entities(kind: str | None) -> list[str]:
    """Return the records ContextLoader.build may load for a trigger record of `kind`."""
    if kind is None:
        return []
    if kind in ("task", "activity"):
        # The record they are about, and that record's organisation.
        related = [r.value for r in RecordType]
    elif kind == "deal":
        related = ["organisation", "contact"]
    elif kind == "contact":
        related = ["organisation"]
    else:
        related = []
    return [kind, *(r for r in related if r != kind)]


def trigger_entities(trigger_type: str) -> list[str]:
    """Return the records a run of this trigger type may see (any config)."""
    if trigger_type == "inactivity_delay":
        # The watched record type is part of the config: offer what any choice loads.
        kinds = annotation_type(InactivityConfig.model_fields["entity_type"].annotation)[1] or []
    elif trigger_type == "manual":
        # A manual run may be given a record of any type (or none).
        kinds = list(MODELS)
    else:
        kind = TRIGGER_ENTITY[trigger_type]
        kinds = [kind] if kind else []
    out: list[str] = []
    for kind_ in kinds:
        out += [k for k in context_entities(kind_) if k not in out]
    return out


def operators() -> list[dict[str, Any]]:
    """Describe the condition operators in the engine's order."""
    out = []
    for op in OPERATORS:
        if op in UNARY_OPERATORS:
            arity = 0
        elif op == "between":
            arity = 2
        else:
            arity = 1
        if op in ORDERING_OPERATORS:
            types = _ORDERED
        elif op.startswith("changed") or op in ("is_empty", "is_not_empty"):
            types = _ANY
        else:
            types = _OPERATOR_TYPES[op]
        out.append(
            {
                "value": op,
                "label": OPERATOR_LABELS[op],
                "types": types,
                "arity": arity,
                "multiple": op in ("in", "not_in"),
            }
        )
    return out


def step_types() -> list[dict[str, Any]]:
    """Describe the control steps in the engine's order."""
    return [
        {"type": kind, "label": STEP_LABELS[kind], "description": STEP_DESCRIPTIONS[kind]}
        for kind in CONTROL_STEP_TYPES
    ]


@cache
def editor_schema(language: str = DEFAULT_LANGUAGE) -> EditorSchema:
    """The editor schema with its labels and descriptions in `language` (built once for each)."""
    if language != DEFAULT_LANGUAGE:
        english = editor_schema().model_dump(mode="json")
        return EditorSchema.model_validate(translate_texts(language, english, EDITOR_TEXT_KEYS))
    return _english_schema()


def _english_schema() -> EditorSchema:
    """Build the editor schema in English, the language of the code."""
    triggers = [
        {
            "type": trigger.value,
            "label": humanise(trigger.value),
            "description": TRIGGER_DESCRIPTIONS[trigger.value],
            "entity_type": TRIGGER_ENTITY[trigger.value],
            "config_fields": config_fields(CONFIG_MODELS[trigger.value]),
        }
        for trigger in TriggerType
    ]
    return EditorSchema.model_validate(
        {
            "triggers": triggers,
            "entities": {kind: entity_fields(kind) for kind in TABLES},
            "trigger_entities": {t.value: trigger_entities(t.value) for t in TriggerType},
            "trigger_fields": [
                {
                    "path": f"trigger.{name}",
                    "label": label,
                    "type": kind,
                    "options": [t.value for t in TriggerType] if name == "type" else None,
                    "group": "Trigger",
                }
                for name, kind, label in TRIGGER_FIELDS
            ],
            "operators": operators(),
            "step_types": step_types(),
        }
    )
