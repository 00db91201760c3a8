"""Tell "the database is unavailable" errors from bugs, and name the cause in a few safe words."""

from __future__ import annotations

import re
import sqlite3

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# (lower-case fragment of the driver's message, reason shown to callers); first match wins.
# Driver messages can name hosts, ports and users: callers only ever see these reasons.
_MESSAGES = (
    ("connection refused", "connection refused"),
    ("timeout expired", "connection timed out"),
    ("timed out", "connection timed out"),
    ("could not translate host name", "database host not found"),
    ("no route to host", "database host unreachable"),
    ("network is unreachable", "database host unreachable"),
    ("server closed the connection", "connection lost"),
    ("connection is closed", "connection lost"),
    ("connection is lost", "connection lost"),
    ("consuming input failed", "connection lost"),
    ("connection reset", "connection lost"),
    ("broken pipe", "connection lost"),
    ("terminating connection", "the server ended the connection"),
    ("the database system is", "the server is starting up or shutting down"),
    ("too many clients", "too many connections"),
    ("remaining connection slots", "too many connections"),
    ("database is locked", "database is locked"),
    ("database table is locked", "database is locked"),
    ("unable to open database file", "cannot open the database file"),
    ("disk i/o error", "disk I/O error"),
    ("database or disk is full", "disk full"),
)


def _words(class_name: str) -> str:
    """QueryCanceled -> 'query canceled' (psycopg names its errors after the SQLSTATE)."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", class_name).lower()


def unavailable_reason(exc: BaseException) -> str | None:
    """Return a short reason when `exc` means the database cannot serve now, else None.

    Unavailable: the pool has no free connection, a connection was lost or refused, the server
    is down or overloaded, PostgreSQL's operational errors (lock or statement timeouts,
    deadlocks, shutdowns: all worth retrying) and SQLite's locked, unopenable or failing file.
    Other SQLite operational errors ("no such table", syntax) are bugs, not outages.
    """
    if isinstance(exc, PoolTimeout):
        return "no free connection in the pool"
    invalidated = isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    operational = isinstance(
        orig, (sqlite3.OperationalError, psycopg.OperationalError, psycopg.InterfaceError)
    )
    if not (operational or invalidated):
        return None
    message = str(orig).lower()
    for fragment, reason in _MESSAGES:
        if fragment in message:
            return reason
    if invalidated:
        return "connection lost"
    if isinstance(orig, psycopg.OperationalError):
        name = type(orig).__name__
        return "database error" if name == "OperationalError" else _words(name)
    return None
