"""Refuse U+0000 anywhere in a request's path, query or JSON body: a 422 naming where it is.

PostgreSQL stores NUL in neither `text` nor `jsonb` (the driver raises, which was a 500 on any
free-form field: event payloads, custom fields, trigger data, a search term), and no crmflow
input needs it. SQLite would store it, so the rule is checked here, the same on both databases.
Names and texts also refuse the other control characters (common/text.py); this covers the
places no field type describes.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.requests import HTTPConnection

NUL = "\x00"
MESSAGE = "control character U+0000 not allowed"
_JSON_NUL = b"\\u0000"  # how a NUL must appear in JSON text (raw control characters are invalid)


async def refuse_nul(connection: HTTPConnection) -> None:
    """Raise a validation error (422) for the first U+0000 in the path, query or JSON body."""
    if not isinstance(connection, Request):
        return  # a WebSocket: its token is only hashed, and it has no body
    request = connection
    where: tuple[str | int, ...] | None = None
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            where = ("path", name)
            break
    if where is None:
        for name, value in request.query_params.multi_items():
            if NUL in name or NUL in value:
                where = ("query", _shown(name))
                break
    if where is None and _is_json(request):
        body = await request.body()  # Starlette keeps it: the route reads the same bytes
        if _JSON_NUL in body:
            try:
                document = json.loads(body)
            except ValueError:
                document = None  # not JSON after all: the route's own parsing reports it
            path = nul_path(document)
            if path is not None:
                where = ("body", *path)
    if where is not None:
        raise RequestValidationError(
            [{"type": "control_character", "loc": where, "msg": MESSAGE, "input": None}]
        )


def nul_path(document: Any) -> tuple[str | int, ...] | None:
    """Return the path to the first string or key holding U+0000 in a JSON document, if any."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:  # no recursion: the nesting limit is enforced elsewhere, not relied on here
        path, value = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                return path
        elif isinstance(value, dict):
            for key in value:
                if NUL in key:
                    return (*path, _shown(key))
            stack.extend(((*path, key), item) for key, item in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(value))))
    return None


def _shown(text: str) -> str:
    return text.replace(NUL, "\\u0000")


def _is_json(request: Request) -> bool:
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")
