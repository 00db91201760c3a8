"""Sandboxed Jinja2 templating of step configs: `{{ organisation.name }}`, filters, limits.

Rules callers rely on:
- Strings without `{{` or `{%` are returned untouched without touching Jinja (`{# #}` alone is
  plain text too). Dict keys are never rendered; dict values and list items are, recursively.
- A string that is exactly one `{{ expression }}` yields the expression's native value (a float,
  an int, a list, a datetime; an undefined value gives None). Anything else renders to a string,
  in which None prints as "" (not "None").
- Missing values never raise: `{{ organisation.owner.manager.email }}` with no owner renders "".
  On plain dicts a key wins over a dict method, so `{{ order.items }}` is the `items` field.
- Any failure (syntax, sandbox violation such as an attribute starting with `_`, a size or time
  limit of `template_limits`) raises TemplateRenderError naming the JSON path of the string.
  Limits are enforced while rendering, before a large value is built: a value over MAX_OUTPUT
  characters, more than MAX_BUILT characters built for one config, a range over MAX_RANGE
  items, more than TIME_LIMIT seconds for one config (checked at attribute lookups, calls,
  operators, loop iterations and output).
- `now` is the context's `now` if given, else the current aware UTC datetime. Extra filters:
  `currency`, `date`, `days_since`.
- Floats and Decimals printed into text follow `language` (82000.0 -> "82,000", fr
  "82\u202f000"); a lone expression keeps its native value, so conditions and JSON stay raw.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crmflow.common.dates import coerce_datetime
from crmflow.engine import template_limits
from crmflow.engine.errors import DefinitionError, TemplateRenderError
from crmflow.engine.template_estimates import check_constant_sizes
from crmflow.engine.template_filters import (
    filter_currency,
    filter_date,
    filter_days_since,
    format_number,
    number_language,
)
from crmflow.engine.template_guards import (
    LimitedFormatter,
    bounded_json_dumps,
    bounded_pformat,
    bounded_sum,
    check_binop,
    check_call,
    check_call_result,
    check_slice,
    guard_filter,
)
from crmflow.engine.template_limits import (
    MAX_BUILT,
    MAX_OUTPUT,
    MAX_RANGE,
    TIME_LIMIT,
    Budget,
    LimitError,
    Range,
    charge,
    charge_result,
    check_deadline,
    check_size,
    weigh,
)

__all__ = [
    "MAX_BUILT",
    "MAX_OUTPUT",
    "MAX_RANGE",
    "TIME_LIMIT",
    "check_template_syntax",
    "has_template",
    "render",
]

_SINGLE_EXPRESSION = re.compile(r"\s*\{\{(?P<expr>.*)\}\}\s*", re.DOTALL)


def _constant(items: list[nodes.Expr]) -> bool:
    return all(isinstance(item, nodes.Const) for item in items)


class _CodeGenerator(CodeGenerator):
    """Route what Jinja compiles to plain Python (`~`, loops, literals, output) via checks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop_iterables: set[int] = set()

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:  # noqa: N802
        # A loop over a list checks no deadline by itself: nested loops over two 10,000-item
        # lists would run 10**8 empty iterations. (Jinja forbids new node types, hence ids.)
        self._loop_iterables.add(id(node.iter))
        try:
            super().visit_For(node, frame)
        finally:
            self._loop_iterables.discard(id(node.iter))

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self._loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.paced(")
        super().visit(node, *args, **kwargs)
        self.write(")")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:  # noqa: N802
        if _constant(node.items):
            return super().visit_List(node, frame)
        self.write("environment.checked_literal(")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:  # noqa: N802
        if node.ctx != "load" or _constant(node.items):
            return super().visit_Tuple(node, frame)
        self.write("environment.checked_literal(")
        super().visit_Tuple(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:  # noqa: N802
        if _constant([part for pair in node.items for part in (pair.key, pair.value)]):
            return super().visit_Dict(node, frame)
        self.write("environment.checked_literal(")
        super().visit_Dict(node, frame)
        self.write(")")

    def buffer(self, frame: Frame) -> None:
        # Macro, `{% set %}` block and `{% filter %}` output is kept in a list until it ends.
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        # Jinja folds constant output while compiling, outside every check here: folding
        # `{{ 'a'|center(9999) ~ 'a'|center(9999) ~ ... }}` would build it unchecked.
        if not isinstance(node, nodes.TemplateData | nodes.Const):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def visit_EvalContextModifier(  # noqa: N802
        self, node: nodes.EvalContextModifier, frame: Frame
    ) -> None:
        # The compiler evaluates `{% autoescape <expr> %}` while compiling: constants only.
        if not all(isinstance(keyword.value, nodes.Const) for keyword in node.options):
            self.fail("autoescape takes a constant (true or false)", node.lineno)
        super().visit_EvalContextModifier(node, frame)


class _Sandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "-", "//", "%"})
    intercepted_unops = frozenset({"-"})
    # Used by the compiled code for macro and block output and by `self.block()`.
    concat = staticmethod(template_limits.bounded_join)
    paced = staticmethod(template_limits.paced)
    checked_literal = staticmethod(template_limits.checked_literal)
    output_buffer = template_limits.OutputBuffer

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        # The stock sandbox returns an undefined that only raises when printed; an escape
        # attempt should fail loudly instead of rendering "".
        raise SecurityError(f"access to attribute {attribute!r} is not allowed in templates")

    def getattr(self, obj: Any, attribute: str) -> Any:
        check_deadline()
        if type(obj) is dict and attribute in obj:
            return obj[attribute]  # plain data: a key wins over dict methods (`order.items`)
        if attribute.startswith("_"):
            raise SecurityError(f"access to attribute {attribute!r} is not allowed in templates")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        check_deadline()
        if type(argument) is not slice:
            return super().getitem(obj, argument)
        check_slice(obj, argument)
        result = super().getitem(obj, argument)
        charge_result(result)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        is_map = value.__name__ == "format_map"
        fmt: str = value.__self__
        formatter = LimitedFormatter(self)

        def limited(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return str(formatter.vformat(fmt, (), args[0]))
            return str(formatter.vformat(fmt, args, kwargs))

        return limited

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        check_deadline()
        args = check_call(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        check_call_result(__obj, result)
        return result

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        check_deadline()
        if type(left) is float or type(right) is float:  # `amount * 1.2`: nothing to build
            return self.binop_table[operator](left, right)
        check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        charge_result(result)
        return result

    def call_unop(self, context: Context, operator: str, arg: Any) -> Any:
        check_deadline()
        result = super().call_unop(context, operator, arg)
        charge_result(result)
        return result

    def checked_concat(self, parts: tuple[Any, ...]) -> str:
        check_deadline()
        size = 0
        for part in parts:
            size += weigh(part, MAX_OUTPUT - size)
            check_size(size)
        text = "".join([str(part) for part in parts])
        charge(len(text))
        return text


# Printed as they are: their str() is short (an int with more digits than Python prints fails).
_SCALARS = frozenset({str, int, float, bool, Decimal, datetime, date})


def _finalize(value: Any) -> Any:
    """Print None as "", numbers in the language, and refuse a value over MAX_OUTPUT."""
    if type(value) is float or type(value) is Decimal:
        return format_number(value)
    if type(value) in _SCALARS:
        return value
    if value is None:
        return ""
    check_size(weigh(value), "value")
    return value


def _build_environment() -> _Sandbox:
    env = _Sandbox(
        undefined=ChainableUndefined,
        autoescape=False,
        finalize=_finalize,
        cache_size=0,  # compiled templates are cached by _compile_template instead
        # The optimizer folds constant expressions while compiling, outside every check.
        optimized=False,
    )
    env.globals["range"] = Range
    env.globals["namespace"] = template_limits.MeteredNamespace
    # lipsum(n=10**6) would burn CPU and memory for nothing useful in a CRM message.
    env.globals.pop("lipsum", None)
    env.policies["json.dumps_function"] = bounded_json_dumps
    env.filters.update(currency=filter_currency, date=filter_date, days_since=filter_days_since)
    env.filters.update(pprint=bounded_pformat, sum=bounded_sum)
    env.filters = {name: guard_filter(name, f, env) for name, f in env.filters.items()}
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


# Python refuses to print (and json to store) integers with more digits than this.
_STORABLE_INT_BITS = int(sys.get_int_max_str_digits() * 3.32) or sys.maxsize


def _native(value: Any) -> Any:
    """Convert an expression result to plain data (no sandbox internals leak out)."""
    # Weighed before converting: `[s] * 10000` is small in memory but not once stored as JSON.
    size = weigh(value)
    check_size(size, "value")
    charge(size)
    return _plain(value)


def _plain(value: Any) -> Any:
    if type(value) is str:
        return value
    if value is None or isinstance(value, bool | float | Decimal | datetime | date):
        return value
    if isinstance(value, int):
        if value.bit_length() > _STORABLE_INT_BITS:
            raise LimitError("number too large to store")
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list | tuple | Range):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Undefined):
        return None
    return str(value)


class _Renderer:
    __slots__ = ("_budget", "_context", "_language", "_variables")

    def __init__(self, context: Mapping[str, Any], language: str) -> None:
        self._context = context
        self._language = language
        self._variables: dict[str, Any] | None = None
        self._budget: Budget | None = None

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
        if self._budget is None:
            # One deadline and one total for the whole config: a config of many strings,
            # each just under the limits, must not add up to hours or gigabytes.
            self._budget = Budget()
        token = template_limits.activate(self._budget)
        try:
            with number_language(self._language):
                return self._rendered(source)
        except TemplateSyntaxError as exc:
            raise TemplateRenderError(_syntax_message(exc), path) from exc
        except LimitError as exc:
            raise TemplateRenderError(f"template limit exceeded: {exc}", path) from exc
        except SecurityError as exc:
            raise TemplateRenderError(f"template not allowed: {exc}", path) from exc
        # Templates are user code: any error they raise (1/0, a bad filter argument, recursion)
        # is reported against the string's path rather than crashing the run.
        except Exception as exc:
            raise TemplateRenderError(f"template error: {type(exc).__name__}: {exc}", path) from exc
        finally:
            template_limits.deactivate(token)

    def _rendered(self, source: str) -> Any:
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
            if produced > MAX_OUTPUT:
                check_size(produced, "output")
            chunks.append(chunk)
            if not len(chunks) & 63:  # the template's own operations check it too
                check_deadline()
        charge(produced)
        return "".join(chunks)


def render(
    value: Any, context: Mapping[str, Any], path: str = "config", *, language: str = "en"
) -> Any:
    """Render every template string in `value` (recursively through dicts and lists)."""
    return _Renderer(context, language).render(value, path)


def _syntax_message(exc: TemplateSyntaxError) -> str:
    return f"template syntax error: {exc.message} (line {exc.lineno})"


def check_template_syntax(value: Any, path: str) -> None:
    """Raise DefinitionError naming the path of any template string that does not compile."""
    if isinstance(value, str):
        if not has_template(value):
            return
        try:
            parsed = _ENV.parse(value)
            check_constant_sizes(parsed)
            _compile_template(value)
        except TemplateSyntaxError as exc:
            raise DefinitionError(_syntax_message(exc), path) from exc
        except LimitError as exc:
            raise DefinitionError(f"template over a limit: {exc}", path) from exc
        except RecursionError as exc:
            raise DefinitionError("template nested too deeply", path) from exc
        for node in parsed.find_all(nodes.Getattr):
            if node.attr.startswith("__"):
                raise DefinitionError(f"access to attribute {node.attr!r} is not allowed", path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_template_syntax(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_template_syntax(item, f"{path}[{index}]")
