"""Fixtures for the secrets store: an app whose settings carry CRMFLOW_SECRET_KEY, an echoing
HTTP receiver on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crmflow.config import Settings
from crmflow.db.session import get_session_factory
from crmflow.outbound.delivery import deliver_webhooks
from tests.conftest import Tenant

KEY = "test-key-for-the-secrets-store-0123456789"
OTHER_KEY = "another-key-nobody-wrote-these-secrets-with"


@pytest.fixture()
def settings(db_url: str) -> Settings:
    return Settings(
        CRMFLOW_DATABASE_URL=db_url,
        CRMFLOW_ADMIN_EMAIL="root@example.com",
        CRMFLOW_ADMIN_TOKEN="root-token",
        CRMFLOW_SCHEDULER_INTERVAL=0.2,
        CRMFLOW_SECRET_KEY=KEY,
    )


def add_secret(
    client: TestClient, tenant: Tenant, name: str, value: str, **extra: Any
) -> dict[str, Any]:
    """Store a secret as the tenant's admin and return the response body."""
    response = client.post(
        "/api/v1/secrets",
        json={"name": name, "value": value, **extra},
        headers=tenant.headers("admin"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class EchoReceiver(ThreadingHTTPServer):
    """Answers every request with what it received (as receivers debugging auth often do)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Echo)
        self.requests: list[dict[str, Any]] = []
        self.status = 200


class _Echo(BaseHTTPRequestHandler):
    server: EchoReceiver

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        seen = {"path": self.path, "authorization": self.headers.get("Authorization")}
        self.server.requests.append({**seen, "body": self.rfile.read(length)})
        if self.server.status == 200:
            body = json.dumps({"you_sent": seen}).encode()
            content_type = "application/json"
        else:
            body = f"rejected credentials {seen['authorization']} for {self.path}".encode()
            content_type = "text/plain"
        self.send_response(self.server.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = _handle  # noqa: N815

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture()
def receiver() -> Iterator[EchoReceiver]:
    server = EchoReceiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def deliver(db_url: str, key: str | None = KEY) -> int:
    """Send due webhook calls (loopback allow-listed, sealed parts opened with `key`)."""
    settings = Settings(
        CRMFLOW_DATABASE_URL=db_url, CRMFLOW_WEBHOOK_ALLOWLIST="127.0.0.1", CRMFLOW_SECRET_KEY=key
    )
    return deliver_webhooks(get_session_factory(db_url), settings)
