"""`call_webhook` end to end: a real HTTP receiver on loopback, allow-listed, signed requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import Company
from crmflow.config import Settings
from crmflow.crm.models import Task
from crmflow.db import base
from crmflow.db.base import utcnow
from crmflow.db.session import get_session_factory
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.outbound.delivery import LEASE, _claim, deliver_webhooks
from crmflow.outbound.models import WebhookCall
from tests.conftest import Tenant
from tests.engine.flow_support import Clock, dispatch, execution, start_workflow, steps, titles


class Receiver(ThreadingHTTPServer):
    """Records every request; answers with the scripted (status, headers, body) in turn."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, str], bytes]] = []


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers.items()),
                "body": self.rfile.read(length),
            }
        )
        status, headers, body = (
            self.server.script.pop(0)
            if self.server.script
            else (200, {"Content-Type": "application/json"}, b'{"id": "ext-42", "ok": true}')
        )
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET = do_PUT = _handle  # noqa: N815

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def _hook(url: str, **config: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": "hook",
            "type": "call_webhook",
            "on_error": "stop",
            "config": {
                "url": url,
                "headers": {"X-Source": "crm {{ organisation.id }}"},
                "json": {"name": "{{ organisation.name }}", "amount": 12},
                **config,
            },
        },
        {"type": "create_task", "config": {"title": "external {{ steps.hook.output.json.id }}"}},
    ]


def _run_until_waiting(
    client: TestClient, tenant: Tenant, writer_session: Session, actions: list[dict[str, Any]]
) -> int:
    start_workflow(client, tenant, {"actions": actions})
    client.post(
        "/api/v1/organisations", json={"name": "Initech"}, headers=tenant.headers()
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {
        execution_id: "waiting"
    }
    return execution_id


def _deliver(db_url: str, allow: str = "127.0.0.1") -> int:
    settings = Settings(CRMFLOW_DATABASE_URL=db_url, CRMFLOW_WEBHOOK_ALLOWLIST=allow)
    return deliver_webhooks(get_session_factory(db_url), settings)


def _resume(writer_session: Session, execution_id: int) -> str:
    return run_batch(writer_session, [execution_id], RunOptions()).outcome[execution_id]


def test_signed_idempotent_call_whose_response_feeds_later_steps(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: Receiver,
) -> None:
    url = f"http://127.0.0.1:{receiver.server_port}/hooks/deals"
    execution_id = _run_until_waiting(client, tenant, writer_session, _hook(url))
    assert execution(session, execution_id).waiting_for == "delivery"
    assert _deliver(db_url) == 1
    assert _deliver(db_url) == 0
    [request] = receiver.requests
    assert request["method"] == "POST" and request["path"] == "/hooks/deals"
    assert json.loads(request["body"]) == {"name": "Initech", "amount": 12}
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["idempotency-key"] == f"{execution(session, execution_id).run_key}:actions/0"
    assert headers["content-type"] == "application/json"
    assert headers["x-source"].startswith("crm ")
    session.rollback()
    secret = session.scalar(select(Company.webhook_secret).where(Company.id == tenant.company_id))
    assert secret
    signed = f"{headers['x-crmflow-timestamp']}.".encode() + request["body"]
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["x-crmflow-signature"] == f"sha256={expected}"
    assert _resume(writer_session, execution_id) == "success"
    output = steps(session, execution_id)["actions/0"].output
    assert output["status"] == 200 and output["json"] == {"id": "ext-42", "ok": True}
    assert titles(session, Task) == ["external ext-42"]


def test_5xx_and_429_are_retried_honouring_retry_after(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: Receiver,
    clock: Clock,
) -> None:
    receiver.script = [(503, {}, b"busy"), (429, {"Retry-After": "120"}, b"slow down")]
    url = f"http://127.0.0.1:{receiver.server_port}/x"
    execution_id = _run_until_waiting(client, tenant, writer_session, _hook(url))
    assert _deliver(db_url) == 1
    session.rollback()
    call = session.scalars(select(WebhookCall)).one()
    assert call.status == "queued" and call.attempts == 1 and "HTTP 503" in (call.error or "")
    clock.advance(timedelta(seconds=31))
    assert _deliver(db_url) == 1
    session.rollback()
    call = session.scalars(select(WebhookCall).execution_options(populate_existing=True)).one()
    assert call.next_attempt_at is not None
    assert call.next_attempt_at - utcnow() > timedelta(seconds=110)  # Retry-After beats 1 min
    clock.advance(timedelta(seconds=121))
    assert _deliver(db_url) == 1
    assert len(receiver.requests) == 3
    keys = {r["headers"]["Idempotency-Key"] for r in receiver.requests}
    # Every try carries the same key.
    assert keys == {f"{execution(session, execution_id).run_key}:actions/0"}
    assert _resume(writer_session, execution_id) == "success"
    assert steps(session, execution_id)["actions/0"].output["attempts"] == 3


def test_a_client_error_fails_the_step(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: Receiver,
) -> None:
    receiver.script = [(404, {}, b"no such hook")]
    url = f"http://127.0.0.1:{receiver.server_port}/missing"
    execution_id = _run_until_waiting(client, tenant, writer_session, _hook(url))
    assert _deliver(db_url) == 1
    assert _resume(writer_session, execution_id) == "failed"
    error = steps(session, execution_id)["actions/0"].error or ""
    assert "HTTP 404" in error and "no such hook" in error
    assert titles(session, Task) == []


def test_loopback_is_refused_without_the_allow_list(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: Receiver,
) -> None:
    url = f"http://127.0.0.1:{receiver.server_port}/x"
    execution_id = _run_until_waiting(client, tenant, writer_session, _hook(url))
    assert _deliver(db_url, allow="") == 1
    assert receiver.requests == []
    assert _resume(writer_session, execution_id) == "failed"
    assert "loopback" in (steps(session, execution_id)["actions/0"].error or "")


def test_a_lost_sender_resends_with_the_same_key(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: Receiver,
    clock: Clock,
) -> None:
    url = f"http://127.0.0.1:{receiver.server_port}/x"
    execution_id = _run_until_waiting(client, tenant, writer_session, _hook(url))
    with get_session_factory(db_url)() as lost:  # claims it, then "dies" before sending back
        assert len(_claim(lost, WebhookCall.__table__, utcnow(), 10)) == 1  # type: ignore[arg-type]
    assert _deliver(db_url) == 0
    clock.advance(LEASE + timedelta(seconds=1))
    assert _deliver(db_url) == 1
    assert _resume(writer_session, execution_id) == "success"
    session.rollback()
    assert session.scalars(select(WebhookCall.attempts)).one() == 2


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({"url": "ftp://example.com/x"}, "actions[0].config.url"),
        ({"url": "http://exa mple.com/"}, "actions[0].config.url"),
        ({"url": "https://example.com", "headers": {"X-N": 5}}, "actions[0].config.headers.X-N"),
        ({"url": "https://example.com", "method": "BREW"}, "actions[0].config.method"),
        ({"url": "https://example.com", "json": {}, "body": "x"}, "actions[0].config"),
        ({"url": "https://example.com", "timeout": 600}, "actions[0].config.timeout"),
    ],
)
def test_bad_webhook_configs_are_422(
    client: TestClient, tenant: Tenant, config: dict[str, Any], path: str
) -> None:
    body = {
        "name": "hook",
        "trigger_type": "manual",
        "actions": [{"type": "call_webhook", "config": config}],
    }
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert path in response.text
