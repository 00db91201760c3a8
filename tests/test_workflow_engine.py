"""Seed-named tests of the workflow engine: conditions and variable replacement."""

from __future__ import annotations

from crmflow.engine.conditions import compile_conditions
from crmflow.engine.templating import render


def test_evaluate_conditions_and() -> None:
    condition = compile_conditions(
        {
            "operator": "AND",
            "rules": [
                {"field": "organisation.potential_amount", "operator": ">", "value": 50000},
                {"field": "organisation.category", "operator": "==", "value": "institutional"},
            ],
        }
    )
    both = {"organisation": {"potential_amount": 75000, "category": "institutional"}}
    one = {"organisation": {"potential_amount": 75000, "category": "retail"}}
    assert condition.evaluate(both) is True
    assert condition.evaluate(one) is False
    assert condition.evaluate({}) is False
    decision = condition.explain(one)
    assert decision.result is False
    assert decision.rule == {
        "field": "organisation.category",
        "operator": "==",
        "value": "institutional",
    }
    assert decision.explanation == 'organisation.category = "retail", not == "institutional"'


def test_evaluate_conditions_or() -> None:
    condition = compile_conditions(
        {
            "operator": "OR",
            "rules": [
                {"field": "deal.amount", "operator": ">=", "value": 100000},
                {"field": "deal.stage", "operator": "in", "value": ["negotiation", "won"]},
            ],
        }
    )
    assert condition.evaluate({"deal": {"amount": 150000, "stage": "lead"}}) is True
    assert condition.evaluate({"deal": {"amount": 10, "stage": "won"}}) is True
    assert condition.evaluate({"deal": {"amount": 10, "stage": "lead"}}) is False
    assert condition.evaluate({"deal": None}) is False
    decision = condition.explain({"deal": {"amount": 10, "stage": "won"}})
    assert decision.result is True
    assert decision.rule is not None and decision.rule["field"] == "deal.stage"
    assert decision.actual == "won"


def test_replace_variables() -> None:
    config = {
        "to": "{{ organisation.owner.manager.email }}",
        "subject": "Gros potentiel : {{ organisation.name }}",
        "amount": "{{ deal.amount }}",
        "user": "{{ organisation.owner.id }}",
        "lines": ["Deal {{ deal.name }}", {"nested": "{{ deal.amount|currency }}"}, 3],
        "{{ key }}": "plain text",
    }
    context = {
        "organisation": {"name": "Acme", "owner": {"id": 42, "manager": {"email": "m@acme.io"}}},
        "deal": {"name": "Big one", "amount": 75000.0},
    }
    rendered = render(config, context)
    assert rendered == {
        "to": "m@acme.io",
        "subject": "Gros potentiel : Acme",
        "amount": 75000.0,
        "user": 42,
        "lines": ["Deal Big one", {"nested": "75,000.00"}, 3],
        "{{ key }}": "plain text",
    }
    assert isinstance(rendered["user"], int)
    # The input is not modified in place.
    assert config["subject"] == "Gros potentiel : {{ organisation.name }}"
    # A missing owner renders empty rather than failing the step.
    assert render(config["to"], {"organisation": {"name": "Acme"}}) is None
    assert render("To: {{ organisation.owner.manager.email }}", {}) == "To: "
