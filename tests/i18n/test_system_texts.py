"""What crmflow writes to people (approval requests, alerts) comes in the company's language."""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import Company
from crmflow.common.i18n import LANGUAGES, MESSAGES, language_of, say, word
from crmflow.crm.models import Notification, OutgoingEmail
from crmflow.db import base
from crmflow.sla.alerts import AlertSettings
from crmflow.sla.service import HEALTH_EVERY, scan_and_alert
from tests.approvals.test_approval_flow import _approval_run, _request
from tests.conftest import Tenant
from tests.engine.flow_support import Clock, dispatch, new_org, run, start_workflow


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_text_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = MESSAGES[key]
    assert set(texts) == set(LANGUAGES), key
    assert all(t.strip() for t in texts.values()), key
    assert _placeholders(texts["en"]) == _placeholders(texts["fr"]), key


def test_language_of_reduces_locales_and_falls_back_to_english() -> None:
    assert [language_of(v) for v in ("fr", "fr-FR", "FR-ca", "en-GB", "de", "", None)] == [
        "fr",
        "fr",
        "fr",
        "en",
        "en",
        "en",
        "en",
    ]
    assert say("de", "approval.title") == "Approval"
    assert word("fr", "status", "failed") == "échouée"
    assert word("fr", "status", "mystery") == "mystery"  # unknown values shown as they are


def _french(writer_session: Session, tenant: Tenant) -> None:
    company = writer_session.get(Company, tenant.company_id)
    assert company is not None
    company.language = "fr"
    writer_session.commit()


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def test_a_french_company_is_asked_for_approval_in_french(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    _french(writer_session, tenant)
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "name": "Remise",
            "type": "approval",
            "config": {"approver": "manager", "timeout": "1h", "on_timeout": "escalate"},
        },
    )
    request = _request(session, execution_id)
    assert request.message.startswith("Votre approbation est requise : Remise (organisation #")
    assert request.message.endswith(" Initech).")
    [note] = session.scalars(select(Notification)).all()
    assert note.title == "Approbation requise : Remise"
    [email] = session.scalars(select(OutgoingEmail)).all()
    assert email.subject == "Approbation requise : Remise"
    assert f"Approuver ou refuser : http://localhost:8000/approvals/{request.id}" in email.body
    # The escalation to the manager's manager is French too.
    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    session.rollback()
    escalated = session.scalars(select(Notification).order_by(Notification.id)).all()[-1]
    assert escalated.message.startswith("(escaladée) Votre approbation est requise : Remise")


def test_an_english_company_keeps_english(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {"name": "Discount", "type": "approval", "config": {"approver": "manager"}},
    )
    assert _request(session, execution_id).message.startswith("Your approval is needed: Discount")
    [note] = session.scalars(select(Notification)).all()
    assert note.title == "Approval needed: Discount"


def test_a_failure_streak_alert_is_written_in_french(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    _french(writer_session, tenant)
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {
                    "type": "assign_user",
                    "config": {"user": "nobody@nowhere.test"},
                    "on_error": "stop",
                }
            ]
        },
    )
    for name in ("a", "b", "c"):
        new_org(client, tenant, name=name)
    assert set(run(writer_session, dispatch(writer_session)).values()) == {"failed"}
    quiet = AlertSettings(emails_enabled=False, recipients=(), public_url="http://crm.test")
    clock.advance(HEALTH_EVERY)
    scan_and_alert(writer_session, quiet)
    writer_session.rollback()
    [note] = writer_session.scalars(
        select(Notification).where(Notification.source_step_key.like("failure-streak:%"))
    ).all()
    assert "a échoué 3 fois de suite" in note.title
    assert note.message.endswith("Ouvrez ses exécutions pour voir pourquoi.")
