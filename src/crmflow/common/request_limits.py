"""Request body limits for every route: size (413) and JSON nesting (422 naming the field).

Both are enforced before any route code runs, so no handler ever sees a 50 MB body or a
document nested 10,000 levels deep (which would crash the JSON parser with a RecursionError).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from crmflow.db.json_limits import PARSE_CEILING, json_depth, value_depth

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def too_deep_field(body: bytes, limit: int) -> tuple[str, int] | None:
    """Return (field, depth) of the first top-level field nested deeper than `limit`, if any."""
    # Cheap exits first: fewer brackets than the limit cannot nest deeper than it.
    if body.count(b"{") + body.count(b"[") <= limit:
        return None
    depth = json_depth(body, stop_after=PARSE_CEILING)
    if depth <= limit:
        return None
    if depth > PARSE_CEILING:
        return "body", depth
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON after all: the route's own parsing reports it
    fields = document.items() if isinstance(document, dict) else [("body", document)]
    for name, value in fields:
        field_depth = value_depth(value)
        if field_depth > limit:
            return str(name), field_depth
    return None


class BodyTooLarge(Exception):
    """The request body passed the size limit while being read."""


class RequestLimits:
    """ASGI middleware: refuse bodies over `max_bytes` (413) or JSON deeper than `max_depth`."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large(send)
            return
        try:
            body, disconnected = await self._read(receive)
        except BodyTooLarge:
            await self._too_large(send)
            return
        if _is_json(scope):
            found = too_deep_field(body, self.max_depth)
            if found is not None:
                await self._too_deep(send, *found)
                return
        await self.app(scope, _replay(body, disconnected, receive), send)

    async def _read(self, receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    async def _too_large(self, send: Send) -> None:
        message = (
            f"request body larger than {self.max_bytes} bytes (the limit is CRMFLOW_MAX_BODY_BYTES)"
        )
        await _send_json(send, 413, {"detail": message}, close=True)

    async def _too_deep(self, send: Send, field: str, depth: int) -> None:
        shown = f"more than {PARSE_CEILING}" if depth > PARSE_CEILING else str(depth)
        message = (
            f"{field}: JSON nested {shown} levels deep; at most {self.max_depth} are allowed "
            "(CRMFLOW_MAX_JSON_DEPTH)"
        )
        detail = [{"loc": field, "msg": message, "type": "json_too_deep"}]
        await _send_json(send, 422, {"detail": detail})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return bool(media == b"application/json" or media.endswith(b"+json"))
    return False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    """Hand the buffered body to the app once, then pass later messages (disconnects) on."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if disconnected and not body:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_json(send: Send, status: int, payload: Any, *, close: bool = False) -> None:
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        # The rest of an oversized body is never read: the connection cannot be reused.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
