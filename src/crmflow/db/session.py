"""Engine and session factory: one engine per database URL, tuned per dialect."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

_engines: dict[tuple[str, bool], Engine] = {}
_factories: dict[tuple[str, bool], sessionmaker[Session]] = {}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; NORMAL sync is durable at checkpoints and
    # survives process crashes (only an OS crash can lose the last commits).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at BEGIN so two writers never deadlock upgrading read locks.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def is_sqlite(url: str) -> bool:
    """Tell whether a URL points at SQLite."""
    return make_url(url).drivername.startswith("sqlite")


def build_engine(url: str, *, writer: bool = True) -> Engine:
    """Create an engine for a URL (SQLite gets WAL and a busy timeout).

    SQLite writers begin with BEGIN IMMEDIATE so read-then-write transactions wait for the lock
    instead of failing on upgrade; readers begin deferred so they never block writers.
    """
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        memory = parsed.database in (None, "", ":memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
            poolclass=NullPool if memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin if writer else _sqlite_begin_deferred)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def get_engine(url: str, *, writer: bool = True) -> Engine:
    """Return the shared engine for a URL (PostgreSQL uses one engine for both roles)."""
    key = (url, writer or not is_sqlite(url))
    if key not in _engines:
        _engines[key] = build_engine(url, writer=key[1])
    return _engines[key]


def get_session_factory(url: str, *, writer: bool = True) -> sessionmaker[Session]:
    """Return the shared session factory for a URL; `writer=False` for read-only work."""
    key = (url, writer)
    if key not in _factories:
        _factories[key] = sessionmaker(get_engine(url, writer=writer), expire_on_commit=False)
    return _factories[key]


def dispose_all() -> None:
    """Close every pooled connection (tests and shutdown)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _factories.clear()


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    session = get_session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def mask_url(url: str) -> str:
    """Render a database/broker URL with its password hidden (for error messages and logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as-is minus credentials
        return url.split("@")[-1]
