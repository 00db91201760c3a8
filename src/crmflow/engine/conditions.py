"""The condition language: normalise (save time), compile once, evaluate and explain many times.

Canonical form (JSON-able): a group `{"operator": "AND"|"OR"|"NOT", "rules": [node, ...]}` (NOT
takes exactly one rule) or a rule `{"field": "deal.amount", "operator": ">", "value": 50000}`
(`is_empty`, `is_not_empty` and `changed` rules have no `value`). The root is always a group.
`normalise_conditions` also accepts operator aliases (`eq`, `gte`, `=`...), any case for group
operators and the Mongo-style shorthand (`{"deal.amount": {"$gt": 10000}}`, `$and/$or/$not/$nor`,
`$in/$nin/$exists/$between`...). `None`, `{}`, `[]` and an empty root group mean "no conditions",
which always match; an empty nested group is a definition error.

Semantics:
- Fields are dotted paths through nested dicts (a digit segment indexes a list). A missing key or
  a None on the way resolves to None; resolution never raises.
- Values compare as described in `crmflow.engine.compare`: numbers numerically (numeric
  strings coerced), ISO dates as aware UTC datetimes; a comparison with None or between
  incomparable types is False except for the negative operators (`!=`, `not_in`,
  `not_contains`), and `is_empty` is True for None, "", [] and {}.
- `changed`, `changed_to`, `changed_from` read `context["trigger"]["changes"]`, a dict
  `{name: [old, new]}` (or `{"old": .., "new": ..}`) keyed by the full field path or, failing
  that, its last component (`deal.stage` -> `stage`). `changed` means old and new really differ;
  `changed_to`/`changed_from` also compare new/old with the value (null allowed, meaning cleared).
- Evaluation never raises: a value that cannot be compared simply does not match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crmflow.engine.compare import (
    OPERATORS,
    ORDERING_OPERATORS,
    UNARY_OPERATORS,
    format_value,
    is_number,
    is_orderable,
    jsonable,
    make_test,
    same,
)
from crmflow.engine.errors import DefinitionError

__all__ = [
    "OPERATORS",
    "CompiledCondition",
    "Decision",
    "compile_conditions",
    "normalise_conditions",
]

_GROUP_OPERATORS = ("AND", "OR", "NOT")
_NULLABLE = frozenset({"changed_to", "changed_from"})
_ALIASES: dict[str, str] = {
    **{op: op for op in OPERATORS},
    "=": "==", "eq": "==", "equals": "==", "ne": "!=", "neq": "!=", "<>": "!=",
    "not_equals": "!=", "gt": ">", "gte": ">=", "ge": ">=", "lt": "<", "lte": "<=", "le": "<=",
    "nin": "not_in", "startswith": "starts_with", "endswith": "ends_with",
    "empty": "is_empty", "not_empty": "is_not_empty",
}  # fmt: skip
# Mongo-style operators of the shorthand; `$exists`, `$changed` and `$not` are handled apart.
_MONGO: dict[str, str] = {
    "$eq": "==", "$ne": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<=",
    "$in": "in", "$nin": "not_in", "$contains": "contains", "$not_contains": "not_contains",
    "$starts_with": "starts_with", "$startswith": "starts_with", "$ends_with": "ends_with",
    "$endswith": "ends_with", "$between": "between", "$changed_to": "changed_to",
    "$changed_from": "changed_from",
}  # fmt: skip
_MONGO_SPECIAL = ("$exists", "$changed", "$not")
_ALIASES.update(_MONGO)
_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")
_RULE_KEYS = frozenset({"field", "operator", "value", "id"})
_GROUP_KEYS = frozenset({"operator", "rules", "id"})


# --------------------------------------------------------------------------- normalisation


def normalise_conditions(raw: Any, path: str = "conditions") -> dict[str, Any] | None:
    """Return the canonical condition tree for `raw` (None for no conditions)."""
    if raw is None or (isinstance(raw, dict | list) and not raw):
        return None
    node: dict[str, Any] | None
    if isinstance(raw, list):
        node = _group("AND", [_node(r, f"{path}[{i}]") for i, r in enumerate(raw)], path)
    elif isinstance(raw, dict) and _is_group(raw):
        node = _canonical_group(raw, path, root=True)
    else:
        node = _node(raw, path)
    if node is None:
        return None
    if "field" in node:
        return {"operator": "AND", "rules": [node]}
    return node


def _is_canonical(raw: dict[Any, Any]) -> bool:
    if any(isinstance(k, str) and k.startswith("$") for k in raw):
        return False
    return "rules" in raw or "field" in raw or "operator" in raw


def _is_group(raw: dict[Any, Any]) -> bool:
    if not _is_canonical(raw) or "field" in raw:
        return False
    operator = raw.get("operator")
    return "rules" in raw or (isinstance(operator, str) and operator.upper() in _GROUP_OPERATORS)


def _node(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DefinitionError(f"expected a condition object, got {_type_name(raw)}", path)
    if not raw:
        raise DefinitionError("empty condition", path)
    if not _is_canonical(raw):
        return _shorthand(raw, path)
    if _is_group(raw):
        group = _canonical_group(raw, path, root=False)
        assert group is not None  # non-root groups are never empty (checked inside)
        return group
    return _canonical_rule(raw, path)


def _group(operator: str, rules: list[dict[str, Any]], path: str) -> dict[str, Any]:
    if operator == "NOT" and len(rules) != 1:
        raise DefinitionError(f"NOT takes exactly one rule (got {len(rules)})", f"{path}.rules")
    return {"operator": operator, "rules": rules}


def _canonical_group(raw: dict[str, Any], path: str, *, root: bool) -> dict[str, Any] | None:
    for key in raw:
        if key not in _GROUP_KEYS:
            raise DefinitionError(
                "unexpected key in a group (expected operator and rules)", f"{path}.{key}"
            )
    operator = raw.get("operator", "AND")
    if not isinstance(operator, str) or operator.upper() not in _GROUP_OPERATORS:
        raise DefinitionError(
            f"unknown group operator {operator!r} (expected AND, OR or NOT)", f"{path}.operator"
        )
    rules = raw.get("rules", [])
    if not isinstance(rules, list):
        raise DefinitionError(f"expected a list of rules, got {_type_name(rules)}", f"{path}.rules")
    if not rules and operator.upper() != "NOT":
        if root:
            return None
        raise DefinitionError("a group needs at least one rule", f"{path}.rules")
    children = [_node(rule, f"{path}.rules[{i}]") for i, rule in enumerate(rules)]
    return _group(operator.upper(), children, path)


def _canonical_rule(raw: dict[str, Any], path: str) -> dict[str, Any]:
    for key in raw:
        if key not in _RULE_KEYS:
            raise DefinitionError(
                "unexpected key in a rule (expected field, operator and value)", f"{path}.{key}"
            )
    field = _check_field(raw.get("field"), f"{path}.field")
    if "operator" not in raw:
        raise DefinitionError("missing operator", f"{path}.operator")
    operator = _canonical_operator(raw["operator"], f"{path}.operator")
    return _rule(field, operator, raw.get("value"), "value" in raw, f"{path}.value")


def _canonical_operator(raw: Any, path: str) -> str:
    key = "_".join(raw.strip().lower().replace("-", " ").split()) if isinstance(raw, str) else ""
    operator = _ALIASES.get(key)
    if operator is None:
        raise DefinitionError(
            f"unknown operator {raw!r} (expected one of {', '.join(OPERATORS)})", path
        )
    return operator


def _check_field(raw: Any, path: str) -> str:
    if raw is None:
        raise DefinitionError("missing field name", path)
    if not isinstance(raw, str):
        raise DefinitionError(f"field must be a string, got {_type_name(raw)}", path)
    field = raw.strip()
    if not field:
        raise DefinitionError("field name must not be empty", path)
    if not _FIELD_RE.fullmatch(field):
        raise DefinitionError(
            f"invalid field path {field!r} (expected dotted names such as 'deal.amount')", path
        )
    return field


def _rule(field: str, operator: str, value: Any, has_value: bool, path: str) -> dict[str, Any]:
    """Build a canonical rule, checking that `value` suits `operator`."""
    if operator in UNARY_OPERATORS:
        return {"field": field, "operator": operator}
    if not has_value:
        raise DefinitionError(f"a value is required for operator {operator!r}", path)
    if value is None and operator not in _NULLABLE:
        raise DefinitionError(
            f"value must not be null for {operator!r} (use is_empty or is_not_empty)", path
        )
    if operator in ("in", "not_in"):
        if not isinstance(value, list | tuple):
            raise DefinitionError(f"{operator!r} expects a list, got {_type_name(value)}", path)
        value = list(value)
    elif operator == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise DefinitionError("'between' expects a list of two bounds [low, high]", path)
        value = list(value)
        for bound in value:
            if not is_orderable(bound):
                raise DefinitionError(
                    f"'between' bounds must be numbers, strings or dates, got {bound!r}", path
                )
        low, high = value
        if is_number(low) and is_number(high) and low > high:
            raise DefinitionError(f"'between' low bound {low!r} is above high bound {high!r}", path)
    elif operator in ORDERING_OPERATORS:
        if not is_orderable(value):
            raise DefinitionError(
                f"{operator!r} expects a number, string or date, got {_type_name(value)}", path
            )
    elif operator in ("contains", "not_contains", "starts_with", "ends_with") and (
        not isinstance(value, str | int | float | Decimal) or isinstance(value, bool)
    ):
        raise DefinitionError(
            f"{operator!r} expects a string or number, got {_type_name(value)}", path
        )
    return {"field": field, "operator": operator, "value": value}


def _shorthand(raw: dict[Any, Any], path: str) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    for key, value in raw.items():
        if not isinstance(key, str):
            raise DefinitionError(f"keys must be strings, got {key!r}", path)
        key_path = f"{path}.{key}"
        lowered = key.lower()
        if lowered in ("$and", "$or", "$nor"):
            if not isinstance(value, list) or not value:
                raise DefinitionError(f"{key} expects a non-empty list of conditions", key_path)
            children = [_node(item, f"{key_path}[{i}]") for i, item in enumerate(value)]
            if lowered == "$nor":
                parts.append(_group("NOT", [_group("OR", children, key_path)], key_path))
            else:
                parts.append(_group(lowered[1:].upper(), children, key_path))
        elif lowered == "$not":
            inner = value[0] if isinstance(value, list) and len(value) == 1 else value
            parts.append(_group("NOT", [_node(inner, key_path)], key_path))
        elif key.startswith("$"):
            raise DefinitionError(
                f"unknown operator {key!r} (expected $and, $or, $not, $nor or a field name)",
                key_path,
            )
        else:
            field = _check_field(key, key_path)
            parts.extend(_field_shorthand(field, value, key_path))
    return parts[0] if len(parts) == 1 else _group("AND", parts, path)


def _field_shorthand(field: str, value: Any, path: str) -> list[dict[str, Any]]:
    """Return the rules of `{"field": value}` (equality or a `$op` dict, several ops = AND)."""
    is_ops = isinstance(value, dict) and value and any(str(k).startswith("$") for k in value)
    if not is_ops:
        if value is None:  # as in Mongo, `{"field": null}` matches a missing or empty value
            return [_rule(field, "is_empty", None, False, path)]
        return [_rule(field, "==", value, True, path)]
    rules: list[dict[str, Any]] = []
    for op, operand in value.items():
        op_path = f"{path}.{op}"
        lowered = op.lower() if isinstance(op, str) else ""
        if not lowered.startswith("$"):
            raise DefinitionError("cannot mix $operators and plain keys in one condition", op_path)
        if lowered in ("$exists", "$changed"):
            if not isinstance(operand, bool):
                raise DefinitionError(f"{op} expects true or false", op_path)
            positive = "is_not_empty" if lowered == "$exists" else "changed"
            negative = "is_empty" if lowered == "$exists" else None
            if operand:
                rules.append(_rule(field, positive, None, False, op_path))
            elif negative is not None:
                rules.append(_rule(field, negative, None, False, op_path))
            else:
                rules.append(_group("NOT", [_rule(field, "changed", None, False, op_path)], path))
        elif lowered == "$not":
            if not isinstance(operand, dict) or not operand:
                raise DefinitionError("$not expects an object of $operators", op_path)
            inner = _field_shorthand(field, operand, op_path)
            node = inner[0] if len(inner) == 1 else _group("AND", inner, op_path)
            rules.append(_group("NOT", [node], op_path))
        elif lowered in _MONGO:
            rules.append(_rule(field, _MONGO[lowered], operand, True, op_path))
        else:
            expected = ", ".join([*_MONGO, *_MONGO_SPECIAL])
            raise DefinitionError(f"unknown operator {op!r} (expected one of {expected})", op_path)
    return rules


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


# --------------------------------------------------------------------------- compiled tree


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a condition matched or not: the deciding rule, its field's value and a sentence."""

    result: bool
    rule: dict[str, Any] | None
    actual: Any
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able view (datetimes as ISO strings)."""
        return {
            "result": self.result,
            "rule": jsonable(self.rule),
            "actual": jsonable(self.actual),
            "explanation": self.explanation,
        }


class _Rule:
    __slots__ = ("change_keys", "field", "keys", "operator", "rule", "test", "value")

    def __init__(self, rule: dict[str, Any]) -> None:
        self.rule = rule
        self.field: str = rule["field"]
        self.operator: str = rule["operator"]
        self.value: Any = rule.get("value")
        # Segments are pre-split and list indexes pre-parsed so evaluation does no string work.
        self.keys = tuple(
            (key, int(key) if key.isdigit() else None) for key in self.field.split(".")
        )
        self.change_keys = (self.field, self.field.rsplit(".", 1)[-1])
        self.test: Callable[[Any], bool] | None = (
            None if self.operator.startswith("changed") else make_test(self.operator, self.value)
        )

    def _resolve(self, context: Mapping[str, Any]) -> Any:
        current: Any = context
        for key, index in self.keys:
            if type(current) is dict or isinstance(current, Mapping):  # skip the ABC check
                current = current.get(key)
            elif index is not None and isinstance(current, list | tuple):
                current = current[index] if index < len(current) else None
            else:
                return None
            if current is None:
                return None
        return current

    def _change(self, context: Mapping[str, Any]) -> tuple[Any, Any] | None:
        trigger = context.get("trigger")
        changes = trigger.get("changes") if isinstance(trigger, Mapping) else None
        if not isinstance(changes, Mapping):
            return None
        for key in self.change_keys:
            entry = changes.get(key)
            if isinstance(entry, list | tuple) and len(entry) == 2:
                return entry[0], entry[1]
            if isinstance(entry, Mapping) and "old" in entry and "new" in entry:
                return entry["old"], entry["new"]
        return None

    def _changed(self, change: tuple[Any, Any] | None) -> bool:
        if change is None or same(*change):
            return False
        if self.operator == "changed_to":
            return same(change[1], self.value)
        if self.operator == "changed_from":
            return same(change[0], self.value)
        return True

    def evaluate(self, context: Mapping[str, Any]) -> bool:
        try:
            if self.test is None:
                return self._changed(self._change(context))
            return self.test(self._resolve(context))
        # A condition must never crash a run: whatever cannot be compared does not match.
        except Exception:  # noqa: BLE001
            return False

    def explain(self, context: Mapping[str, Any]) -> Decision:
        result = self.evaluate(context)
        words = self.operator.replace("_", " ")
        if self.test is None:
            try:
                change = self._change(context)
            except Exception:  # noqa: BLE001 - mirrors evaluate(), which never raises
                change = None
            actual: Any = None if change is None else list(change)
            subject = (
                f"{self.field} unchanged"
                if change is None
                else f"{self.field} {format_value(change[0])} -> {format_value(change[1])}"
            )
            text = words if self.operator == "changed" else f"{words} {format_value(self.value)}"
            sentence = f"{subject}: {text}" if result else f"{subject}: not {text}"
            return Decision(result, self.rule, actual, sentence)
        try:
            actual = self._resolve(context)
        except Exception:  # noqa: BLE001 - mirrors evaluate(), which never raises
            actual = None
        text = (
            words
            if self.operator in UNARY_OPERATORS
            else f"{self.operator} {format_value(self.value)}"
        )
        subject = f"{self.field} = {format_value(actual)}"
        sentence = f"{subject} {text}" if result else f"{subject}, not {text}"
        return Decision(result, self.rule, actual, sentence)


class _Group:
    __slots__ = ("children", "operator")

    def __init__(self, operator: str, children: tuple[_Rule | _Group, ...]) -> None:
        self.operator = operator
        self.children = children

    def evaluate(self, context: Mapping[str, Any]) -> bool:
        # Explicit loops: cheaper than all()/any() over a generator on this hot path.
        if self.operator == "AND":
            for child in self.children:  # noqa: SIM110
                if not child.evaluate(context):
                    return False
            return True
        if self.operator == "OR":
            for child in self.children:  # noqa: SIM110
                if child.evaluate(context):
                    return True
            return False
        return not self.children[0].evaluate(context)

    def explain(self, context: Mapping[str, Any]) -> Decision:
        if self.operator == "NOT":
            inner = self.children[0].explain(context)
            return Decision(
                not inner.result, inner.rule, inner.actual, f"NOT ({inner.explanation})"
            )
        # AND stops at the first false child, OR at the first true one; otherwise all count.
        decisive = self.operator == "OR"
        seen: list[Decision] = []
        for child in self.children:
            decision = child.explain(context)
            if decision.result is decisive:
                return decision
            seen.append(decision)
        last = seen[-1]
        sentence = "; ".join(d.explanation for d in seen)
        return Decision(not decisive, last.rule, last.actual, sentence)


def _build(node: dict[str, Any]) -> _Rule | _Group:
    if "field" in node:
        return _Rule(node)
    return _Group(node["operator"], tuple(_build(child) for child in node["rules"]))


def _fields(node: dict[str, Any]) -> set[str]:
    if "field" in node:
        return {node["field"]}
    return set().union(*(_fields(child) for child in node["rules"]))


class CompiledCondition:
    """A condition tree compiled once (at save time) and evaluated many times."""

    __slots__ = ("_root", "fields", "tree")

    def __init__(self, tree: dict[str, Any] | None) -> None:
        self.tree = tree
        self.fields: frozenset[str] = frozenset(_fields(tree)) if tree else frozenset()
        self._root = _build(tree) if tree else None

    def evaluate(self, context: Mapping[str, Any]) -> bool:
        """Return whether `context` satisfies the condition (no conditions: True)."""
        return True if self._root is None else self._root.evaluate(context)

    def explain(self, context: Mapping[str, Any]) -> Decision:
        """Return the outcome with the rule that decided it and a human explanation."""
        if self._root is None:
            return Decision(True, None, None, "no conditions")
        return self._root.explain(context)

    def __repr__(self) -> str:
        return f"CompiledCondition({self.tree!r})"


def compile_conditions(tree: Any) -> CompiledCondition:
    """Compile a condition tree (normalising it first, so shorthand is accepted too)."""
    return CompiledCondition(normalise_conditions(tree))
