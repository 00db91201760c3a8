"""`GET ws /api/v1/ws/notifications`: the caller's new notifications, pushed as they commit.

Authenticate with the API token, as `?token=<token>` (browsers cannot set headers on a
WebSocket) or an `Authorization: Bearer <token>` header, or with the browser's session cookie
(the Origin check below keeps other sites from riding on it). A missing, invalid, expired or
revoked token closes the socket with code 4401 and the reason; a token revoked or expiring while the
socket is open closes it within TOKEN_CHECK_SECONDS (2 s), whichever process revoked it. A
browser page from another site (its Origin is neither this host nor CRMFLOW_PUBLIC_URL's or
CRMFLOW_ALLOWED_ORIGINS') gets 4403. Messages (JSON text frames):

- `{"type": "hello", "unread_count": N}` once connected;
- `{"type": "notification", "notification": {...}, "unread_count": N}` for each new one;
- `{"type": "ping"}` after a quiet interval (keepalive); a client may send `ping` (or
  `{"type": "ping"}`) at any time and gets `{"type": "pong"}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, WebSocket
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect, WebSocketState

from crmflow.auth.browser_session import SESSION_COOKIE
from crmflow.live.hub import NotificationHub, Subscriber

router = APIRouter(prefix="/ws", tags=["live"])

UNAUTHORIZED = 4401
FORBIDDEN_ORIGIN = 4403
# A server ping after this many quiet seconds keeps proxies from closing idle sockets.
KEEPALIVE_SECONDS = 25.0


def _token(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    token = websocket.query_params.get("token") or websocket.cookies.get(SESSION_COOKIE)
    return token.strip() if token and token.strip() else None


@router.websocket("/notifications", name="live_notifications")
async def notifications_socket(websocket: WebSocket) -> None:
    """Push the caller's new notifications (see the module docstring for the protocol)."""
    await websocket.accept()
    origin = websocket.headers.get("origin")
    if origin is not None and not origin_allowed(
        origin, websocket.headers.get("host", ""), websocket.app.state.settings.origins
    ):
        # A page on another site must not ride on a user's token (cross-site WebSocket
        # hijacking); clients that are not browsers send no Origin and are let through.
        await websocket.close(FORBIDDEN_ORIGIN, f"origin {origin[:100]} is not allowed")
        return
    hub: NotificationHub | None = getattr(websocket.app.state, "live_hub", None)
    if hub is None:
        await websocket.close(1013, "live notifications are not running")
        return
    token = _token(websocket)
    if token is None:
        await websocket.close(
            UNAUTHORIZED,
            "missing token (?token=<token>, Authorization: Bearer <token> or session cookie)",
        )
        return
    try:
        principal = await run_in_threadpool(hub.authenticate, token)
        if principal is None:
            await websocket.close(UNAUTHORIZED, "invalid or revoked token")
            return
        sub = hub.add(principal, token)
        try:
            unread = await run_in_threadpool(hub.unread, principal.company_id, principal.user_id)
            await websocket.send_json({"type": "hello", "unread_count": unread})
            await _serve(websocket, sub)
        finally:
            hub.remove(sub)
    except DBAPIError:
        await _close_quietly(websocket, 1013, "database unavailable: try again later")
    except WebSocketDisconnect:
        pass


async def _serve(websocket: WebSocket, sub: Subscriber) -> None:
    sender = asyncio.create_task(_send(websocket, sub))
    listener = asyncio.create_task(_listen(websocket, sub))
    try:
        done, _ = await asyncio.wait({sender, listener}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, listener):
            task.cancel()
        for task in (sender, listener):
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await task
    for task in done:
        if not task.cancelled() and (error := task.exception()) is not None:
            if isinstance(error, WebSocketDisconnect):
                return
            raise error


def origin_allowed(origin: str, host: str, trusted: list[str]) -> bool:
    """Allow the socket's own site (Origin matches Host) and the configured origins."""
    origin = origin.strip().rstrip("/")
    if origin in trusted:
        return True
    _, _, netloc = origin.partition("://")
    return bool(host) and netloc.lower() == host.strip().lower()


async def _send(websocket: WebSocket, sub: Subscriber) -> None:
    """Send queued messages; ping when quiet; close when asked (the hub closes revoked tokens)."""
    while True:
        try:
            message = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_SECONDS)
        except TimeoutError:
            message = {"type": "ping"}
        if sub.closing is not None:
            code, reason = sub.closing
            await _close_quietly(websocket, code, reason)
            return
        await websocket.send_json(message)


async def _listen(websocket: WebSocket, sub: Subscriber) -> None:
    """Read the client's frames until it goes: answer pings, ignore the rest."""
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        text = frame.get("text")
        if text is not None and _is_ping(text):
            sub.offer({"type": "pong"})


def _is_ping(text: str) -> bool:
    text = text.strip()
    if text == "ping":
        return True
    try:
        body: Any = json.loads(text)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("type") == "ping"


async def _close_quietly(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.application_state == WebSocketState.DISCONNECTED:
        return
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.close(code, reason)
