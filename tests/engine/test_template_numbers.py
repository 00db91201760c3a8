"""Numbers printed into template text follow the company's language; raw values stay raw."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import Company
from crmflow.common.enums import ExecutionStatus
from crmflow.crm.models import Task
from crmflow.engine.templating import render
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, run, start_workflow

NNBSP = "\u202f"  # French thousands separator (CLDR)
DEAL = {"deal": {"id": 12345, "amount": 82000.0, "probability": 0.25, "rate": 1234.5}}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "82,000 €"), ("fr", f"82{NNBSP}000 €")],
)
def test_whole_float_amount_prints_grouped_without_point_zero(language: str, expected: str) -> None:
    assert render("{{ deal.amount }} €", DEAL, language=language) == expected


def test_fractions_use_the_languages_decimal_mark() -> None:
    assert render("{{ deal.rate }}/{{ deal.probability }}", DEAL) == "1,234.5/0.25"
    assert render("{{ deal.rate }}/{{ deal.probability }}", DEAL, language="fr") == (
        f"1{NNBSP}234,5/0,25"
    )


def test_integers_print_as_they_are_so_links_keep_working() -> None:
    url = "https://crm.example/deals/{{ deal.id }}"
    assert render(url, DEAL, language="fr") == "https://crm.example/deals/12345"


def test_a_lone_expression_keeps_the_raw_number_for_json_and_conditions() -> None:
    assert render("{{ deal.amount }}", DEAL, language="fr") == 82000.0
    assert render({"n": "{{ deal.amount * 2 }}"}, DEAL, language="fr") == {"n": 164000.0}


def test_string_filter_and_int_filter_give_the_raw_form_in_text() -> None:
    assert render("a={{ deal.amount|string }}", DEAL, language="fr") == "a=82000.0"
    assert render("a={{ deal.amount|int }}", DEAL, language="fr") == "a=82000"


def test_computed_floats_decimals_and_special_values() -> None:
    assert render("{{ deal.amount * 1.2 }} total", DEAL) == "98,400 total"
    assert render("x {{ v }}", {"v": Decimal("82000.50")}, language="fr") == f"x 82{NNBSP}000,50"
    assert render("x {{ v }}", {"v": float("nan")}) == "x nan"
    assert render("x {{ v }}", {"v": 1e20}) == "x 1e+20"
    assert render("x {{ v }}", {"v": -1500.0}, language="fr") == f"x -1{NNBSP}500"


@pytest.mark.parametrize(
    ("language", "template", "expected"),
    [
        ("en", "{{ deal.amount|currency('€') }}", "€82,000.00"),
        ("en", "{{ deal.amount|currency('EUR', 0) }}", "82,000 EUR"),
        ("fr", "{{ deal.amount|currency('€') }}", f"82{NNBSP}000,00\u00a0€"),
        ("fr", "{{ deal.amount|currency }}", f"82{NNBSP}000,00"),
    ],
)
def test_currency_filter_follows_the_language(language: str, template: str, expected: str) -> None:
    assert render(template, DEAL, language=language) == expected


def test_language_does_not_leak_after_rendering() -> None:
    render("{{ deal.amount }} €", DEAL, language="fr")
    assert render("{{ deal.amount }} €", DEAL) == "82,000 €"


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Call about 82,000 €"), ("fr", f"Appeler pour 82{NNBSP}000 €")],
)
def test_a_runs_task_title_prints_the_amount_in_the_companys_language(
    client: TestClient, tenant: Tenant, writer_session: Session, language: str, title: str
) -> None:
    company = writer_session.get(Company, tenant.company_id)
    assert company is not None
    company.language = language
    writer_session.commit()
    words = "Call about" if language == "en" else "Appeler pour"
    config = {"title": f"{words} {{{{ organisation.potential_amount }}}} €"}
    start_workflow(client, tenant, {"actions": [{"type": "create_task", "config": config}]})
    new_org(client, tenant, potential_amount=82000)
    assert set(run(writer_session, dispatch(writer_session)).values()) == {ExecutionStatus.SUCCESS}
    writer_session.rollback()
    assert writer_session.scalars(select(Task.title)).all() == [title]
