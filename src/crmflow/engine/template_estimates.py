"""Save-time size estimates of a template's constant parts: refuse `'a' * 10**9` before it runs.

Only sub-expressions made of literals are estimated (what a template does with context data is
checked while it renders, see `template_limits`). An estimate is the printed size of a value,
computed from the sizes of its parts without building anything large; small constants are kept
so that counts, widths and format strings can be read.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

from crmflow.engine.template_guards import (
    FORMAT_NUMBER,
    MAX_TOJSON_INDENT,
    PERCENT_SPEC,
    check_binop,
    replace_estimate,
)
from crmflow.engine.template_limits import MAX_OUTPUT, MAX_RANGE, LimitError, weigh

_KEEP = MAX_OUTPUT  # constants are kept (to count, pad, format) while their size is under this
_UNKNOWN: Any = object()
# Filters whose output is about the size of their input.
_SAME_SIZE_FILTERS = frozenset(
    {"string", "list", "tojson", "pprint", "upper", "lower", "title", "capitalize", "trim"}
    | {"escape", "e", "forceescape", "safe", "reverse", "striptags", "urlencode", "sort"}
)
_SMALL_INT_FILTERS = frozenset({"center", "batch", "slice", "indent"})
_SEQUENCES = (str, list, tuple)


@dataclass(frozen=True, slots=True)
class _Estimate:
    """The printed size of a constant value, its type, its length, and itself when small."""

    size: int
    kind: type
    count: int = 0  # characters of a string, items of a list
    value: Any = _UNKNOWN

    @property
    def known(self) -> bool:
        return self.value is not _UNKNOWN


def check_constant_sizes(tree: nodes.Node) -> None:
    """Raise LimitError for a constant sub-expression whose result would exceed a limit."""
    _estimate(tree)


def _of(value: Any) -> _Estimate:
    size = weigh(value, MAX_OUTPUT * 100)
    count = len(value) if isinstance(value, (*_SEQUENCES, range)) else 0
    return _Estimate(size, type(value), count, value if size <= _KEEP else _UNKNOWN)


def _refuse(node: nodes.Node, what: str, size: int) -> None:
    if size > MAX_OUTPUT:
        raise LimitError(
            f"{what} would be about {size:,} characters, over the limit of {MAX_OUTPUT:,} "
            f"characters per value (line {node.lineno})"
        )


def _estimate(node: nodes.Node) -> _Estimate | None:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        for child in node.iter_child_nodes():
            _estimate(child)
        return None
    return handler(node)


def _const(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.Const)
    return _of(node.value)


def _template_data(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.TemplateData)
    return _Estimate(len(node.data), str, len(node.data))


def _output(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.Output)
    parts = [_estimate(child) for child in node.nodes]
    _refuse(node, "the output", sum(part.size for part in parts if part is not None))
    return None


def _sequence(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.List | nodes.Tuple)
    items = [_estimate(item) for item in node.items]
    known = [item for item in items if item is not None]
    size = 2 + sum(item.size + (4 if item.kind is str else 2) for item in known)
    _refuse(node, "the list", size)
    if len(known) < len(items):
        return None
    kind = list if isinstance(node, nodes.List) else tuple
    if all(item.known for item in known) and size <= _KEEP:
        return _of(kind(item.value for item in known))
    return _Estimate(size, kind, len(items))


def _dict(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.Dict)
    parts = [_estimate(part) for pair in node.items for part in (pair.key, pair.value)]
    size = 2 + sum(part.size + (4 if part.kind is str else 2) for part in parts if part is not None)
    _refuse(node, "the dict", size)
    return None if None in parts else _Estimate(size, dict, len(node.items))


def _concat(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.Concat)
    parts = [_estimate(part) for part in node.nodes]
    size = sum(part.size for part in parts if part is not None)
    _refuse(node, "'~'", size)
    return None if None in parts else _Estimate(size, str, size)


def _binary(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.BinExpr)
    left, right = _estimate(node.left), _estimate(node.right)
    operator = node.operator
    if operator == "%" and left is not None and left.kind is str:
        return _percent(node, left, right)  # widths alone can be too large
    if left is None or right is None:
        return None
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if issubclass(seq.kind, _SEQUENCES) and count.kind is int and count.known:
                # A list prints its brackets once and its items `times` times.
                times, brackets = max(0, count.value), 0 if seq.kind is str else 2
                size = max(0, seq.size - brackets) * times + brackets
                _refuse(node, "'*'", size)
                if seq.known:
                    return _of(seq.value * times)
                return _Estimate(size, seq.kind, seq.count * times)
    if operator == "+" and issubclass(left.kind, _SEQUENCES) and left.kind is right.kind:
        size = left.size + right.size
        _refuse(node, "'+'", size)
        if left.known and right.known:
            return _of(left.value + right.value)
        return _Estimate(size, left.kind, left.count + right.count)
    if not (left.known and right.known):
        return None
    check_binop(operator, left.value, right.value)  # numbers: refuses results over the bit limit
    try:
        return _of(_OPERATORS[operator](left.value, right.value))
    except (ArithmeticError, TypeError, ValueError):
        return None  # fails the same way at run time, with the run's message


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def _percent(node: nodes.Node, fmt: _Estimate, args: _Estimate | None) -> _Estimate | None:
    if not fmt.known:
        return None
    text: str = fmt.value
    specs = PERCENT_SPEC.finditer(text)
    widths = sum(int(n) for spec in specs for n in spec.groups() if n and n != "*")
    size = len(text) + text.count("%") * (args.size if args is not None else 0) + widths
    _refuse(node, "'%'", size)
    return _Estimate(size, str, size) if args is not None else None


def _unary(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.UnaryExpr)
    operand = _estimate(node.node)
    if operand is None or not operand.known or not isinstance(operand.value, int | float):
        return None
    return _of(-operand.value if isinstance(node, nodes.Neg) else operand.value)


def _arguments(node: nodes.Call | nodes.Filter) -> tuple[list[_Estimate | None], dict[str, Any]]:
    args = [_estimate(arg) for arg in node.args]
    kwargs = {str(keyword.key): _estimate(keyword.value) for keyword in node.kwargs}
    for extra in (node.dyn_args, node.dyn_kwargs):
        if extra is not None:
            _estimate(extra)
    return args, kwargs


def _param(args: list[_Estimate | None], kwargs: dict[str, Any], index: int, name: str) -> Any:
    found = args[index] if len(args) > index else kwargs.get(name)
    return found.value if found is not None and found.known else _UNKNOWN


def _call(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.Call)
    callee = node.node
    owner = _estimate(callee.node) if isinstance(callee, nodes.Getattr) else None
    if not isinstance(callee, nodes.Getattr):
        _estimate(callee)
    args, kwargs = _arguments(node)
    if isinstance(callee, nodes.Name) and callee.name == "range":
        bounds = [_param(args, kwargs, index, "") for index in range(len(args))]
        if bounds and not kwargs and all(type(bound) is int for bound in bounds):
            try:
                numbers = range(*bounds)
            except ValueError:
                return None
            if len(numbers) > MAX_RANGE:
                raise LimitError(
                    f"range() of {len(numbers):,} items is over the limit of {MAX_RANGE:,} "
                    f"items (line {node.lineno})"
                )
            return _of(list(numbers))
        return None
    if owner is None or owner.kind is not str or not isinstance(callee, nodes.Getattr):
        return None
    return _str_method(node, owner, callee.attr, args, kwargs)


def _str_method(
    node: nodes.Node, owner: _Estimate, name: str, args: list[_Estimate | None], kwargs: Any
) -> _Estimate | None:
    first = _param(args, kwargs, 0, "width")
    size: int | None = None
    if name in ("ljust", "rjust", "center", "zfill") and type(first) is int:
        size = max(owner.size, first)
    elif name == "join" and args and args[0] is not None:
        items = args[0]
        size = items.size + owner.size * items.count
    elif name == "replace" and owner.known and len(args) >= 2:
        old, new = _param(args, kwargs, 0, "old"), _param(args, kwargs, 1, "new")
        if old is not _UNKNOWN and new is not _UNKNOWN:
            size = replace_estimate(owner.value, old, new)
    elif name == "format" and owner.known:
        size = _format_size(owner.value, args, kwargs)
    if size is None:
        return None
    _refuse(node, f"str.{name}()", size)
    return _Estimate(size, str, size)


def _format_size(fmt: str, args: list[Any], kwargs: dict[str, Any]) -> int:
    widths = fields = 0
    for _, name, spec, _ in string.Formatter().parse(fmt):
        if name is not None:
            fields += 1
            widths += sum(int(number) for number in FORMAT_NUMBER.findall(spec or ""))
    largest = max((arg.size for arg in [*args, *kwargs.values()] if arg is not None), default=0)
    return len(fmt) + widths + fields * largest


def _filter(node: nodes.Node) -> _Estimate | None:
    assert isinstance(node, nodes.Filter)
    subject = _estimate(node.node) if node.node is not None else None
    args, kwargs = _arguments(node)
    if node.name in _SMALL_INT_FILTERS:
        for arg in [*args, *kwargs.values()]:
            if arg is not None and arg.kind is int and arg.known and arg.value > MAX_RANGE:
                raise LimitError(
                    f"{node.name} argument {arg.value:,} is over the limit of {MAX_RANGE:,} "
                    f"(line {node.lineno})"
                )
    indent = _param(args, kwargs, 0, "indent")
    if node.name == "tojson" and type(indent) is int and indent > MAX_TOJSON_INDENT:
        raise LimitError(f"tojson indent is over the limit of {MAX_TOJSON_INDENT}")
    if subject is None:
        return None
    size: int | None = None
    if node.name == "center":
        width = _param(args, kwargs, 0, "width")
        size = max(subject.size, width if type(width) is int else 80)
    elif node.name == "join":
        separator = _param(args, kwargs, 0, "d")
        if isinstance(separator, str):
            size = subject.size + len(separator) * subject.count
    elif node.name == "replace" and subject.known and isinstance(subject.value, str):
        old, new = _param(args, kwargs, 0, "old"), _param(args, kwargs, 1, "new")
        if old is not _UNKNOWN and new is not _UNKNOWN:
            size = replace_estimate(subject.value, old, new)
    elif node.name == "format" and subject.kind is str:
        known = [arg for arg in [*args, *kwargs.values()] if arg is not None]
        largest = _Estimate(max((arg.size for arg in known), default=0), str)
        return _percent(node, subject, largest)
    elif node.name in _SAME_SIZE_FILTERS:
        size = subject.size
    if size is None:
        return None
    _refuse(node, f"|{node.name}", size)
    return _Estimate(size, str, size)


_HANDLERS: dict[type[nodes.Node], Callable[[nodes.Node], _Estimate | None]] = {
    nodes.Const: _const,
    nodes.TemplateData: _template_data,
    nodes.Output: _output,
    nodes.List: _sequence,
    nodes.Tuple: _sequence,
    nodes.Dict: _dict,
    nodes.Concat: _concat,
    nodes.Neg: _unary,
    nodes.Pos: _unary,
    nodes.Call: _call,
    nodes.Filter: _filter,
    **{kind: _binary for kind in (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div)},
    **{kind: _binary for kind in (nodes.FloorDiv, nodes.Mod, nodes.Pow)},
}
