"""The access log of a real `crmflow serve` never prints a token.

Query values of credential-like parameters (`?token=` of the WebSocket, `access_token`,
`api_key`, `signature`...) and the token of an inbound hook URL (`/api/v1/hooks/<token>`) are
written `[redacted]`; the rest of the line (method, path, other parameters, status) stays.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from uvicorn.logging import AccessFormatter
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import connect

from crmflow.common.http_security import AccessLogRedaction, redact_target
from tests.e2e.server import free_port


@dataclass
class Served:
    base_url: str
    token: str
    log: Path


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[Served]:
    """`crmflow serve --log-level info` on a fresh SQLite database, its output in a file."""
    port = free_port()
    token = "adm-" + secrets.token_urlsafe(18)
    log = tmp_path / "serve.log"
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CRMFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "CRMFLOW_RUNTIME": "embedded",
        "CRMFLOW_ADMIN_TOKEN": token,
        "CRMFLOW_PUBLIC_URL": base_url,
    }
    argv = [sys.executable, "-m", "crmflow", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*argv, "--log-level", "info"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (
                f"crmflow serve did not start:\n{log.read_text(errors='replace')[-3000:]}"
            )
            time.sleep(0.1)
        yield Served(base_url, token, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _websocket(url: str, origin: str) -> None:
    """Open and close a WebSocket (accepted or refused: uvicorn logs the handshake either way)."""
    try:
        with connect(url, origin=origin, open_timeout=10) as socket:
            socket.close()
    except (InvalidStatus, WebSocketException, OSError):
        pass


def test_no_token_reaches_the_log_of_a_real_server(served: Served) -> None:
    auth = {"Authorization": f"Bearer {served.token}"}
    api = httpx.Client(base_url=served.base_url, headers=auth, timeout=30)
    workflow = api.post(
        "/api/v1/workflows",
        json={
            "name": "Inbound",
            "trigger_type": "webhook_received",
            "status": "active",
            "actions": [{"type": "create_task", "config": {"title": "Inbound call"}}],
        },
    )
    assert workflow.status_code == 201, workflow.text
    inbound_url = workflow.json()["inbound_url"]
    hook_token = inbound_url.rsplit("/", 1)[1]
    delivered = httpx.post(inbound_url, json={"id": 1}, timeout=30)
    assert delivered.status_code == 202, delivered.text

    query_secrets = {name: f"q-{name}-{secrets.token_hex(6)}" for name in (
        "token", "access_token", "api_key", "Signature", "password", "client_secret", "sig",
    )}  # fmt: skip
    query = "&".join(f"{name}={value}" for name, value in query_secrets.items())
    assert api.get(f"/healthz?page=2&{query}").status_code == 200
    encoded = f"q-encoded-{secrets.token_hex(6)}"
    api.get(f"/api/v1/workflows?%74oken={encoded}&size=5")
    unknown_hook = f"h-unknown-{secrets.token_hex(8)}"
    assert httpx.post(f"{served.base_url}/api/v1/hooks/{unknown_hook}?x=1").status_code == 404
    socket_url = served.base_url.replace("http://", "ws://") + "/api/v1/ws/notifications"
    _websocket(f"{socket_url}?token={served.token}", served.base_url)
    wrong = f"w-{secrets.token_hex(8)}"
    _websocket(f"{socket_url}?token={wrong}", served.base_url)
    api.close()

    time.sleep(0.5)  # the access log is written after the response
    text = served.log.read_text(errors="replace")
    leaked = [
        value
        for value in (
            served.token,
            hook_token,
            unknown_hook,
            encoded,
            wrong,
            *query_secrets.values(),
        )
        if value in text
    ]
    assert leaked == [], f"tokens in the log: {leaked}\n{text[-4000:]}"
    # The lines are still there and still useful.
    redacted_query = "&".join(f"{name}=[redacted]" for name in query_secrets)
    assert f'"GET /healthz?page=2&{redacted_query} HTTP/1.1" 200' in text, text[-4000:]
    assert '"GET /api/v1/workflows?%74oken=[redacted]&size=5 HTTP/1.1"' in text, text[-4000:]
    assert '"POST /api/v1/hooks/[redacted] HTTP/1.1" 202' in text, text[-4000:]
    assert '"POST /api/v1/hooks/[redacted]?x=1 HTTP/1.1" 404' in text, text[-4000:]
    assert text.count('"WebSocket /api/v1/ws/notifications?token=[redacted]"') == 2, text[-4000:]


def _access_record(target: str) -> logging.LogRecord:
    """A record as uvicorn's HTTP protocols log it (see uvicorn/protocols/http/*_impl.py)."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50123", "GET", target, "1.1", 200),
        None,
    )


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/api/v1/ws/notifications?token=abc", "/api/v1/ws/notifications?token=[redacted]"),
        ("/x?a=1&TOKEN=abc&b=2", "/x?a=1&TOKEN=[redacted]&b=2"),
        ("/x?api-key=abc&apikey=def", "/x?api-key=[redacted]&apikey=[redacted]"),
        ("/x?token=&page=1", "/x?token=&page=1"),  # nothing to hide
        ("/x?design=a&sort=name", "/x?design=a&sort=name"),
        ("/api/v1/hooks/abc", "/api/v1/hooks/[redacted]"),
        ("/api/v1/hooks/abc/extra?signature=s", "/api/v1/hooks/[redacted]?signature=[redacted]"),
        ("/api/v1/workflows/7/hook", "/api/v1/workflows/7/hook"),
    ],
)
def test_the_filter_keeps_uvicorns_record_shape(target: str, logged: str) -> None:
    record = _access_record(target)
    assert AccessLogRedaction().filter(record) is True
    line = AccessFormatter(fmt="%(client_addr)s %(request_line)s %(status_code)s", use_colors=False)
    assert line.format(record) == f"127.0.0.1:50123 GET {logged} HTTP/1.1 200 OK"
    assert redact_target(target) == logged
