"""Engine and session factory: one engine per database URL, tuned per dialect."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from crmflow.db.json_limits import load_stored_json
from crmflow.db.writer_lock import WriterLock, others_waiting

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


PG_CONNECT_TIMEOUT_SECONDS = 10

_LOCKS: dict[Engine, WriterLock] = {}


def foreground_writers_waiting(session: Session) -> bool:
    """Tell whether API requests (or other non-runtime writers) queue for this SQLite database."""
    return others_waiting(_LOCKS.get(session.get_bind().engine))


def _sqlite_begin_writer(lock: WriterLock) -> Any:
    def begin(conn: Any) -> None:
        # BEGIN IMMEDIATE takes SQLite's write lock up front, so read-then-write transactions
        # never fail on upgrade; the process lock makes the wait short and fair.
        holder = conn.connection.dbapi_connection
        lock.acquire(holder)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release(holder)
            raise

    return begin


def _end_then_release(lock: WriterLock, finish: str) -> Any:
    # The engine's commit/rollback events fire before the DBAPI call. Finish the transaction
    # here, then hand the lock over, so the next writer never meets SQLite's lock still held;
    # the DBAPI's own commit/rollback that follows is a no-op outside a transaction.
    def end(conn: Any) -> None:
        holder = conn.connection.dbapi_connection
        try:
            getattr(holder, finish)()
        finally:
            lock.release(holder)

    return end


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def _writer_lock_path(database: str) -> str | None:
    # URI filenames (file:...?mode=...) name their file before the "?".
    if database.startswith("file:"):
        if "mode=memory" in database:
            return None
        database = database[len("file:") :].split("?", 1)[0]
    return f"{database}-writer.lock"


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
            json_deserializer=load_stored_json,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if writer:
            lock = WriterLock(None if memory else _writer_lock_path(parsed.database or ""))
            _LOCKS[engine] = lock
            event.listen(engine, "begin", _sqlite_begin_writer(lock))
            event.listen(engine, "commit", _end_then_release(lock, "commit"))
            event.listen(engine, "rollback", _end_then_release(lock, "rollback"))
        else:
            event.listen(engine, "begin", _sqlite_begin_deferred)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    # libpq waits for a connection forever by default: a database host that drops packets
    # would hang requests and workers instead of failing fast (503, back-off). The URL's own
    # connect_timeout wins. pool_pre_ping replaces connections a restart or outage broke.
    connect_args: dict[str, Any] = {}
    if parsed.drivername.startswith("postgres") and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_SECONDS
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        connect_args=connect_args,
        json_deserializer=load_stored_json,
    )


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


def dispose_all(*, close: bool = True) -> None:
    """Forget every engine and its pooled connections (tests, shutdown, after a fork).

    After a fork pass `close=False`: the connections belong to the parent, which may still
    use them, so the child must drop them without closing the sockets.
    """
    for engine in _engines.values():
        engine.dispose(close=close)
        lock = _LOCKS.pop(engine, None)
        if lock is not None and close:
            lock.close()
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
