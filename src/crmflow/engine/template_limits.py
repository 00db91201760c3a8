"""Size and time budgets of sandboxed templates, enforced while a template renders.

A template can describe a value far larger than itself: `[s] * 10000` is a list of 10,000
references to one string, cheap to build, yet printing it writes 10,000 copies. So every
operation that could build or print something large first estimates its result with `weigh`,
a walk that stops as soon as the estimate passes the budget, and refuses before allocating.

Budgets (see `docs/security.md`):
- MAX_OUTPUT characters for any one value a template builds or prints (a string, the printed
  form of a list, a rendered string, a lone expression's value);
- MAX_BUILT characters built in total while one config renders (a list slot counts 8), so many
  medium values cannot add up to a large one (`{% set a1 = s * 99999 %}{% set a2 = ... %}`);
- TIME_LIMIT seconds of wall clock for one config, checked at attribute lookups, calls,
  operators, loop iterations and output;
- MAX_RANGE items in range(), MAX_INT_BITS bits in an integer.
"""

from __future__ import annotations

import sys
import time
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Sized, ValuesView
from contextvars import ContextVar, Token
from decimal import Decimal
from typing import Any, TypeVar

from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.utils import Namespace

MAX_OUTPUT = 100_000  # characters in any one value a template builds or outputs
MAX_BUILT = 2_000_000  # characters built in total while one config renders
MAX_RANGE = 10_000  # items in range()
MAX_INT_BITS = 100_000  # integers larger than this are refused (they are slow to build and print)
TIME_LIMIT = 1.0  # seconds per rendered config

_SLOT = 8  # what one list or dict slot costs against MAX_BUILT (a pointer)
_OPAQUE = 80  # printed size assumed for objects whose str() is a short fixed repr
_T = TypeVar("_T")


class LimitError(SecurityError):
    """A template exceeded a size or time limit."""


class Budget:
    """What one render may still spend: a deadline and the characters built so far."""

    __slots__ = ("built", "deadline")

    def __init__(self) -> None:
        self.deadline = time.monotonic() + TIME_LIMIT
        self.built = 0


_ACTIVE: ContextVar[Budget | None] = ContextVar("crmflow_template_budget", default=None)


def activate(budget: Budget) -> Token[Budget | None]:
    """Make `budget` the one charged by template code running in this context."""
    return _ACTIVE.set(budget)


def deactivate(token: Token[Budget | None]) -> None:
    """Restore the budget that was active before `activate`."""
    _ACTIVE.reset(token)


def check_deadline() -> None:
    """Raise LimitError once the active render is past its deadline."""
    budget = _ACTIVE.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise LimitError(f"template took longer than {TIME_LIMIT:g} s")


def check_size(size: int, what: str = "string") -> None:
    """Raise LimitError if a value of `size` characters would exceed MAX_OUTPUT."""
    if size > MAX_OUTPUT:
        raise LimitError(
            f"{what} too large ({size:,} characters or more; the limit is {MAX_OUTPUT:,})"
        )


def charge(size: int) -> None:
    """Count `size` characters against what the active render may build in total."""
    budget = _ACTIVE.get()
    if budget is not None:
        budget.built += size
        if budget.built > MAX_BUILT:
            raise LimitError(
                f"template built too much ({budget.built:,} characters; the limit is "
                f"{MAX_BUILT:,} per config)"
            )


def charge_result(value: Any) -> None:
    """Check and charge a value that was just built (a string, a list, a big integer)."""
    if isinstance(value, str | bytes):
        check_size(len(value))
    elif isinstance(value, list | tuple | dict):
        check_size(len(value), "list")
    charge(_cost(value))


def _cost(value: Any) -> int:
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple | dict):
        return _SLOT * len(value)
    if type(value) is int and value.bit_length() > 64:
        return value.bit_length() // 8
    return 0


class MeteredNamespace(Namespace):
    """namespace(): reassigning an attribute gives back what its old value cost."""

    def __setitem__(self, name: str, value: Any) -> None:
        attrs = object.__getattribute__(self, "_Namespace__attrs")
        old = attrs.get(name)
        super().__setitem__(name, value)
        # `{% set ns.v = ns.v ~ x %}` in a loop builds a new string each time, but the old one
        # is freed unless something else still holds it (then its reference count shows it).
        budget = _ACTIVE.get()
        if budget is not None and old is not None and sys.getrefcount(old) <= _UNSHARED:
            budget.built = max(0, budget.built - _cost(old))


_UNSHARED = 2  # the references of `old` and of getrefcount's own argument


# --------------------------------------------------------------------------- estimates


def _int_digits(value: int) -> int:
    # floor(bits * log10(2)) + 1 digits at most, plus a sign.
    return value.bit_length() * 30103 // 100000 + 1 + (value < 0)


def weigh(value: Any, limit: int = MAX_OUTPUT) -> int:
    """Estimate len(str(value)) without building it; stop as soon as it passes `limit`.

    Shared references count once per path (printing `[x, x]` writes x twice), so a DAG of
    doublings is not cheaper to weigh than to print: the walk stops at about `limit` steps.
    """
    kind = type(value)
    if kind is str:
        return len(value)
    if kind is int:
        return _int_digits(value)
    if kind is float:
        return len(repr(value))
    if value is None or kind is bool:
        return 5
    if isinstance(value, str | bytes):
        return len(value) + 3
    return _walk(value, limit)


def _walk(root: Any, limit: int) -> int:
    total = 0
    pending: list[Any] = [root]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is str:
            total += len(value) + 2  # quotes
        elif kind is int:
            total += _int_digits(value)
        elif kind is float:
            total += len(repr(value))
        elif value is None or kind is bool:
            total += 5
        elif kind is list or kind is tuple or kind is dict or isinstance(value, _CONTAINERS):
            # Brackets, then ", " per item (and ": " per dict item): counted before queueing
            # the items, so a list of a million references is refused without walking it.
            total += 2 + (4 if isinstance(value, dict) else 2) * len(value)
            if total > limit:
                return total
            if isinstance(value, dict):
                pending.extend(value.keys())
                pending.extend(value.values())
            else:
                pending.extend(value)
        elif isinstance(value, range | Range):
            numbers = value if isinstance(value, range) else value._numbers
            if numbers:
                widest = max(_int_digits(numbers[0]), _int_digits(numbers[-1]))
                total += 2 + len(numbers) * (widest + 2)
        elif isinstance(value, str | bytes):
            total += len(value) + 10
        elif isinstance(value, Undefined):
            total += 11
        elif isinstance(value, Namespace):
            total += 14
            pending.append(object.__getattribute__(value, "_Namespace__attrs"))
        elif isinstance(value, Decimal):
            total += len(str(value)) + 11
        else:
            total += _OPAQUE
        if total > limit:
            return total
    return total


_CONTAINERS = (list, tuple, dict, set, frozenset, KeysView, ValuesView, ItemsView)


def checked_literal(value: _T) -> _T:
    """Refuse a list, tuple or dict literal whose printed form would exceed MAX_OUTPUT."""
    # Without this, `{% set ns.v = [ns.v, ns.v] %}` in a loop builds a tiny DAG whose
    # comparison or hashing takes 2**depth steps.
    check_size(weigh(value), "list")
    charge(_SLOT * len(value))  # type: ignore[arg-type]
    return value


# --------------------------------------------------------------------------- iteration


class Range:
    """range() capped at MAX_RANGE items whose iteration watches the time limit."""

    __slots__ = ("_numbers",)

    def __init__(self, *args: int) -> None:
        self._numbers = range(*args)
        if len(self._numbers) > MAX_RANGE:
            raise LimitError(
                f"range too large ({len(self._numbers):,} items; the limit is {MAX_RANGE:,})"
            )

    def __iter__(self) -> Iterator[int]:
        return _paced(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index: int) -> int:
        return self._numbers[index]

    def __contains__(self, item: object) -> bool:
        return item in self._numbers

    def __repr__(self) -> str:
        return repr(self._numbers)


def _paced(items: Iterable[_T]) -> Iterator[_T]:
    for index, item in enumerate(items):
        if not index & 255:
            check_deadline()
        yield item


def _footprint(item: Any) -> int:
    if isinstance(item, str | bytes):
        return len(item)
    if isinstance(item, list | tuple | dict | set):
        return _SLOT * len(item)
    return 0


def metered(items: Iterable[_T]) -> Iterator[_T]:
    """Yield `items` (a generator), charging each one and watching the deadline."""
    # A generator's items may be new strings (`range(9999)|map('center', 9000)`): whoever
    # stores them (`|list`, `loop.length`) would otherwise hold all of them at once.
    for index, item in enumerate(items):
        if not index & 255:
            check_deadline()
        charge(_footprint(item))
        yield item


class PacedSequence:
    """A sized iterable whose iteration watches the deadline (a `{% for %}` over a list)."""

    __slots__ = ("_items",)

    def __init__(self, items: Any) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return _paced(self._items)


def paced(value: Any) -> Any:
    """Wrap the iterable of a for loop so that long or nested loops meet the deadline."""
    if isinstance(value, Range):
        return value
    if isinstance(value, Iterator):
        return metered(value)
    if isinstance(value, Sized) and isinstance(value, Iterable):
        return PacedSequence(value)
    return value


class OutputBuffer(list[str]):
    """The output of a macro, `{% set %}` block or `{% filter %}` block, counted as it grows."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def append(self, chunk: str) -> None:
        self._grow(len(chunk))
        super().append(chunk)

    def extend(self, chunks: Iterable[str]) -> None:
        chunks = tuple(chunks)
        self._grow(sum(map(len, chunks)))
        super().extend(chunks)

    def _grow(self, size: int) -> None:
        check_deadline()
        self.size += size
        check_size(self.size, "output")
        charge(size)


def bounded_join(chunks: Iterable[str]) -> str:
    """Join output chunks (block and macro output), refusing more than MAX_OUTPUT."""
    if isinstance(chunks, OutputBuffer):
        return "".join(chunks)  # already counted as it grew
    size = 0
    parts: list[str] = []
    for chunk in chunks:
        size += len(chunk)
        check_size(size, "output")
        parts.append(chunk)
    charge(size)
    return "".join(parts)
