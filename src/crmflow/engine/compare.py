"""Value comparison for the condition language: coercion, operator tests and value display.

`crmflow.engine.conditions` parses and explains condition trees; this module decides what a
single operator says about two values. The semantics:

- Numbers compare numerically (int, float, Decimal; bools are not numbers); a numeric string is
  coerced when the other side is a number (`"75000" > 50000`). Bools equal bools or the strings
  "true"/"false".
- Datetimes, dates and ISO 8601 strings (`2026-12-01`, `...T09:00:00Z`) compare as aware UTC
  datetimes: naive means UTC, a date means midnight UTC.
- A comparison with None or between incomparable types is False for `==`, ordering operators,
  `between`, `contains`, `starts_with`, `ends_with` and `in`. `!=`, `not_in` and `not_contains`
  are True only when the values really differ: `None != 5` is True, `None != None` is False.
- `==`/`!=`/`in` are case-sensitive on strings; `contains`, `not_contains`, `starts_with` and
  `ends_with` are case-insensitive. `contains` is a substring test on strings and a membership
  test (case-insensitive for strings) on lists. `in`/`not_in` test the field value against the
  rule's list; a list field is "in" when any of its elements is. `between` is inclusive.
- `is_empty` is True for None, "", [] and {}.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import ge, gt, le, lt
from typing import Any

from crmflow.common.dates import coerce_datetime

__all__ = [
    "OPERATORS",
    "ORDERING_OPERATORS",
    "UNARY_OPERATORS",
    "format_value",
    "is_number",
    "is_orderable",
    "jsonable",
    "make_test",
    "same",
]

OPERATORS: tuple[str, ...] = (
    "==", "!=", ">", "<", ">=", "<=", "contains", "not_contains", "in", "not_in",
    "starts_with", "ends_with", "is_empty", "is_not_empty", "between",
    "changed", "changed_to", "changed_from",
)  # fmt: skip
# Operators whose rules carry no value.
UNARY_OPERATORS = frozenset({"is_empty", "is_not_empty", "changed"})
ORDERING_OPERATORS = frozenset({">", "<", ">=", "<="})
_MAX_DEPTH = 32
_MAX_SHOWN = 200


def is_number(value: Any) -> bool:
    """Return whether `value` is a number (int, float or Decimal, but not a bool)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_orderable(value: Any) -> bool:
    """Return whether `value` may be a bound of an ordering (number, string or date)."""
    return is_number(value) or isinstance(value, str | date)


# --------------------------------------------------------------------------- coercion


def _pair(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Return `a` and `b` coerced to one comparable type, or None if they are incomparable."""
    if a is None or b is None:
        return None
    ta, tb = type(a), type(b)
    if ta is tb and ta is not str:  # hot path: two ints, two floats, two lists...
        return _dt_pair(a, b) if ta is datetime or ta is date else (a, b)
    if ta is bool or tb is bool:
        if ta is str:
            a = {"true": True, "false": False}.get(a.strip().lower())
        elif tb is str:
            b = {"true": True, "false": False}.get(b.strip().lower())
        return (a, b) if type(a) is bool and type(b) is bool else None
    if is_number(a):
        if is_number(b):
            return (float(a), float(b)) if ta is Decimal or tb is Decimal else (a, b)
        return _numeric_text(a, b) if tb is str else None
    if is_number(b):
        pair = _numeric_text(b, a) if ta is str else None
        return None if pair is None else (pair[1], pair[0])
    if isinstance(a, date) or isinstance(b, date):
        return _dt_pair(a, b)
    if ta is str and tb is str:
        if not (a[:1].isdigit() and b[:1].isdigit()):  # cheap filter before date parsing
            return (a, b)
        da, db = coerce_datetime(a), coerce_datetime(b)
        return (a, b) if da is None or db is None else (da, db)
    return (a, b) if isinstance(a, type(b)) or isinstance(b, type(a)) else None


def _numeric_text(number: Any, text: str) -> tuple[float, float] | None:
    """Pair a number with a numeric string ("75000"), or None if the string is not numeric."""
    try:
        return float(number), float(text)
    except (ValueError, OverflowError, ArithmeticError):
        return None


def _dt_pair(a: Any, b: Any) -> tuple[Any, Any] | None:
    # Rule values are already aware UTC datetimes (see make_test): skip re-normalising them.
    da = a if type(a) is datetime and a.tzinfo is UTC else coerce_datetime(a)
    db = b if type(b) is datetime and b.tzinfo is UTC else coerce_datetime(b)
    return None if da is None or db is None else (da, db)


# --------------------------------------------------------------------------- operators


def _eq(a: Any, b: Any) -> bool:
    if type(a) is type(b) and a == b and a is not None:  # fast path: identical plain values
        return True
    pair = _pair(a, b)
    return pair is not None and bool(pair[0] == pair[1])


def same(a: Any, b: Any) -> bool:
    """Return whether `a` and `b` are really the same value (None equals None, unlike `==`)."""
    return (a is None and b is None) or _eq(a, b)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.casefold()
    return str(value).casefold() if is_number(value) else None


def _contains(actual: Any, needle: Any) -> bool:
    if isinstance(actual, list | tuple | set | frozenset):
        folded = _text(needle) if isinstance(needle, str) else None
        for item in actual:
            if folded is not None and isinstance(item, str):
                if item.casefold() == folded:
                    return True
            elif _eq(item, needle):
                return True
        return False
    haystack, folded = _text(actual), _text(needle)
    return haystack is not None and folded is not None and folded in haystack


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str | list | dict | tuple | set | frozenset) and len(value) == 0


def make_test(operator: str, value: Any) -> Callable[[Any], bool]:
    """Return a predicate on the resolved field value, with the rule's value pre-processed.

    `operator` is a canonical operator other than the `changed*` ones, which read the trigger's
    changes rather than a field value.
    """
    if isinstance(value, str) and operator in ("==", "!=", ">", "<", ">=", "<="):
        # An ISO date in the rule is parsed once here rather than at every evaluation.
        value = coerce_datetime(value) or value
    if operator == "==":
        return lambda a: _eq(a, value)
    if operator == "!=":
        return lambda a: not same(a, value)
    if operator in ORDERING_OPERATORS:
        compare: Callable[[Any, Any], Any] = {">": gt, "<": lt, ">=": ge, "<=": le}[operator]

        def ordered(a: Any) -> bool:
            pair = _pair(a, value)
            return pair is not None and bool(compare(*pair))

        return ordered
    if operator == "between":
        low, high = (coerce_datetime(v) or v if isinstance(v, str) else v for v in value)

        def between(a: Any) -> bool:
            lo, hi = _pair(low, a), _pair(a, high)
            return lo is not None and hi is not None and bool(lo[0] <= lo[1] and hi[0] <= hi[1])

        return between
    if operator == "contains":
        return lambda a: _contains(a, value)
    if operator == "not_contains":
        return lambda a: not (a is None and value is None) and not _contains(a, value)
    if operator in ("starts_with", "ends_with"):
        prefix = _text(value) or ""
        start = operator == "starts_with"

        def affix(a: Any) -> bool:
            text = _text(a)
            return text is not None and (
                text.startswith(prefix) if start else text.endswith(prefix)
            )

        return affix
    if operator in ("in", "not_in"):
        options = tuple(coerce_datetime(v) or v if isinstance(v, str) else v for v in value)

        def member(a: Any) -> bool:
            if operator == "in":
                items = a if isinstance(a, list | tuple) else (a,)
                return any(_eq(item, option) for item in items for option in options)
            if isinstance(a, list | tuple):
                return not any(same(item, option) for item in a for option in options)
            return not any(same(a, option) for option in options)

        return member
    if operator == "is_empty":
        return _is_empty
    if operator == "is_not_empty":
        return lambda a: not _is_empty(a)
    raise AssertionError(f"unhandled operator {operator}")  # pragma: no cover


# --------------------------------------------------------------------------- display


def jsonable(value: Any, depth: int = 0) -> Any:
    """Return a JSON-able copy of `value` (datetimes as ISO strings, Decimals as floats)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if depth >= _MAX_DEPTH:  # a pathological context must not make explain() recurse forever
        return "..."
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, depth + 1) for v in value]
    return str(value)


def format_value(value: Any) -> str:
    """Format a value for an explanation: 75000, "text", null, 2026-01-01T00:00:00+00:00."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    try:
        text = json.dumps(jsonable(value), ensure_ascii=False)
    except ValueError:  # e.g. ints too long to print
        text = f"<{type(value).__name__}>"
    # Explanations are stored with every run: keep them short whatever the data.
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."
