"""Updatable fields of CRM records: specs, coercion and JSON conversion (REST and workflows)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from crmflow.common.dates import parse_datetime
from crmflow.common.errors import Invalid
from crmflow.crm.schemas import EMAIL_PATTERN, RecordType, TaskPriority, TaskStatus

FieldKind = Literal["string", "number", "date", "enum", "user", "reference", "list", "json"]

CUSTOM_FIELDS_PREFIX = "custom_fields."
CUSTOM_FIELD_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]{0,63}$")
MAX_CUSTOM_FIELDS_BYTES = 32_000
_EMAIL = re.compile(EMAIL_PATTERN)


@dataclass(frozen=True)
class FieldSpec:
    """What one updatable field accepts."""

    name: str
    kind: FieldKind
    nullable: bool = True
    enum_values: tuple[str, ...] = ()
    max_length: int | None = None
    min_length: int = 0
    minimum: float | None = None
    maximum: float | None = None
    # For kind "reference": the entity type referenced (None: given by `related_type`).
    references: str | None = None
    # Codes such as stages and categories are stored lower case so conditions match reliably.
    lowercase: bool = False
    email: bool = False

    def describe(self) -> dict[str, Any]:
        """Return a JSON-able description (for editors and the action catalog)."""
        body: dict[str, Any] = {"name": self.name, "kind": self.kind, "nullable": self.nullable}
        if self.enum_values:
            body["enum"] = list(self.enum_values)
        if self.references:
            body["references"] = self.references
        for key in ("max_length", "minimum", "maximum"):
            if getattr(self, key) is not None:
                body[key] = getattr(self, key)
        return body


def _tags() -> FieldSpec:
    return FieldSpec("tags", "list", nullable=False)


def _custom_fields() -> FieldSpec:
    return FieldSpec("custom_fields", "json", nullable=False)


def _owner() -> FieldSpec:
    return FieldSpec("owner_id", "user")


ENTITY_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "organisation": {
        spec.name: spec
        for spec in (
            FieldSpec("name", "string", nullable=False, min_length=1, max_length=300),
            FieldSpec("category", "string", max_length=100, lowercase=True),
            FieldSpec("pipeline_stage", "string", max_length=100, lowercase=True),
            FieldSpec("potential_amount", "number", minimum=0),
            FieldSpec("email", "string", max_length=320, email=True),
            _owner(),
            _tags(),
            _custom_fields(),
        )
    },
    "contact": {
        spec.name: spec
        for spec in (
            FieldSpec("first_name", "string", nullable=False, max_length=200),
            FieldSpec("last_name", "string", nullable=False, max_length=200),
            FieldSpec("email", "string", max_length=320, email=True),
            FieldSpec("phone", "string", max_length=50),
            FieldSpec("job_title", "string", max_length=200),
            FieldSpec("organisation_id", "reference", references="organisation"),
            _owner(),
            _tags(),
            _custom_fields(),
        )
    },
    "deal": {
        spec.name: spec
        for spec in (
            FieldSpec("title", "string", nullable=False, min_length=1, max_length=300),
            FieldSpec("amount", "number", minimum=0),
            FieldSpec("discount_percent", "number", minimum=0, maximum=100),
            FieldSpec(
                "stage", "string", nullable=False, min_length=1, max_length=100, lowercase=True
            ),
            FieldSpec("close_date", "date"),
            FieldSpec("organisation_id", "reference", references="organisation"),
            FieldSpec("contact_id", "reference", references="contact"),
            _owner(),
            _tags(),
            _custom_fields(),
        )
    },
    "task": {
        spec.name: spec
        for spec in (
            FieldSpec("title", "string", nullable=False, min_length=1, max_length=500),
            FieldSpec("description", "string", nullable=False, max_length=20_000),
            FieldSpec("due_date", "date"),
            FieldSpec("assignee_id", "user"),
            FieldSpec(
                "status", "enum", nullable=False, enum_values=tuple(s.value for s in TaskStatus)
            ),
            FieldSpec(
                "priority", "enum", nullable=False, enum_values=tuple(p.value for p in TaskPriority)
            ),
            FieldSpec("related_type", "enum", enum_values=tuple(r.value for r in RecordType)),
            FieldSpec("related_id", "reference"),
        )
    },
}


def _expected_fields(entity_type: str) -> str:
    names = list(ENTITY_FIELDS[entity_type])
    if "custom_fields" in ENTITY_FIELDS[entity_type]:
        names.append("custom_fields.<key>")
    return ", ".join(names)


def validate_update_field(entity_type: str, field: str) -> FieldSpec:
    """Return the spec of an updatable field, or raise Invalid naming the allowed ones."""
    specs = ENTITY_FIELDS.get(entity_type)
    if specs is None:
        raise Invalid(
            f"entity_type: unknown entity type {entity_type!r} "
            f"(expected one of {', '.join(ENTITY_FIELDS)})",
            field="entity_type",
        )
    if field in specs:
        return specs[field]
    if field.startswith(CUSTOM_FIELDS_PREFIX) and "custom_fields" in specs:
        key = field[len(CUSTOM_FIELDS_PREFIX) :]
        if not CUSTOM_FIELD_KEY.match(key):
            raise Invalid(
                f"field: invalid custom field key {key!r} (letters, digits, _ and -, at most 64)",
                field="field",
            )
        return FieldSpec(field, "json")
    raise Invalid(
        f"field: unknown field {field!r} for {entity_type} "
        f"(expected one of {_expected_fields(entity_type)})",
        field="field",
    )


def json_value(value: Any) -> Any:
    """Convert a value to plain JSON types (datetimes as ISO 8601 UTC with a Z)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    return value


def normalise_tag(value: Any) -> str:
    """Return a tag name stripped and lower case, or raise ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"a tag must be a string, got {type(value).__name__}")
    name = value.strip().lower()
    if not name or len(name) > 100:
        raise ValueError(f"a tag must have 1 to 100 characters, got {value!r}")
    return name


def normalise_tags(value: Any) -> list[str]:
    """Return tag names normalised and de-duplicated (a comma-separated string is accepted)."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError(f"expected a list of tags, got {type(value).__name__}")
    names: list[str] = []
    for item in items:
        if isinstance(value, str) and not item.strip():
            continue
        name = normalise_tag(item)
        if name not in names:
            names.append(name)
    return names


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(re.sub(r"\s", "", value))
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def _string(spec: FieldSpec, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    text = str(value).strip()
    if spec.lowercase:
        text = text.lower()
    if not text and spec.nullable:
        return None
    if len(text) < spec.min_length:
        raise ValueError("must not be empty")
    if spec.max_length is not None and len(text) > spec.max_length:
        raise ValueError(f"at most {spec.max_length} characters, got {len(text)}")
    if spec.email and not _EMAIL.match(text):
        raise ValueError(f"not an email address: {text!r}")
    return text


def _identifier(value: Any) -> int | str:
    if isinstance(value, bool):
        raise ValueError("expected an id, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"expected an id, got {value!r}")


def _user_reference(value: Any) -> int | str:
    # Workflows may name a user by email (e.g. "{{ organisation.owner.manager.email }}").
    if isinstance(value, str) and "@" in value:
        return value.strip().lower()
    return _identifier(value)


def _json_document(value: Any) -> Any:
    try:
        encoded = json.dumps(json_value(value), allow_nan=False)
    except (TypeError, ValueError):
        raise ValueError(f"not a JSON value: {value!r}") from None
    if len(encoded) > MAX_CUSTOM_FIELDS_BYTES:
        raise ValueError(
            f"value too large ({len(encoded)} bytes, at most {MAX_CUSTOM_FIELDS_BYTES})"
        )
    return json.loads(encoded)


def _json_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, got {type(value).__name__}")
    for key in value:
        if not isinstance(key, str) or not CUSTOM_FIELD_KEY.match(key):
            raise ValueError(f"invalid key {key!r} (letters, digits, _ and -, at most 64)")
    document: dict[str, Any] = _json_document(value)
    return document


def coerce_value(spec: FieldSpec, value: Any) -> Any:
    """Validate and convert a raw value for a field (no database look-ups), or raise Invalid."""
    if value is None:
        if spec.nullable:
            return None
        raise Invalid(f"{spec.name}: may not be null", field=spec.name)
    try:
        return _coerce(spec, value)
    except ValueError as exc:
        raise Invalid(f"{spec.name}: {exc}", field=spec.name) from None


def _coerce(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "string":
        return _string(spec, value)
    if spec.kind == "number":
        number = _number(value)
        if spec.minimum is not None and number < spec.minimum:
            raise ValueError(f"must be >= {spec.minimum:g}, got {number:g}")
        if spec.maximum is not None and number > spec.maximum:
            raise ValueError(f"must be <= {spec.maximum:g}, got {number:g}")
        return number
    if spec.kind == "date":
        return parse_datetime(value)
    if spec.kind == "enum":
        text = str(value.value if isinstance(value, Enum) else value).strip().lower()
        if text not in spec.enum_values:
            raise ValueError(f"expected one of {', '.join(spec.enum_values)}, got {value!r}")
        return text
    if spec.kind == "user":
        return _user_reference(value)
    if spec.kind == "reference":
        return _identifier(value)
    if spec.kind == "list":
        return normalise_tags(value)
    if spec.kind == "json" and spec.name == "custom_fields":
        return _json_object(value)
    return _json_document(value)
