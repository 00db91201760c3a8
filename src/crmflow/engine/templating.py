"""Sandboxed Jinja2 templating of step configs: `{{ organisation.name }}`, filters, limits.

Rules callers rely on:
- Strings without `{{` or `{%` are returned untouched without touching Jinja (`{# #}` alone is
  plain text too). Dict keys are never rendered; dict values and list items are, recursively.
- A string that is exactly one `{{ expression }}` yields the expression's native value (a float,
  an int, a list, a datetime; an undefined value gives None). Anything else renders to a string,
  in which None prints as "" (not "None").
- Missing values never raise: `{{ organisation.owner.manager.email }}` with no owner renders "".
  On plain dicts a key wins over a dict method, so `{{ order.items }}` is the `items` field.
- Any failure (syntax, sandbox violation such as an attribute starting with `_`, a value over
  MAX_OUTPUT characters, a range over MAX_RANGE items, more than TIME_LIMIT seconds) raises
  TemplateRenderError naming the JSON path of the string. The time limit is checked at attribute
  lookups, calls, operators, range iteration and output, so a loop doing none of these is not
  interrupted (it is still bounded by MAX_RANGE and the size limits).
- `now` is the context's `now` if given, else the current aware UTC datetime. Extra filters:
  `currency`, `date`, `days_since`.
"""

from __future__ import annotations

import functools
import math
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChainableUndefined, Template, TemplateSyntaxError, nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter

from crmflow.engine.dates import coerce_datetime
from crmflow.engine.errors import DefinitionError, TemplateRenderError

__all__ = [
    "MAX_OUTPUT",
    "MAX_RANGE",
    "TIME_LIMIT",
    "check_template_syntax",
    "has_template",
    "render",
]

MAX_OUTPUT = 100_000  # characters in any string a template builds or outputs
MAX_RANGE = 10_000  # items in range()
MAX_INT_BITS = 100_000  # integers larger than this are refused (they are slow to build and print)
TIME_LIMIT = 1.0  # seconds per rendered string

_DEADLINE: ContextVar[float] = ContextVar("crmflow_template_deadline", default=math.inf)
_SINGLE_EXPRESSION = re.compile(r"\s*\{\{(?P<expr>.*)\}\}\s*", re.DOTALL)
_FORMAT_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\d*|\*)(?:\.(\d*|\*))?")


class _LimitError(SecurityError):
    """A template exceeded a size or time limit."""


def _check_deadline() -> None:
    if time.monotonic() > _DEADLINE.get():
        raise _LimitError(f"template took longer than {TIME_LIMIT:g} s")


def _check_size(length: int, what: str = "string") -> None:
    if length > MAX_OUTPUT:
        raise _LimitError(f"{what} too large ({length} > {MAX_OUTPUT} characters)")


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _percent_estimate(fmt: str, args: Any) -> int:
    """Upper-bound the length of `fmt % args` without building it."""
    values = list(args.values()) if isinstance(args, Mapping) else args
    values = values if isinstance(values, list | tuple) else [values]
    longest = max((len(str(v)) for v in values), default=0)
    widths = 0
    for spec in _PERCENT_SPEC.finditer(fmt):
        if "*" in spec.group(0):
            raise _LimitError("'*' widths are not allowed in templates")
        widths += sum(int(n) for n in (spec.group(1), spec.group(2)) if n)
    return len(fmt) + fmt.count("%") * longest + widths


class _LimitedFormatter(SandboxedFormatter):
    """str.format through the sandbox, refusing huge widths and huge results."""

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        for _, _, spec, _ in string.Formatter().parse(format_string):
            if spec and ("{" in spec or sum(map(int, _FORMAT_NUMBER.findall(spec))) > MAX_OUTPUT):
                raise _LimitError("format width too large")
        self._produced = 0
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        text = super().format_field(value, format_spec)
        self._produced += len(text)
        _check_size(self._produced)
        return text


class _Range:
    """range() capped at MAX_RANGE items whose iteration watches the time limit."""

    __slots__ = ("_range",)

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > MAX_RANGE:
            raise _LimitError(f"range too large ({len(self._range)} > {MAX_RANGE} items)")

    def __iter__(self) -> Iterator[int]:
        for index, item in enumerate(self._range):
            if index % 256 == 0:
                _check_deadline()
            yield item

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: int) -> int:
        return self._range[index]

    def __contains__(self, item: object) -> bool:
        return item in self._range

    def __repr__(self) -> str:
        return repr(self._range)


class _CodeGenerator(CodeGenerator):
    """Route `~` concatenation through the environment so its size can be checked."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Sandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        # The stock sandbox returns an undefined that only raises when printed; an escape
        # attempt should fail loudly instead of rendering "".
        raise SecurityError(f"access to attribute {attribute!r} is not allowed in templates")

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_deadline()
        if type(obj) is dict and attribute in obj:
            return obj[attribute]  # plain data: a key wins over dict methods (`order.items`)
        if attribute.startswith("_"):
            raise SecurityError(f"access to attribute {attribute!r} is not allowed in templates")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_deadline()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        is_map = value.__name__ == "format_map"
        fmt: str = value.__self__
        formatter = _LimitedFormatter(self)

        def limited(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return str(formatter.vformat(fmt, (), args[0]))
            return str(formatter.vformat(fmt, args, kwargs))

        return limited

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_deadline()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_size(_sized(result))
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_deadline()
        if operator == "**" and _number(left) and _number(right):
            if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > MAX_INT_BITS:
                raise _LimitError("exponent too large")
        elif operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int):
                    _check_size(len(seq) * count)
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_INT_BITS
            ):
                raise _LimitError("number too large")
        elif operator == "+" and isinstance(left, str | list | tuple):
            _check_size(len(left) + _sized(right))
        elif operator == "%" and isinstance(left, str):
            _check_size(_percent_estimate(left, right))
        return super().call_binop(context, operator, left, right)

    def checked_concat(self, parts: Iterable[Any]) -> str:
        _check_deadline()
        texts = [str(part) for part in parts]
        _check_size(sum(map(len, texts)))
        return "".join(texts)


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _check_str_method(text: str, name: str, args: tuple[Any, ...], kwargs: Any) -> None:
    """Refuse str method calls whose result would exceed MAX_OUTPUT before they run."""
    params = [*args, *kwargs.values()]
    if name in ("ljust", "rjust", "center", "zfill") and params and isinstance(params[0], int):
        _check_size(params[0])
    elif name == "expandtabs":
        size = params[0] if params and isinstance(params[0], int) else 8
        _check_size(len(text) + text.count("\t") * size)
    elif name == "replace" and len(params) >= 2:
        old, new = str(params[0]), str(params[1])
        hits = len(text) + 1 if not old else text.count(old)
        _check_size(len(text) + hits * max(0, len(new) - len(old)))
    elif name == "join" and params:
        items = params[0]
        if isinstance(items, list | tuple):
            _check_size(sum(len(str(i)) for i in items) + len(text) * len(items))
    elif name == "translate":
        raise SecurityError("str.translate is not allowed in templates")


# --------------------------------------------------------------------------- filters


def _filter_currency(value: Any, symbol: str = "", places: int = 2) -> str:
    """Format a number with thousands separators: 75000 -> 75,000.00 (symbol optional)."""
    if value is None or isinstance(value, Undefined):
        return ""
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = max(0, min(int(places), 10))
    if not amount.is_finite():
        return str(value)
    # Money rounds half up (12.345 -> 12.35), not Python's default half-to-even.
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{amount:,.{places}f}"
    if not symbol:
        return text
    # Currency signs go in front ($75,000.00); codes go after (75,000.00 EUR).
    return f"{symbol}{text}" if not symbol.isalpha() else f"{text} {symbol}"


def _filter_date(value: Any, fmt: str = "%Y-%m-%d", tz: str | None = None) -> str:
    """Format a datetime/date/ISO string with strftime, in UTC or the timezone `tz`."""
    if value is None or isinstance(value, Undefined):
        return ""
    moment = coerce_datetime(value)
    if moment is None:
        return str(value)
    if tz:
        moment = moment.astimezone(ZoneInfo(tz))
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime(str(fmt))
    return moment.strftime(str(fmt))


@pass_context
def _filter_days_since(context: Context, value: Any) -> int | None:
    """Whole days from a date/ISO string to `now` (None when the value is not a date)."""
    moment = coerce_datetime(value) if not isinstance(value, Undefined) else None
    if moment is None:
        return None
    now = coerce_datetime(context.get("now")) or datetime.now(UTC)
    return (now - moment).days


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter with the time limit, size pre-checks and a result size check."""

    # A pass_context/pass_eval_ctx/pass_environment filter gets that object before the value.
    skip = 0 if getattr(func, "jinja_pass_arg", None) is None else 1

    @functools.wraps(func)  # keeps jinja's pass_* marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        values = list(args[skip:])
        params = [*values[1:], *kwargs.values()]
        subject = values[0] if values else None
        ints = [p for p in params if isinstance(p, int) and not isinstance(p, bool)]
        if name in ("center", "batch", "slice", "indent") and any(i > MAX_RANGE for i in ints):
            raise _LimitError(f"{name} argument too large")
        if name == "tojson" and any(i > 16 for i in ints):
            raise _LimitError("tojson indent too large")
        if name == "format" and isinstance(subject, str):
            _check_size(_percent_estimate(subject, tuple(values[1:]) or kwargs))
        elif name == "indent" and isinstance(subject, str):
            width = params[0] if params else 4
            pad = len(width) if isinstance(width, str) else int(width)
            _check_size(len(subject) + (subject.count("\n") + 1) * pad)
        elif name == "replace" and isinstance(subject, str) and len(params) >= 2:
            _check_str_method(subject, "replace", (params[0], params[1]), {})
        elif name == "join" and subject is not None and not isinstance(subject, str):
            items = list(subject)
            sep = params[0] if params and isinstance(params[0], str) else ""
            _check_size(sum(len(str(i)) for i in items) + len(sep) * len(items))
            args = (*args[:skip], items, *args[skip + 1 :])
        result = func(*args, **kwargs)
        _check_size(_sized(result))
        return result

    return guarded


def _build_environment() -> _Sandbox:
    env = _Sandbox(
        undefined=ChainableUndefined,
        autoescape=False,
        finalize=lambda value: "" if value is None else value,
        cache_size=0,  # compiled templates are cached by _compile_template instead
    )
    env.globals["range"] = _Range
    # lipsum(n=10**6) would burn CPU and memory for nothing useful in a CRM message.
    env.globals.pop("lipsum", None)
    env.filters.update(currency=_filter_currency, date=_filter_date, days_since=_filter_days_since)
    env.filters = {name: _guard_filter(name, f) for name, f in env.filters.items()}
    return env


_ENV = _build_environment()


@functools.lru_cache(maxsize=2048)
def _compile_template(source: str) -> Template:
    return _ENV.from_string(source)


@functools.lru_cache(maxsize=2048)
def _compile_expression(source: str) -> TemplateExpression:
    return _ENV.compile_expression(source, undefined_to_none=True)


# --------------------------------------------------------------------------- rendering


def has_template(value: str) -> bool:
    """Return True if `value` contains Jinja markup (`{{` or `{%`)."""
    return "{{" in value or "{%" in value


def _single_expression(source: str) -> str | None:
    """Return the expression of a string that is exactly one `{{ expr }}`, else None."""
    match = _SINGLE_EXPRESSION.fullmatch(source)
    if match is None:
        return None
    expr = match["expr"]
    if any(mark in expr for mark in ("{{", "}}", "{%", "%}", "{#")):
        return None
    # `{{- x -}}` is whitespace control, irrelevant for a lone expression.
    expr = expr.removeprefix("-").removesuffix("-")
    return expr if expr.strip() else None


def _native(value: Any) -> Any:
    """Convert an expression result to plain data (no sandbox internals leak out)."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime | date):
        return value
    if isinstance(value, str):
        _check_size(len(value))
        return str(value)
    if isinstance(value, list | tuple | _Range):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, Undefined):
        return None
    return str(value)


class _Renderer:
    __slots__ = ("_context", "_variables")

    def __init__(self, context: Mapping[str, Any]) -> None:
        self._context = context
        self._variables: dict[str, Any] | None = None

    def variables(self) -> dict[str, Any]:
        # Built lazily: configs without any template never pay for the copy.
        if self._variables is None:
            variables = dict(self._context)
            now = coerce_datetime(variables.get("now"))
            variables["now"] = now if now is not None else datetime.now(UTC)
            self._variables = variables
        return self._variables

    def render(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            return self._string(value, path) if has_template(value) else value
        if isinstance(value, dict):
            return {k: self.render(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.render(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return tuple(self.render(v, f"{path}[{i}]") for i, v in enumerate(value))
        return value

    def _string(self, source: str, path: str) -> Any:
        token = _DEADLINE.set(time.monotonic() + TIME_LIMIT)
        try:
            expression = _single_expression(source)
            if expression is not None:
                try:
                    compiled = _compile_expression(expression)
                except TemplateSyntaxError:
                    pass  # not a lone expression after all (e.g. `{{ a }} x {{ b }}`)
                else:
                    return _native(compiled(self.variables()))
            template = _compile_template(source)
            produced = 0
            chunks: list[str] = []
            for chunk in template.generate(self.variables()):
                produced += len(chunk)
                _check_size(produced, "output")
                _check_deadline()
                chunks.append(chunk)
            return "".join(chunks)
        except TemplateSyntaxError as exc:
            raise TemplateRenderError(_syntax_message(exc), path) from exc
        except SecurityError as exc:
            raise TemplateRenderError(f"template not allowed: {exc}", path) from exc
        # Templates are user code: any error they raise (1/0, a bad filter argument, recursion)
        # is reported against the string's path rather than crashing the run.
        except Exception as exc:
            raise TemplateRenderError(f"template error: {type(exc).__name__}: {exc}", path) from exc
        finally:
            _DEADLINE.reset(token)


def render(value: Any, context: Mapping[str, Any], path: str = "config") -> Any:
    """Render every template string in `value` (recursively through dicts and lists)."""
    return _Renderer(context).render(value, path)


def _syntax_message(exc: TemplateSyntaxError) -> str:
    return f"template syntax error: {exc.message} (line {exc.lineno})"


def check_template_syntax(value: Any, path: str) -> None:
    """Raise DefinitionError naming the path of any template string that does not compile."""
    if isinstance(value, str):
        if not has_template(value):
            return
        try:
            parsed = _ENV.parse(value)
            _compile_template(value)
        except TemplateSyntaxError as exc:
            raise DefinitionError(_syntax_message(exc), path) from exc
        for node in parsed.find_all(nodes.Getattr):
            if node.attr.startswith("__"):
                raise DefinitionError(f"access to attribute {node.attr!r} is not allowed", path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_template_syntax(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_template_syntax(item, f"{path}[{index}]")
