"""Real side effects on Celery: a worker killed between sending and recording re-sends with the
same key. Real worker and beat, PostgreSQL, Redis, an aiosmtpd server and an HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import threading
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from crmflow.auth.models import Company
from crmflow.config import Settings
from crmflow.crm.models import OutgoingEmail
from crmflow.db import signals
from crmflow.db.session import get_session_factory
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from crmflow.outbound.models import WebhookCall
from tests.conftest import make_tenant
from tests.integration.processes import (
    celery_env,
    kill_tree,
    purge_queue,
    start_beat,
    start_worker,
    stop,
    wait_until,
)
from tests.outbound.smtp_server import ScriptedHandler, smtp_server
from tests.outbound.test_webhook_action import Receiver, _Handler

BROKER = "redis://127.0.0.1:6379/5"


class KillingSmtp(ScriptedHandler):
    """Takes the first message, then holds its reply until the test has killed the worker."""

    def __init__(self) -> None:
        super().__init__()
        self.received_first = threading.Event()
        self.worker_killed = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if not self.received_first.is_set():
            self.received_first.set()
            self.worker_killed.wait(20)
        return reply


class HoldingHandler(_Handler):
    """Records the first request, then holds its reply until the worker is dead."""

    def do_POST(self) -> None:
        receiver: Any = self.server
        if not receiver.received_first.is_set():
            receiver.received_first.set()
            receiver.worker_killed.wait(20)
        self._handle()


def test_worker_killed_between_sending_and_recording_resends_with_the_same_key(
    pg_url: str, tmp_path: Path
) -> None:
    receiver: Any = Receiver()
    receiver.RequestHandlerClass = HoldingHandler
    receiver.received_first, receiver.worker_killed = threading.Event(), threading.Event()
    threading.Thread(target=receiver.serve_forever, args=(0.05,), daemon=True).start()
    handler = KillingSmtp()
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    purge_queue(BROKER)
    with smtp_server(handler) as (_, smtp_port):
        env = celery_env(
            pg_url,
            BROKER,
            CRMFLOW_SCHEDULER_INTERVAL="1",
            CRMFLOW_OUTBOX_LEASE_SECONDS="3",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp_port),
            DEFAULT_FROM_EMAIL="crm@acme.test",
            CRMFLOW_WEBHOOK_ALLOWLIST="127.0.0.1",
        )
        settings = Settings(
            CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=BROKER
        )
        logs = iter(range(10))
        worker = start_worker(env, tmp_path / f"worker{next(logs)}.log", new_session=True)
        beat = start_beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
        factory = get_session_factory(pg_url, writer=False)
        try:
            with TestClient(create_app(settings)) as client:
                body = {
                    "name": "notify",
                    "trigger_type": "organisation_created",
                    "status": "active",
                    "actions": [
                        {
                            "type": "send_email",
                            "on_error": "stop",
                            "config": {"to": "owner", "subject": "Hi {{ organisation.name }}"},
                        },
                        {
                            "type": "call_webhook",
                            "on_error": "stop",
                            "config": {
                                "url": f"http://127.0.0.1:{receiver.server_port}/erp",
                                "json": {"org": "{{ organisation.name }}"},
                            },
                        },
                    ],
                }
                created = client.post("/api/v1/workflows", headers=tenant.headers(), json=body)
                assert created.status_code == 201, created.text
                org = client.post(
                    "/api/v1/organisations",
                    headers=tenant.headers(),
                    json={"name": "Initech", "owner_id": tenant.editor_id},
                )
                assert org.status_code == 201
                for target in (handler, receiver):
                    wait_until(target.received_first.is_set, 60, "a send to be received")
                    kill_tree(worker)  # after sending, before recording the outcome
                    target.worker_killed.set()
                    worker = start_worker(
                        env, tmp_path / f"worker{next(logs)}.log", new_session=True
                    )

                def finished() -> bool:
                    with factory() as session:
                        status = session.scalar(select(WorkflowExecution.status))
                    return status in ("success", "failed")

                wait_until(finished, 90, "the execution to finish")
        finally:
            signals.unsubscribe_all()
            stop(beat)
            stop(worker)
            receiver.shutdown()
            receiver.server_close()
    with factory() as session:
        execution = session.scalars(select(WorkflowExecution)).one()
        email = session.scalars(select(OutgoingEmail)).one()
        call = session.scalars(select(WebhookCall)).one()
        secret = session.scalar(select(Company.webhook_secret))
    assert execution.status == "success", execution.error_message
    # The email went out twice (the first send's outcome was lost with its worker), both
    # times with the same Message-ID, so the receiving side can drop the repeat.
    first, second = handler.received
    assert first["Message-ID"] == second["Message-ID"] == email.message_id
    assert email.status == "sent" and email.attempts == 2
    keys = [r["headers"]["Idempotency-Key"] for r in receiver.requests]
    assert keys == [call.idempotency_key] * 2 and call.status == "sent" and call.attempts == 2
    for request in receiver.requests:
        signed = f"{request['headers']['X-Crmflow-Timestamp']}.".encode() + request["body"]
        digest = hmac.new(str(secret).encode(), signed, hashlib.sha256).hexdigest()
        assert request["headers"]["X-Crmflow-Signature"] == f"sha256={digest}"
