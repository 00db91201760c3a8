"""Domain errors and their mapping to HTTP responses ({"detail": ...})."""

from __future__ import annotations

import logging
import math
import sqlite3
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import Response

from crmflow.common.i18n import request_language
from crmflow.common.i18n_problems import translate_detail, translate_problem
from crmflow.db.outage import unavailable_reason

log = logging.getLogger("crmflow.api")

# Seconds a client should wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    """An error the caller can fix; carries its HTTP status."""

    status_code = 400
    # The `type` of the error items in `detail` (ErrorItem in common/error_schemas.py).
    error_type = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, extra: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def detail(self) -> Any:
        """Return the JSON `detail` body."""
        if self.field is None and self.extra is None:
            return self.message
        body: dict[str, Any] = {"msg": self.message}
        if self.field is not None:
            body["loc"] = self.field
            body["type"] = self.error_type
        if self.extra is not None:
            body["info"] = self.extra
        return [body] if self.field is not None else body


class NotFound(DomainError):
    """The id does not exist in the caller's company."""

    status_code = 404
    error_type = "not_found"


class Forbidden(DomainError):
    """The caller's role may not do this."""

    status_code = 403
    error_type = "forbidden"


class Conflict(DomainError):
    """The request conflicts with the current state."""

    status_code = 409
    error_type = "conflict"


class Invalid(DomainError):
    """The input is well-formed JSON but wrong; names the field."""

    status_code = 422
    error_type = "value_error"


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _ctx(ctx: Any) -> dict[str, Any]:
    """A validation error's context with JSON-safe primitives only (a UI phrases it from these).

    Exceptions (a value error's cause) are dropped, their text is in `msg`; dates and decimals
    become strings; non-finite floats are not JSON.
    """
    out: dict[str, Any] = {}
    for key, value in (ctx or {}).items() if isinstance(ctx, dict) else ():
        if isinstance(value, BaseException):
            continue
        finite = not isinstance(value, float) or math.isfinite(value)
        if (isinstance(value, bool | int | float | str) and finite) or value is None:
            out[str(key)] = value
        else:
            out[str(key)] = str(value)
    return out


def database_unavailable(reason: str) -> JSONResponse:
    """The 503 answer while the database cannot serve: a reason, never a trace or a URL."""
    return JSONResponse(
        {"detail": f"database unavailable: {reason}; retry later"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain, validation, integrity and database-unavailable errors to JSON responses.

    Messages are in the request's language (`Accept-Language`); `loc`, `type`, `ctx` and
    `info` are the same in every language.
    """

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        detail = translate_detail(request_language(request), exc.detail())
        return JSONResponse({"detail": detail}, status_code=exc.status_code)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        # FastAPI's own answer (headers, bodiless statuses), with the message translated.
        detail = translate_detail(request_language(request), exc.detail)
        if detail != exc.detail:
            exc = HTTPException(exc.status_code, detail, headers=exc.headers)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        language = request_language(request)
        errors = []
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            if loc[:1] == ["body"]:  # the request body is the root; a field may be named body
                loc = loc[1:]
            msg = err.get("msg")
            ctx = _ctx(err.get("ctx"))
            if err.get("type") == "json_invalid":
                # Its loc is (body, character offset): an offset is not a JSON path.
                loc = []
                msg = f"invalid JSON ({err.get('ctx', {}).get('error', 'decode error')})"
            errors.append(
                {
                    "loc": _loc(loc),
                    "msg": f"{_loc(loc) or 'body'}: {translate_problem(language, str(msg))}",
                    "type": err.get("type"),
                    "ctx": ctx,
                }
            )
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        return JSONResponse(
            {"detail": "conflict with existing data (a unique or foreign key constraint)"},
            status_code=409,
        )

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        reason = unavailable_reason(exc)
        if reason is None:
            raise exc  # a bug, not an outage: Starlette answers a plain 500 and logs the trace
        log.warning("%s %s: database unavailable (%s)", request.method, request.url.path, reason)
        return database_unavailable(reason)

    # DBAPIError covers SQLAlchemy's wrapped driver errors (IntegrityError keeps its own
    # handler: the most specific class wins); raw driver errors can escape from engine events
    # (the SQLite writer lock's timeout) and the pool raises its own timeout.
    for error in (DBAPIError, PoolTimeout, sqlite3.OperationalError, psycopg.OperationalError):
        app.add_exception_handler(error, _database)
