"""The Bearer-token check every API request makes, as one query compiled once.

`principal_for_token` through an ORM session costs about 0.5 ms (session, transaction,
statement cache key, row objects); this is the same query (`TOKEN_PRINCIPAL`) on a pooled
read connection, its SQL and type conversions prepared once per engine: about 0.02 ms on
SQLite. The answer is never cached: a revoked token, a deactivated user or an expired token
is refused by the very next request, in every API process, because each request reads the
current rows (a cache would need a per-request freshness read of the same cost).

On SQLite the check runs on the event loop itself, on a connection of its own: a WAL read
never waits for the writer, and it saves each request two thread hand-offs. Elsewhere (a
network round trip) it runs in the thread pool.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from crmflow.auth.models import ApiToken
from crmflow.auth.service import TOKEN_PRINCIPAL, Principal, hash_token, principal_from_row
from crmflow.db.base import utcnow

# How long a lookup on the event loop may wait for SQLite (a checkpoint, a recovery) before
# the request falls back to the thread pool: the loop must never stall.
LOOP_BUSY_TIMEOUT_MS = 50


def _identity(value: Any) -> Any:
    return value


class TokenLookup:
    """Resolve a Bearer token to its active user with one prepared query per request."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = engine.dialect
        compiled = TOKEN_PRINCIPAL.compile(dialect=dialect)
        self._sql = str(compiled)
        self._order: list[str] | None = (
            list(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        )
        moment = ApiToken.expires_at.type.dialect_impl(dialect)
        self._bind_now: Callable[[Any], Any] = moment.bind_processor(dialect) or _identity
        self._read_moment: Callable[[Any], Any] = (
            moment.result_processor(dialect, None) or _identity
        )
        self.on_loop = dialect.name == "sqlite"
        self._own: Any = None  # the event loop's connection (SQLite), opened on first use
        self._own_lock = threading.Lock()

    async def resolve(self, token: str) -> Principal | None:
        """The token's principal, checked without blocking the event loop."""
        if self.on_loop:
            try:
                return self._on_own_connection(token)
            except sqlite3.OperationalError:
                pass  # busy for once: the thread pool's connection waits instead
        return await run_in_threadpool(self, token)

    def __call__(self, token: str) -> Principal | None:
        """The token's principal, or None when it is unknown, revoked, expired or its user off."""
        connection = self.engine.raw_connection()
        try:
            return self._query(connection, token)
        finally:
            connection.close()  # back to the pool, whose reset ends the read

    def close(self) -> None:
        """Close the event loop's own connection, if one was opened."""
        with self._own_lock:
            own, self._own = self._own, None
        if own is not None:
            own.close()

    def _on_own_connection(self, token: str) -> Principal | None:
        with self._own_lock:
            if self._own is None:
                connection = self.engine.raw_connection()
                connection.detach()  # ours for good, not one of the pool's
                cursor = connection.cursor()
                cursor.execute(f"PRAGMA busy_timeout={LOOP_BUSY_TIMEOUT_MS}")
                cursor.close()
                self._own = connection
            return self._query(self._own, token)

    def _query(self, connection: Any, token: str) -> Principal | None:
        params = {"token_hash": hash_token(token), "now": self._bind_now(utcnow())}
        args: Any = tuple(params[name] for name in self._order) if self._order else params
        cursor = connection.cursor()
        try:
            cursor.execute(self._sql, args)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return None
        return principal_from_row((*row[:5], self._read_moment(row[5])))
