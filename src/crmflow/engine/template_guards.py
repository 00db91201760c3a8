"""Checks that run before a template operation, call or filter builds something large.

Each check estimates the result (see `template_limits.weigh`) and raises LimitError before
Python allocates it; what was actually built is then charged to the render's budget.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import math
import re
import string
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from datetime import time as time_of_day
from decimal import Decimal
from pprint import PrettyPrinter
from typing import Any

from jinja2 import pass_environment
from jinja2.environment import Environment
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter
from jinja2.sandbox import SandboxedFormatter
from jinja2.utils import Cycler, Joiner, Namespace

from crmflow.engine.template_limits import (
    MAX_INT_BITS,
    MAX_OUTPUT,
    MAX_RANGE,
    LimitError,
    charge,
    charge_result,
    check_deadline,
    check_size,
    metered,
    weigh,
)

MAX_TOJSON_INDENT = 16
_STRFTIME_GROWTH = 12  # `%c` turns 2 characters into 24


def percent_estimate(fmt: str | bytes, args: Any) -> int:
    """Upper-bound the length of `fmt % args` without building it."""
    text = fmt if isinstance(fmt, str) else fmt.decode("latin-1")
    longest = 0
    for value in args if isinstance(args, tuple) else (args,):
        longest = max(longest, weigh(value))
        check_size(len(text) + text.count("%") * longest)
    widths = 0
    for spec in PERCENT_SPEC.finditer(text):
        if "*" in spec.group(0):
            raise LimitError("'*' widths are not allowed in templates")
        widths += sum(int(n) for n in (spec.group(1), spec.group(2)) if n)
    return len(text) + text.count("%") * longest + widths


PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\d*|\*)(?:\.(\d*|\*))?")
FORMAT_NUMBER = re.compile(r"\d+")


# --------------------------------------------------------------------------- methods and calls

_READ_ONLY_METHODS = frozenset(
    {"count", "find", "rfind", "index", "rindex", "startswith", "endswith"}
    | {name for name in dir(str) if name.startswith("is")}
)
_PADDING_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})


def check_str_method(text: str | bytes, name: str, args: tuple[Any, ...], kwargs: Any) -> None:
    """Refuse a str/bytes method call whose result would exceed MAX_OUTPUT, before it runs."""
    if name in _READ_ONLY_METHODS:
        return
    if name == "translate":
        raise SecurityError("str.translate is not allowed in templates")
    params = [*args, *kwargs.values()]
    size = len(text)
    if name in _PADDING_METHODS and params and isinstance(params[0], int):
        size = max(size, params[0])
    elif name == "expandtabs":
        tab = params[0] if params and isinstance(params[0], int) else 8
        size += (text.count("\t") if isinstance(text, str) else text.count(b"\t")) * tab
    elif name == "replace" and len(params) >= 2:
        size = replace_estimate(text, params[0], params[1], params[2] if len(params) > 2 else -1)
    elif name == "join" and params:
        size = _joined_size(len(text), params[0])
    elif name == "hex":
        size = 3 * len(text)
    check_size(size)


def _joined_size(separator: int, items: Any) -> int:
    """Upper-bound the length of `sep.join(items)` (str.join takes strings only)."""
    if isinstance(items, str | bytes):  # joins the characters
        return len(items) + separator * max(0, len(items) - 1)
    if not isinstance(items, list | tuple):
        return 0  # check_call turned any other iterable into a list
    size = separator * max(0, len(items) - 1)
    for item in items:
        if size > MAX_OUTPUT:
            break
        size += len(item) if isinstance(item, str | bytes) else 0
    return size


def replace_estimate(text: str | bytes, old: Any, new: Any, count: Any = -1) -> int:
    """Upper-bound the length of `text.replace(old, new, count)`."""
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(0, len(new) - len(old))


def check_call(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a call that would build something too large; return the arguments to call with."""
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if isinstance(owner, str | bytes):
        if name == "join" and args and not isinstance(args[0], str | bytes | list | tuple):
            # Measured once as a list: a generator can be read only once.
            args = (list(metered(iter(args[0]))), *args[1:])
        check_str_method(owner, name, args, kwargs)
    elif isinstance(owner, date | time_of_day) and name == "strftime":
        check_strftime(args[0] if args else kwargs.get("format", ""))
    elif isinstance(owner, int) and name == "to_bytes":
        length = args[0] if args else kwargs.get("length", 1)
        check_size(length if isinstance(length, int) else 0, "bytes")
    elif function in (Cycler, Joiner, dict) or (
        isinstance(function, type) and issubclass(function, Namespace)
    ):
        check_size(weigh((args, kwargs)), "value")
    return args


def check_call_result(function: Any, result: Any) -> None:
    """Charge what a call built: strings from str methods, copies, dict.fromkeys tables."""
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if name == "fromkeys":  # one value repeated for every key
        check_size(weigh(result), "dict")
    # Other calls (dict.get, macros, loop.cycle) return what exists or was already charged.
    if isinstance(owner, str | bytes | int | date | time_of_day) or name in ("fromkeys", "copy"):
        charge_result(result)


def check_strftime(fmt: Any) -> None:
    """Refuse a strftime format whose output could exceed MAX_OUTPUT."""
    check_size(len(str(fmt)) * _STRFTIME_GROWTH if isinstance(fmt, str) else 0, "date format")


def check_slice(obj: Any, argument: Any) -> None:
    """Refuse `obj[a:b]` when the copy it makes would exceed MAX_OUTPUT."""
    if type(argument) is slice and isinstance(obj, str | bytes | list | tuple):
        check_size(len(range(*argument.indices(len(obj)))))


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse `left <operator> right` before Python builds a result over the budgets."""
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | list | tuple) and isinstance(count, int) and count > 0:
                if isinstance(seq, str | bytes):
                    check_size(len(seq) * count)
                elif seq:  # brackets once, the items `count` times
                    unit = weigh(seq, (MAX_OUTPUT - 2) // count + 2) - 2
                    check_size(unit * count + 2, "list")
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and left.bit_length() + right.bit_length() > MAX_INT_BITS
        ):
            raise LimitError(f"number too large (over {MAX_INT_BITS:,} bits)")
    elif operator == "+":
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            check_size(len(left) + len(right))
        elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
            check_size(weigh(left) + weigh(right), "list")
    elif operator == "%" and isinstance(left, str | bytes):
        check_size(percent_estimate(left, right))
    elif (
        operator == "**"
        and _number(left)
        and _number(right)
        and abs(left) > 1
        and right > 0
        and right * math.log2(abs(left)) > MAX_INT_BITS
    ):
        raise LimitError(f"number too large (over {MAX_INT_BITS:,} bits)")


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# --------------------------------------------------------------------------- formatting


class LimitedFormatter(SandboxedFormatter):
    """str.format through the sandbox, refusing huge widths, fields and results."""

    def __init__(self, env: Environment) -> None:
        super().__init__(env)
        self._produced = 0

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        for _, _, spec, _ in string.Formatter().parse(format_string):
            if spec and ("{" in spec or sum(map(int, FORMAT_NUMBER.findall(spec))) > MAX_OUTPUT):
                raise LimitError("format width too large")
        self._produced = len(format_string)
        text = super().vformat(format_string, args, kwargs)
        charge(len(text))
        return text

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:  # !r / !s / !a print the whole value
            check_size(self._produced + weigh(value))
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        # An empty spec prints str(value); a date spec is a strftime format.
        check_size(self._produced + weigh(value) + _STRFTIME_GROWTH * len(format_spec))
        text = super().format_field(value, format_spec)
        self._produced += len(text)
        check_size(self._produced)
        return text


class _BoundedText(io.StringIO):
    """A text stream that refuses to grow past MAX_OUTPUT."""

    def write(self, text: str) -> int:
        check_size(self.tell() + len(text), "output")
        return super().write(text)


def bounded_pformat(value: Any) -> str:
    """The `pprint` filter (same output as pprint.pformat), stopped at MAX_OUTPUT."""
    # PrettyPrinter first builds repr(value) whole, so weigh it before.
    check_size(weigh(value), "value")
    stream = _BoundedText()
    PrettyPrinter(stream=stream).pprint(value)
    return stream.getvalue()[:-1]  # pprint() ends with a newline pformat() does not add


def bounded_json_dumps(value: Any, **options: Any) -> str:
    """json.dumps for the `tojson` filter, stopped at MAX_OUTPUT (indentation included)."""
    size = 0
    parts: list[str] = []
    for index, chunk in enumerate(json.JSONEncoder(**options).iterencode(value)):
        if not index & 255:
            check_deadline()
        size += len(chunk)
        check_size(size, "JSON")
        parts.append(chunk)
    return "".join(parts)


@pass_environment
def bounded_sum(
    environment: Environment, iterable: Any, attribute: Any = None, start: Any = 0
) -> Any:
    """The `sum` filter, concatenating lists in linear time and within MAX_OUTPUT."""
    items: Iterable[Any] = iterable
    if attribute is not None:
        items = map(make_attrgetter(environment, attribute), items)
    if not isinstance(start, list | tuple):
        return sum(items, start)
    values = list(items)
    check_size(weigh(start) + weigh(values), "list")
    if all(type(v) is type(start) for v in values):  # sum() would copy the prefix each time
        return type(start)(itertools.chain(start, *values))
    return sum(values, start)


# Filters that never turn their subject into text; the others are weighed before they run.
STRUCTURE_FILTERS = frozenset(
    {"abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "float", "groupby"}
    | {"int", "items", "last", "length", "list", "map", "max", "min", "random", "reject"}
    | {"rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort", "sum"}
    | {"truncate", "unique", "days_since"}
)
# Filters that only look at a long string without copying it.
_READING_FILTERS = frozenset(
    {"attr", "count", "d", "default", "first", "last", "length", "truncate", "random"}
    | {"int", "float", "abs", "round", "days_since"}
)
# Filters that return one of their inputs: nothing new to charge.
_PASSTHROUGH_FILTERS = frozenset({"attr", "d", "default", "first", "last", "max", "min", "random"})
_LAZY_FILTERS = frozenset({"map", "select", "reject", "selectattr", "rejectattr"})
_SMALL_INT_FILTERS = frozenset({"center", "batch", "slice", "indent"})


def _param(
    values: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any
) -> Any:
    return values[index] if len(values) > index else kwargs.get(name, default)


def _check_arguments(values: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    total = 0
    for value in (*values, *kwargs.values()) if kwargs else values:
        total += len(value) if type(value) is str else weigh(value, MAX_OUTPUT - total)
    if total > MAX_OUTPUT:
        check_size(total, "filter argument")


_Check = Callable[[Environment, tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]


def _check_center(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    width = _param(values, kwargs, 1, "width", 80)
    check_size(max(weigh(values[0]), width if isinstance(width, int) else 0))
    return values


def _check_indent(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    text, width = values[0], _param(values, kwargs, 1, "width", 4)
    if isinstance(text, str):
        pad = len(width) if isinstance(width, str) else int(width)
        check_size(len(text) + (text.count("\n") + 1) * pad)
    return values


def _check_fill(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    # batch(n, fill) / slice(n, fill): up to n references to `fill` in one list.
    count, fill = (
        _param(values, kwargs, 1, "linecount", None),
        _param(values, kwargs, 2, "fill_with", None),
    )
    if count is None:
        count = kwargs.get("slices")
    if fill is not None and isinstance(count, int):
        check_size(weigh(fill) * count, "list")
    return values


def _check_tojson(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    indent = _param(values, kwargs, 1, "indent", None)
    if isinstance(indent, int) and indent > MAX_TOJSON_INDENT:
        raise LimitError(f"tojson indent too large (the limit is {MAX_TOJSON_INDENT})")
    return values


def _check_format(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    if values and isinstance(values[0], str):
        check_size(percent_estimate(values[0], tuple(values[1:]) or kwargs))
    return values


def _check_replace(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    text = values[0] if isinstance(values[0], str) else str(values[0])  # the filter does str()
    old, new = _param(values, kwargs, 1, "old", ""), _param(values, kwargs, 2, "new", "")
    check_size(replace_estimate(text, old, new, _param(values, kwargs, 3, "count", -1)))
    return (text, *values[1:])


def _check_wordwrap(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    text, width = str(values[0]), _param(values, kwargs, 1, "width", 79)
    wrap = _param(values, kwargs, 3, "wrapstring", None) or "\n"
    # A wrapped line holds at least half a line of text, or one character.
    lines = 2 * len(text) // max(1, width if isinstance(width, int) else 1) + text.count("\n") + 2
    check_size(len(text) + lines * len(str(wrap)))
    return values


def _check_join(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    # `d` and `attribute` are applied here, so the filter gets (items, separator) only.
    subject = values[0]
    separator = str(values[1] if len(values) > 1 else kwargs.pop("d", ""))
    attribute = values[2] if len(values) > 2 else kwargs.pop("attribute", None)
    if isinstance(subject, str) and attribute is None:
        check_size(len(subject) + len(separator) * max(0, len(subject) - 1))
        return (subject, separator)
    items = list(subject)
    if attribute is not None:  # weigh the joined attributes, not the whole records
        items = [make_attrgetter(env, attribute)(item) for item in items]
    total = len(separator) * max(0, len(items) - 1)
    check_size(total)
    for item in items:
        total += weigh(item, MAX_OUTPUT - total)
        check_size(total)
    return (items, separator)


def _check_date(
    env: Environment, values: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    _check_arguments(values, kwargs)
    check_strftime(_param(values, kwargs, 1, "fmt", ""))
    return values


_FILTER_CHECKS: dict[str, _Check] = {
    "center": _check_center,
    "indent": _check_indent,
    "batch": _check_fill,
    "slice": _check_fill,
    "tojson": _check_tojson,
    "format": _check_format,
    "replace": _check_replace,
    "wordwrap": _check_wordwrap,
    "join": _check_join,
    "date": _check_date,
}


_PLAIN_DATA = frozenset({str, int, float, bool, type(None), list, tuple, dict})


def guard_filter(name: str, func: Callable[..., Any], env: Environment) -> Callable[..., Any]:
    """Wrap a filter with the time limit, size checks before it runs and a charge after."""
    # A pass_context/pass_eval_ctx/pass_environment filter gets that object before the value.
    skip = 0 if getattr(func, "jinja_pass_arg", None) is None else 1
    meter, reads_only = name not in _LAZY_FILTERS, name in _READING_FILTERS
    small_ints, charge_after = name in _SMALL_INT_FILTERS, name not in _PASSTHROUGH_FILTERS
    special = _FILTER_CHECKS.get(name)
    weigh_all = special is None and name not in STRUCTURE_FILTERS

    @functools.wraps(func)  # keeps jinja's pass_* marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check_deadline()
        values = args[skip:]
        if values:
            subject = values[0]
            if type(subject) in _PLAIN_DATA:
                if not reads_only and type(subject) is str and len(subject) > MAX_OUTPUT:
                    check_size(len(subject))
            elif meter and isinstance(subject, Iterator):
                values = (metered(subject), *values[1:])
            elif not reads_only and isinstance(subject, str | bytes):
                check_size(len(subject))
        if small_ints:
            for value in (*values[1:], *kwargs.values()):
                if isinstance(value, int) and not isinstance(value, bool) and value > MAX_RANGE:
                    raise LimitError(f"{name} argument too large ({value:,} > {MAX_RANGE:,})")
        if special is not None and values:
            values = special(env, values, kwargs)
        elif weigh_all:
            _check_arguments(values, kwargs)
        result = func(*args[:skip], *values, **kwargs)
        if charge_after:
            charge_result(result)
        return result

    return guarded
