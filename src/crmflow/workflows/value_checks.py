"""Condition fields and values a company's records never have: `négociation` for `negotiation`.

A workflow that compares `deal.stage` with a value no deal has ever had never fires, silently.
The values the company's records actually use are the reference (categorical columns only: a
column with more distinct values than `MAX_CATEGORIES` is free text and is not checked).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Session

from crmflow.engine.context import MODELS
from crmflow.workflows.step_tree import json_path, walk_steps

MAX_CATEGORIES = 50
# Roots of a run's data besides the records, and each record's people and relations.
ENGINE_ROOTS = frozenset({"trigger", "steps", "now", "workflow", "execution", "secrets"})
RELATIONS = frozenset({"owner", "assignee", "user", "manager", "organisation", "contact", "deal"})
_VALUE_OPERATORS = frozenset({"==", "!=", "in", "not_in", "changed_to", "changed_from"})


@dataclass(frozen=True)
class FieldIssue:
    """A condition's field or value that no record has, where it is, and what was meant."""

    path: str
    code: str
    message: str


def condition_rules(tree: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every rule of a canonical condition tree with the definition path it sits at."""
    if not isinstance(tree, dict):
        return []
    if "field" in tree:
        return [(path, tree)]
    return [r for child in tree.get("rules") or [] for r in condition_rules(child, path)]


def definition_rules(definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every rule of a definition: its conditions, each `when` and each branch guard."""
    out = condition_rules(definition.get("conditions"), "conditions")
    for at, step in walk_steps(definition.get("actions")):
        here = json_path(at)
        out.extend(condition_rules(step.get("when"), f"{here}.when"))
        for b_index, branch in enumerate(step.get("branches") or []):
            if isinstance(branch, dict):
                out.extend(condition_rules(branch.get("when"), f"{here}.branches[{b_index}].when"))
    return out


class RecordValues:
    """The distinct values of a company's categorical columns, queried once each."""

    def __init__(self, session: Session, company_id: int) -> None:
        self._session = session
        self._company_id = company_id
        self._cache: dict[tuple[str, str], list[str] | None] = {}

    def values(self, entity: str, column: str) -> list[str] | None:
        """The values records use (None: not a categorical text column, or no records)."""
        key = (entity, column)
        if key not in self._cache:
            self._cache[key] = self._load(entity, column)
        return self._cache[key]

    def _load(self, entity: str, column: str) -> list[str] | None:
        model = MODELS[entity]
        col = model.__table__.c.get(column)
        if col is None or not isinstance(col.type, String):
            return None
        rows = self._session.scalars(
            select(col)
            .distinct()
            .where(model.__table__.c.company_id == self._company_id, col.is_not(None))
            .limit(MAX_CATEGORIES + 1)
        ).all()
        if not rows or len(rows) > MAX_CATEGORIES:
            return None
        return sorted(str(v) for v in rows)


def _columns(entity: str) -> set[str]:
    return set(MODELS[entity].__table__.c.keys())


def field_issue(field: str, path: str, entity: str | None) -> FieldIssue | None:
    """A field no run's data has: an unknown root, or a record column that does not exist."""
    root, _, rest = field.partition(".")
    if root in ENGINE_ROOTS:
        return None
    if root not in MODELS:
        hint = ""
        if entity is not None and root in _columns(entity):
            hint = f"; did you mean {entity}.{field}?"
        return FieldIssue(path, "unknown_field", f"{field} is not in a run's data{hint}")
    column = rest.split(".", 1)[0]
    if column and column not in _columns(root) and column not in RELATIONS:
        close = difflib.get_close_matches(column, sorted(_columns(root)), n=1)
        hint = f"; did you mean {root}.{close[0]}?" if close else ""
        return FieldIssue(path, "unknown_field", f"{root} has no field {column!r}{hint}")
    return None


def value_issue(
    field: str, value: Any, path: str, records: RecordValues, entity: str | None
) -> FieldIssue | None:
    """A compared value no record of the company has."""
    root, _, column = field.partition(".")
    if root not in MODELS and entity is not None and "." not in field:
        root, column = entity, field  # a `changed` rule may name the bare field
    if root not in MODELS or not column or "." in column:
        return None
    known = records.values(root, column)
    wanted = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    if known is None or not wanted:
        return None
    lowered = {k.casefold() for k in known}
    for item in wanted:
        if item.casefold() in lowered:
            continue
        close = difflib.get_close_matches(item, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return FieldIssue(
            path,
            "unknown_value",
            f"no {root} has {column} {item!r} (they have: {', '.join(known)}){hint}",
        )
    return None


def check_fields_and_values(
    session: Session, company_id: int, definition: dict[str, Any], entity: str | None
) -> list[FieldIssue]:
    """Every unknown field and unknown value in a definition's conditions and trigger filter."""
    records = RecordValues(session, company_id)
    issues: list[FieldIssue] = []
    for path, rule in definition_rules(definition):
        field = str(rule.get("field"))
        issue = field_issue(field, path, entity)
        if issue is None and rule.get("operator") in _VALUE_OPERATORS:
            issue = value_issue(field, rule.get("value"), path, records, entity)
        if issue is not None:
            issues.append(issue)
    config = definition.get("trigger_config") or {}
    if definition.get("trigger_type") == "deal_stage_changed":
        for key, label in (("from_stage", "from"), ("to_stage", "to")):
            stage = config.get(key)
            if stage is not None:
                issue = value_issue("deal.stage", stage, f"trigger_config.{label}", records, None)
                if issue is not None:
                    issues.append(issue)
    return issues
