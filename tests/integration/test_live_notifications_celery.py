"""A notification made by a workflow in a real Celery worker process reaches a WebSocket client
of the API, served by uvicorn in another process (Redis pub/sub between the two).

Three processes: this test (the WebSocket and HTTP client), `crmflow serve` (the API, Celery
runtime) and `crmflow worker`. Needs the machine's PostgreSQL and Redis (database 7 as broker;
the pub/sub channel is this test's own); fails (never skips) when one is missing.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from crmflow.db.session import get_session_factory
from crmflow.live.bus import CHANNEL_ENV
from tests.conftest import Tenant, make_tenant
from tests.integration.processes import celery_env, purge_queue, start_worker, stop

BROKER = "redis://127.0.0.1:6379/7"
WS_PATH = "/api/v1/ws/notifications"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_api(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmflow", "serve", "--port", str(port), "--log-level", "info"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(proc)
    raise AssertionError(f"the API did not start:\n{log.read_text()[-3000:]}")


def _receive(ws: ClientConnection, timeout: float = 30.0) -> dict[str, Any]:
    """The next message other than a keepalive ping."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0)))
        if body != {"type": "ping"}:
            return body


def _wait_subscribed(client: Any, channel: str, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        [(_, count)] = client.pubsub_numsub(channel)
        if count >= 1:
            return
        time.sleep(0.1)
    raise AssertionError(f"the API never subscribed to {channel}:\n{log.read_text()[-3000:]}")


def test_worker_notification_reaches_the_apis_websocket(pg_url: str, tmp_path: Path) -> None:
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"this test needs Redis at {BROKER}: {exc}")
    channel = f"crmflow:notifications:test-{uuid.uuid4().hex[:8]}"
    env = celery_env(pg_url, BROKER, **{CHANNEL_ENV: channel})
    with get_session_factory(pg_url)() as session:
        tenant: Tenant = make_tenant(session, "Acme")
    purge_queue(BROKER)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    worker = start_worker(env, tmp_path / "worker.log", new_session=True)
    api = _start_api(env, port, tmp_path / "api.log")
    logs = tmp_path / "api.log"
    try:
        _wait_subscribed(client, channel, logs)
        with (
            connect(f"ws://127.0.0.1:{port}{WS_PATH}?token={tenant.editor_token}") as editor,
            connect(
                f"ws://127.0.0.1:{port}{WS_PATH}", additional_headers=tenant.headers("admin")
            ) as admin,
        ):
            assert _receive(editor) == {"type": "hello", "unread_count": 0}
            assert _receive(admin) == {"type": "hello", "unread_count": 0}
            http = httpx.Client(base_url=base, headers=tenant.headers(), timeout=30)
            created = http.post(
                "/api/v1/workflows",
                json={
                    "name": "tell the editor",
                    "trigger_type": "organisation_created",
                    "status": "active",
                    "actions": [
                        {
                            "type": "send_notification",
                            "config": {
                                "user": tenant.editor_id,
                                "level": "warning",
                                "title": "New account {{ organisation.name }}",
                                "message": "made by a worker",
                            },
                        }
                    ],
                },
            )
            assert created.status_code == 201, created.text
            org = http.post("/api/v1/organisations", json={"name": "Initech"})
            assert org.status_code == 201, org.text

            try:
                pushed = _receive(editor)
            except TimeoutError:
                worker_log = (tmp_path / "worker.log").read_text()[-3000:]
                raise AssertionError(
                    f"no push within 30 s\nAPI:\n{logs.read_text()[-3000:]}\nworker:\n{worker_log}"
                ) from None
            assert pushed["type"] == "notification"
            assert pushed["unread_count"] == 1
            note = pushed["notification"]
            assert note["title"] == "New account Initech"
            assert note["message"] == "made by a worker"
            assert note["level"] == "warning" and note["read_at"] is None
            stored = http.get(
                f"/api/v1/notifications/{note['id']}", headers=tenant.headers("editor")
            ).json()
            assert {key: stored[key] for key in note} == note

            # The run happened in the worker: the API process runs no executions.
            execution = http.get("/api/v1/executions").json()["items"][0]
            assert execution["status"] == "success"

            # The admin's socket got nothing (its pong is the next message).
            admin.send("ping")
            assert _receive(admin) == {"type": "pong"}

        with (
            pytest.raises(ConnectionClosed) as refused,
            connect(f"ws://127.0.0.1:{port}{WS_PATH}?token=wrong") as bad,
        ):
            bad.recv(timeout=10)
        assert refused.value.rcvd is not None and refused.value.rcvd.code == 4401
    finally:
        stop(api)
        stop(worker)
        client.close()
