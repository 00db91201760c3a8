"""A delivery pass sends its emails over one SMTP session, and survives a dropped one."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.crm.models import OutgoingEmail
from crmflow.db.session import get_session_factory
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.outbound import smtp
from crmflow.outbound.delivery import deliver_emails, deliver_for
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, start_workflow
from tests.outbound.smtp_server import smtp_server

EMAIL = {
    "type": "send_email",
    "config": {"to": "owner", "subject": "Hi {{ organisation.name }}", "body": "b"},
}


def _queue(client: TestClient, tenant: Tenant, writer_session: Session, count: int) -> None:
    start_workflow(client, tenant, {"actions": [EMAIL]})
    for n in range(count):
        client.post(
            "/api/v1/organisations",
            json={"name": f"Org {n}", "owner_id": tenant.editor_id},
            headers=tenant.headers(),
        ).raise_for_status()
    ids = dispatch(writer_session)
    options = RunOptions(smtp_configured=True)
    assert set(run_batch(writer_session, ids, options).outcome.values()) == {"waiting"}


def _settings(db_url: str, port: int) -> Settings:
    return Settings(CRMFLOW_DATABASE_URL=db_url, SMTP_HOST="127.0.0.1", SMTP_PORT=port)


def _connects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    opened: list[int] = []
    original = smtplib.SMTP.connect

    def connect(self: smtplib.SMTP, *args: Any, **kwargs: Any) -> Any:
        opened.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    return opened


def test_one_session_carries_a_whole_pass(
    client: TestClient,
    tenant: Tenant,
    writer_session: Session,
    session: Session,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _queue(client, tenant, writer_session, 5)
    opened = _connects(monkeypatch)
    with smtp_server() as (handler, port):
        assert deliver_emails(get_session_factory(db_url), _settings(db_url, port)) == 5
    assert len(handler.received) == 5
    assert len(opened) == 1
    statuses = session.scalars(select(OutgoingEmail.status)).all()
    assert statuses == ["sent"] * 5


def test_a_session_the_server_dropped_is_reopened_for_the_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened = _connects(monkeypatch)
    with smtp_server() as (handler, port):
        server = smtp.SmtpServer.from_settings(_settings("sqlite://", port))
        assert server is not None
        message = smtp.build_message(
            {"to": ["a@example.com"], "subject": "s", "body": "b", "message_id": "<1@x>"},
            server.sender,
        )
        with smtp.Connection(server) as connection:
            assert connection.send(message).status == "sent"
            # The session ends while idle (a server's idle timeout): smtplib then raises
            # SMTPServerDisconnected on the next command, as it does here.
            assert connection._client is not None
            connection._client.close()
            assert connection.send(message).status == "sent"
    assert len(handler.received) == 2
    assert len(opened) == 2


def test_a_backlog_leaves_in_passes_until_it_is_empty(
    client: TestClient,
    tenant: Tenant,
    writer_session: Session,
    session: Session,
    db_url: str,
) -> None:
    # 45 queued emails: one pass takes 20 (PASS_LIMIT), so three passes, in one call.
    _queue(client, tenant, writer_session, 45)
    with smtp_server() as (handler, port):
        tried = deliver_for(get_session_factory(db_url), _settings(db_url, port), seconds=30)
    assert tried == 45
    assert len(handler.received) == 45
    assert set(session.scalars(select(OutgoingEmail.status))) == {"sent"}
