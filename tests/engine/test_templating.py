"""Rendering of step configs: variables, native values, filters, fast path and error paths."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmflow.engine import templating
from crmflow.engine.errors import DefinitionError, TemplateRenderError
from crmflow.engine.templating import check_template_syntax, has_template, render

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CONTEXT: dict[str, Any] = {
    "now": NOW,
    "organisation": {
        "name": "Acme",
        "potential_amount": 75000,
        "owner": {"id": 7, "email": "owner@acme.io", "manager": None},
        "tags": ["vip", "b2b"],
    },
    "deal": {
        "name": "Renewal",
        "amount": 75000.0,
        "close_date": "2026-03-01T10:00:00Z",
        "items": ["licence", "support"],
    },
    "trigger": {"changes": {"stage": ["lead", "won"]}},
}


def test_plain_values_and_strings_pass_through() -> None:
    config = {"a": 1, "b": None, "c": True, "d": 2.5, "e": "no template", "f": "{# c #} }}"}
    assert render(config, CONTEXT) == config


def test_fast_path_does_not_call_jinja() -> None:
    with mock.patch.object(templating, "_compile_template") as compile_template:
        assert render({"a": ["plain", "text {x}"]}, CONTEXT) == {"a": ["plain", "text {x}"]}
    compile_template.assert_not_called()


def test_string_rendering_and_recursion() -> None:
    config = {
        "subject": "Deal {{ deal.name }} for {{ organisation.name }}",
        "items": ["{{ deal.items|join(', ') }}", {"deep": ["{{ organisation.tags[0] }}"]}],
        "stage": "{{ trigger.changes.stage[1] }}",
        "block": "{% for t in organisation.tags %}#{{ t }} {% endfor %}",
    }
    assert render(config, CONTEXT) == {
        "subject": "Deal Renewal for Acme",
        "items": ["licence, support", {"deep": ["vip"]}],
        "stage": "won",
        "block": "#vip #b2b ",
    }


def test_native_values() -> None:
    assert render("{{ deal.amount }}", CONTEXT) == 75000.0
    assert isinstance(render("{{ deal.amount }}", CONTEXT), float)
    assert render("  {{ organisation.owner.id }}\n", CONTEXT) == 7
    assert render("{{ organisation.tags }}", CONTEXT) == ["vip", "b2b"]
    assert render("{{ organisation.owner }}", CONTEXT) == CONTEXT["organisation"]["owner"]
    assert render("{{ deal.amount > 1000 }}", CONTEXT) is True
    assert render("{{ nothing.at.all }}", CONTEXT) is None
    assert render("{{ now }}", CONTEXT) == NOW
    assert render("{{ range(3) }}", CONTEXT) == [0, 1, 2]
    assert render("{{- deal.name -}}", CONTEXT) == "Renewal"
    # Two expressions or surrounding text: a string.
    assert render("{{ organisation.owner.id }}{{ organisation.owner.id }}", CONTEXT) == "77"
    assert render("id={{ organisation.owner.id }}", CONTEXT) == "id=7"
    assert render('{{ "}}" }}', CONTEXT) == "}}"


def test_missing_values_render_empty() -> None:
    assert render("To: {{ organisation.owner.manager.email }}", CONTEXT) == "To: "
    assert render("{{ organisation.owner.manager.email }}", CONTEXT) is None
    assert render("[{{ organisation.none_here }}]", CONTEXT) == "[]"
    assert render("[{{ organisation.owner.manager }}]", CONTEXT) == "[]"  # None prints as ""


def test_dict_keys_win_over_dict_methods() -> None:
    assert render("{{ deal.items|length }}", CONTEXT) == 2
    assert render("{{ deal.items }}", CONTEXT) == ["licence", "support"]


def test_now_defaults_to_the_current_utc_time() -> None:
    before = datetime.now(UTC)
    value = render("{{ now }}", {})
    assert isinstance(value, datetime) and value.tzinfo is not None
    assert before <= value <= datetime.now(UTC)
    assert render("{{ now.year }}", {"now": "2030-01-02T00:00:00Z"}) == 2030


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 75000|currency }}", "75,000.00"),
        ("{{ 1234.5|currency('€') }}", "€1,234.50"),
        ("{{ '1234.5'|currency('EUR', 0) }}", "1,235 EUR"),
        ("{{ organisation.missing|currency }}", ""),
        ("{{ 'n/a'|currency }}", "n/a"),
        ("{{ deal.close_date|date('%Y-%m-%d') }}", "2026-03-01"),
        ("{{ deal.close_date|date('%d/%m/%Y %H:%M') }}", "01/03/2026 10:00"),
        ("{{ deal.close_date|date('%H:%M', 'Europe/Paris') }}", "11:00"),
        ("{{ deal.close_date|date }}", "2026-03-01"),
        ("{{ 'garbage'|date }}", "garbage"),
        ("{{ deal.missing|date }}", ""),
        ("{{ deal.close_date|days_since }}", "9"),
        ("x{{ deal.missing|days_since }}", "x"),
        ("{{ organisation.name|upper }}", "ACME"),
        ("{{ organisation.tags|join('/') }}", "vip/b2b"),
    ],
)
def test_filters(source: str, expected: str) -> None:
    assert str(render(source, CONTEXT) or "") == expected


def test_date_filter_accepts_objects_and_days_since_is_an_int() -> None:
    context = {"now": NOW, "d": date(2026, 3, 1), "dt": datetime(2026, 3, 9, 23, 0)}
    assert render("{{ d|date('%d %b') }}", context) == "01 Mar"
    assert render("{{ d|days_since }}", context) == 9
    assert render("{{ dt|days_since }}", context) == 0
    assert render("{{ d|currency }}", {"d": Decimal("12.345")}) == "12.35"
    assert render("{{ d|currency }}", {"d": 2.5}) == "2.50"
    assert render("{{ d|currency }}", {"d": float("inf")}) == "inf"


def test_errors_name_the_path() -> None:
    with pytest.raises(TemplateRenderError) as caught:
        render({"subject": "ok", "items": ["a", "b", "{{ 1/0 }}"]}, CONTEXT)
    assert caught.value.path == "config.items[2]"
    assert "ZeroDivisionError" in caught.value.message
    with pytest.raises(TemplateRenderError) as caught:
        render({"subject": "Hi {{ name }"}, CONTEXT, "actions[3].config")
    assert str(caught.value) == (
        "actions[3].config.subject: template syntax error: unexpected '}' (line 1)"
    )
    with pytest.raises(TemplateRenderError) as caught:
        render("{% include 'other.html' %}", CONTEXT)
    assert caught.value.path == "config"


def test_output_size_limit() -> None:
    big = "x" * 60_000
    with pytest.raises(TemplateRenderError, match="too large") as caught:
        render({"body": "{{ a }}{{ a }}"}, {"a": big})
    assert caught.value.path == "config.body"
    assert len(render("{{ a }}", {"a": big})) == 60_000


def test_check_template_syntax() -> None:
    check_template_syntax({"subject": "{{ a }}", "x": [1, "plain }"], "y": None}, "config")
    with pytest.raises(DefinitionError) as caught:
        check_template_syntax(
            {"to": "{{ a }}", "subject": "Hello {{ organisation.name }"}, "actions[0].config"
        )
    assert str(caught.value) == (
        "actions[0].config.subject: template syntax error: unexpected '}' (line 1)"
    )
    with pytest.raises(DefinitionError) as caught:
        check_template_syntax(["ok", "{% for x in y %}"], "actions[1].config.lines")
    assert caught.value.path == "actions[1].config.lines[1]"
    assert "template syntax error" in caught.value.message
    with pytest.raises(DefinitionError, match="__class__"):
        check_template_syntax("{{ ''.__class__ }}", "config.body")


def test_has_template() -> None:
    assert has_template("{{ x }}") and has_template("{% if x %}{% endif %}")
    assert not has_template("{ x }") and not has_template("{# comment #}")


@settings(max_examples=300, deadline=None)
@given(st.text().filter(lambda s: "{{" not in s and "{%" not in s))
def test_text_without_markup_is_returned_unchanged(text: str) -> None:
    assert render(text, CONTEXT) is text
    assert render({"k": [text]}, CONTEXT) == {"k": [text]}
    check_template_syntax(text, "config")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{}%#"), max_size=30))
def test_variables_render_arbitrary_text_verbatim(value: str) -> None:
    assert render("<{{ v }}>", {"v": value}) == f"<{value}>"
    assert render("{{ v }}", {"v": value}) == value
