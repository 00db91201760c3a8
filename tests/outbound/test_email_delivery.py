"""Emails leave over real SMTP (aiosmtpd) from the outbox, once per step, with a stable key."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.crm.models import OutgoingEmail
from crmflow.db import base
from crmflow.db.base import utcnow
from crmflow.db.session import get_session_factory
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.outbound import smtp
from crmflow.outbound.delivery import LEASE, _claim, deliver_emails
from tests.conftest import Tenant
from tests.engine.flow_support import Clock, dispatch, execution, start_workflow, steps
from tests.outbound.smtp_server import silent_server, smtp_server

EMAIL_STEP = {
    "id": "mail",
    "type": "send_email",
    "on_error": "stop",
    "config": {
        "to": "owner",
        "subject": "Welcome {{ organisation.name }}",
        "body": "Hello",
        "html_body": "<p>Hello</p>",
    },
}
SMTP = RunOptions(smtp_configured=True)


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def _settings(db_url: str, port: int, **extra: object) -> Settings:
    return Settings(
        CRMFLOW_DATABASE_URL=db_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        DEFAULT_FROM_EMAIL="crm@acme.test",
        **extra,
    )


def _queue_one(client: TestClient, tenant: Tenant, writer_session: Session) -> int:
    start_workflow(client, tenant, {"actions": [EMAIL_STEP]})
    client.post(
        "/api/v1/organisations",
        json={"name": "Initech", "owner_id": tenant.editor_id},
        headers=tenant.headers(),
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    outcome = run_batch(writer_session, [execution_id], SMTP).outcome
    assert outcome == {execution_id: "waiting"}
    return execution_id


def _email(session: Session) -> OutgoingEmail:
    session.rollback()
    found = session.scalars(select(OutgoingEmail).execution_options(populate_existing=True)).one()
    return found


@pytest.mark.parametrize(("on_error", "final"), [("stop", "failed"), ("continue", "partial")])
def test_without_smtp_the_email_is_not_sent_and_the_step_fails_saying_why(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    on_error: str,
    final: str,
) -> None:
    email = {**EMAIL_STEP, "on_error": on_error, "retry": {"max_attempts": 3}}
    after = {"type": "create_task", "config": {"title": "after"}}
    start_workflow(client, tenant, {"actions": [email, after]})
    client.post(
        "/api/v1/organisations",
        json={"name": "Initech", "owner_id": tenant.editor_id},
        headers=tenant.headers(),
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    # Never a green step: the run stops (on_error: stop) or completes with errors.
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {execution_id: final}
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "failed"
    assert record.error is not None and record.error.startswith("not sent: no SMTP server")
    assert record.output["status"] == "not sent" and record.output["to"] == ["editor@acme.test"]
    assert record.attempts is None  # not retried: another attempt would not find a server
    kept = _email(session)  # kept for people to read, never sent later by surprise
    assert kept.status == "failed" and kept.error == record.error
    assert kept.subject == "Welcome Initech"
    run_row = execution(session, execution_id)
    assert run_row.steps_failed == 1
    assert ("actions/1" in steps(session, execution_id)) is (on_error == "continue")


def test_delivered_once_with_a_message_id_from_the_step_key(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
) -> None:
    with smtp_server() as (handler, port):
        execution_id = _queue_one(client, tenant, writer_session)
        waiting = execution(session, execution_id)
        assert waiting.status == "waiting" and waiting.waiting_for == "delivery"
        record = steps(session, execution_id)["actions/0"]
        assert record.status == "pending" and "queued for SMTP delivery" in record.message
        factory = get_session_factory(db_url)
        settings = _settings(db_url, port)
        assert deliver_emails(factory, settings) == 1
        assert deliver_emails(factory, settings) == 0  # nothing due any more
        [message] = handler.received
        email = _email(session)
        expected = smtp.message_id(f"{waiting.run_key}:actions/0", "crm@acme.test")
        assert email.status == "sent" and email.message_id == expected
        assert message["Message-ID"] == expected
        assert message["To"] == "editor@acme.test" and message["From"] == "crm@acme.test"
        assert message["Subject"] == "Welcome Initech"
        kinds = [part.get_content_type() for part in message.walk()]
        assert "text/plain" in kinds and "text/html" in kinds
        # The sender woke the run: it resumes at once and the step is a success.
        assert execution(session, execution_id).resume_at <= utcnow()
        assert run_batch(writer_session, [execution_id], SMTP).outcome == {execution_id: "success"}
        done = steps(session, execution_id)["actions/0"]
        assert done.status == "success" and done.output["status"] == "sent"
        assert done.output["message_id"] == expected
        # The sent email's output is what the catalog promises (the only success output).
        catalog = client.get(
            "/api/v1/workflow/action-catalog", params={"size": 500}, headers=tenant.headers()
        ).json()["items"]
        [schema] = [i["output_schema"] for i in catalog if i["action_type"] == "send_email"]
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(done.output)]
        assert not errors, (done.output, errors)


def test_temporary_failure_is_retried_with_back_off(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    clock: Clock,
) -> None:
    with smtp_server() as (handler, port):
        handler.replies = ["451 4.3.0 try again later"]
        execution_id = _queue_one(client, tenant, writer_session)
        factory, settings = get_session_factory(db_url), _settings(db_url, port)
        assert deliver_emails(factory, settings) == 1
        email = _email(session)
        assert email.status == "queued" and email.attempts == 1
        assert "451" in (email.error or "")
        assert timedelta(seconds=25) < email.next_attempt_at - utcnow() <= timedelta(seconds=30)
        assert deliver_emails(factory, settings) == 0  # not due yet
        assert execution(session, execution_id).status == "waiting"
        clock.advance(timedelta(seconds=31))
        assert deliver_emails(factory, settings) == 1
        assert _email(session).status == "sent" and len(handler.received) == 1
        assert run_batch(writer_session, [execution_id], SMTP).outcome == {execution_id: "success"}


def test_permanent_failure_fails_the_step_with_the_servers_reply(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
) -> None:
    with smtp_server() as (handler, port):
        handler.replies = ["550 5.1.1 mailbox unavailable"]
        execution_id = _queue_one(client, tenant, writer_session)
        assert deliver_emails(get_session_factory(db_url), _settings(db_url, port)) == 1
        assert _email(session).status == "failed"
        assert run_batch(writer_session, [execution_id], SMTP).outcome == {execution_id: "failed"}
        error = steps(session, execution_id)["actions/0"].error or ""
        assert "550 5.1.1 mailbox unavailable" in error
        assert handler.received == []


def test_a_sender_lost_between_sending_and_recording_resends_with_the_same_key(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    clock: Clock,
) -> None:
    with smtp_server() as (handler, port):
        execution_id = _queue_one(client, tenant, writer_session)
        factory, settings = get_session_factory(db_url), _settings(db_url, port)
        server = smtp.SmtpServer.from_settings(settings)
        assert server is not None
        # A sender claims the email and sends it, then dies before recording the outcome.
        with factory() as lost:
            [row] = _claim(lost, OutgoingEmail.__table__, utcnow(), 10)  # type: ignore[arg-type]
            row["message_id"] = smtp.message_id(row["idempotency_key"], server.sender)
            assert smtp.send(server, smtp.build_message(row, server.sender)).status == "sent"
        assert _email(session).status == "sending"
        assert deliver_emails(factory, settings) == 0  # its lease still holds
        clock.advance(LEASE + timedelta(seconds=1))
        assert deliver_emails(factory, settings) == 1
        first, second = handler.received
        assert first["Message-ID"] == second["Message-ID"]  # the receiver can deduplicate
        email = _email(session)
        assert email.status == "sent" and email.attempts == 2
        assert run_batch(writer_session, [execution_id], SMTP).outcome == {execution_id: "success"}


def test_a_hung_smtp_server_never_hangs_the_sender(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, db_url: str
) -> None:
    with silent_server() as port:
        _queue_one(client, tenant, writer_session)
        settings = _settings(db_url, port, SMTP_TIMEOUT=1)
        started = time.monotonic()
        assert deliver_emails(get_session_factory(db_url), settings) == 1
        assert time.monotonic() - started < 5
        email = _email(session)
        assert email.status == "queued" and "timed out" in (email.error or "").lower()


def test_the_embedded_runtime_delivers_and_finishes_the_run(
    tenant: Tenant, writer_session: Session, db_url: str, session: Session
) -> None:
    from crmflow.main import create_app

    with smtp_server() as (handler, port):
        settings = _settings(
            db_url, port, CRMFLOW_ADMIN_TOKEN="root-token", CRMFLOW_SCHEDULER_INTERVAL=0.2
        )
        with TestClient(create_app(settings, start_runtime=True)) as live:
            start_workflow(live, tenant, {"actions": [EMAIL_STEP]})
            live.post(
                "/api/v1/organisations",
                json={"name": "Initech", "owner_id": tenant.editor_id},
                headers=tenant.headers(),
            ).raise_for_status()
            deadline = time.monotonic() + 15
            status = None
            while time.monotonic() < deadline:
                items = live.get("/api/v1/executions", headers=tenant.headers()).json()["items"]
                status = items[0]["status"] if items else None
                if status == "success":
                    break
                time.sleep(0.05)
        assert status == "success"
        assert len(handler.received) == 1
        assert _email(session).status == "sent"
