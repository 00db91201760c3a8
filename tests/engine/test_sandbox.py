"""Known Jinja sandbox escapes and resource abuse must fail cleanly with TemplateRenderError."""

from __future__ import annotations

import time
from typing import Any

import pytest

from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.templating import render

CONTEXT: dict[str, Any] = {"x": {"name": "Acme"}, "n": 3, "s": "abc"}
LEAKS = ("class", "module", "function", "<", "globals", "subclasses", "object at")

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__ }}",
    "{{ x.__globals__ }}",
    "{{ undefined_thing.__globals__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    '{{ "{0.__class__}".format(x) }}',
    '{{ "{0.__class__.__base__}".format(s) }}',
    '{{ "%s"|format(x.__class__) }}',
    '{{ "%s"|format(s.__class__.__mro__) }}',
    '{{ "{a.__class__}".format_map({"a": 1}) }}',
    '{{ x|attr("__class__") }}',
    '{{ (s|attr("__class__")).__mro__ }}',
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ x['__class__'] }}",
    "{{ s['__class__']['__mro__'] }}",
    "{{ range.__self__ }}",
    "{{ range(1)._range }}",
    "{{ dict.mro() }}",
    "{{ s.__len__() }}",
    "{{ ().__class__.__bases__[0].__subclasses__() }}",
    "{% set c = ''.__class__ %}{{ c }}",
    "{% for c in [].__class__.__mro__ %}{{ c }}{% endfor %}",
    "{{ x.items.__self__ }}",
    "{{ config.__class__.__init__.__globals__['os'] }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escape_attempts_fail_or_leak_nothing(source: str) -> None:
    try:
        output = render({"body": source}, CONTEXT)
    except TemplateRenderError as exc:
        assert exc.path == "config.body"
        return
    text = str(output["body"])
    assert not any(leak in text for leak in LEAKS), text


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ x.__globals__ }}",
        '{{ "{0.__class__}".format(x) }}',
        '{{ "{a.__class__}".format_map({"a": 1}) }}',
        '{{ x|attr("__class__") }}',
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ x._private }}",
    ],
)
def test_underscore_attributes_raise(source: str) -> None:
    with pytest.raises(TemplateRenderError, match="not allowed"):
        render(source, CONTEXT)


def test_underscore_keys_of_plain_dicts_are_data() -> None:
    assert render("{{ rec._id }}", {"rec": {"_id": 5}}) == 5
    assert render("{{ rec['_id'] }}", {"rec": {"_id": 5}}) == 5


@pytest.mark.parametrize("source", ["{{ request }}", "{{ request.user.password }}", "a{{ os }}b"])
def test_unknown_names_are_just_empty(source: str) -> None:
    assert render(source, CONTEXT) in (None, "ab")


def test_immutable_sandbox_refuses_mutation() -> None:
    context = {"tags": ["a"]}
    with pytest.raises(TemplateRenderError):
        render("{{ tags.append('b') }}", context)
    assert context == {"tags": ["a"]}


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'a' * 10**8 }}",
        "{{ 10**8 * 'a' }}",
        "{{ [0] * 10**8 }}",
        "{{ range(10**9)|list }}",
        "{{ range(10**9) }}",
        "{% for i in range(10**7) %}{% endfor %}",
        "{{ 2 ** 10000000 }}",
        "{{ (10 ** 10000) * (10 ** 10000) * (10 ** 10000) * (10 ** 10000) }}",
        "{{ 'a'.ljust(10**9) }}",
        "{{ 'a'.center(10**9) }}",
        "{{ 'a\t'.expandtabs(10**8) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '{:>{w}}'.format(1, w=10**9) }}",
        "{{ '%999999999s' % 1 }}",
        "{{ '%999999999s'|format(1) }}",
        "{{ 'a'|center(10**9) }}",
        "{{ 'a'|indent(10**9, true) }}",
        "{{ [1]|batch(10**9, 'x')|list }}",
        "{{ (s * 30000).replace('a', s * 30000) }}",
        "{{ (s * 30000)|replace('a', s * 30000) }}",
        "{{ (s * 30000) + (s * 30000) }}",
        "{{ (s * 30000) ~ (s * 30000) }}",
        "{% set ns = namespace(v='ab') %}{% for i in range(60) %}"
        "{% set ns.v = ns.v ~ ns.v %}{% endfor %}{{ ns.v|length }}",
        "{{ ((s * 30000),) * 100 | join }}",
        "{{ [s * 30000] * 100 | join('-') }}",
        "{{ ', '.join([s * 30000] * 100) }}",
        "{{ '{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}'.format(s * 30000) }}",
        "{% for i in range(10000) %}{{ s * 30 }}{% endfor %}",
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    ],
)
def test_resource_abuse_fails_fast(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateRenderError) as caught:
        render({"body": source}, CONTEXT)
    assert caught.value.path == "config.body"
    assert time.monotonic() - started < 2.0


def test_time_limit_stops_long_loops() -> None:
    started = time.monotonic()
    with pytest.raises(TemplateRenderError, match="longer than"):
        render("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", {})
    assert time.monotonic() - started < 2.0


def test_reasonable_templates_stay_allowed() -> None:
    assert render("{{ 'ab' * 3 }}", {}) == "ababab"
    assert render("{{ 2 ** 10 }}", {}) == 1024
    assert render("{{ range(5)|sum }}", {}) == 10
    assert render("{{ range(10000)|length }}", {}) == 10_000
    assert render("{{ '{:>6}'.format(12) }}", {}) == "    12"
    assert render("{{ '%05.1f'|format(3.14159) }}", {}) == "003.1"
    assert render("{{ 'a-b'.replace('-', '+') }}", {}) == "a+b"
    assert render("{{ [1, 2] + [3] }}", {}) == [1, 2, 3]
    assert render("{{ 'x'|center(5) }}", {}) == "  x  "
