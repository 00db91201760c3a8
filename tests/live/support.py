"""Helpers for WebSocket tests: receive with a deadline, prove nothing else is waiting."""

from __future__ import annotations

import json
from typing import Any

import anyio
from sqlalchemy.orm import Session
from starlette.testclient import WebSocketTestSession

from crmflow.auth.models import User
from crmflow.auth.service import issue_token

WS_PATH = "/api/v1/ws/notifications"


def receive(ws: WebSocketTestSession, timeout: float = 15.0) -> dict[str, Any]:
    """The next JSON message, or fail after `timeout` seconds (TestClient has no timeout)."""

    async def _next() -> Any:
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()

    message = ws.portal.call(_next)
    ws._raise_on_close(message)
    body: dict[str, Any] = json.loads(message["text"])
    return body


def assert_nothing_pending(ws: WebSocketTestSession) -> None:
    """Ping the server: the pong comes right after anything that was already queued."""
    ws.send_json({"type": "ping"})
    assert receive(ws) == {"type": "pong"}


def hello(ws: WebSocketTestSession) -> int:
    """Read the greeting and return its unread count."""
    message = receive(ws)
    assert message["type"] == "hello", message
    count: int = message["unread_count"]
    return count


def token_of(writer_session: Session, user_id: int) -> str:
    """Issue and commit an API token for a tenant's user (those without one in Tenant)."""
    user = writer_session.get(User, user_id)
    assert user is not None
    token = issue_token(writer_session, user=user)
    writer_session.commit()
    return token
