"""What differs between SQLite and PostgreSQL, in one place, behind database-neutral names.

Callers ask what they need ("does a failed statement abort the transaction?", "an INSERT that
can skip conflicts") and never compare dialect names themselves.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import Connection, Select, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Bind = Connection | Session


def _name(bind: Bind) -> str:
    if isinstance(bind, Session):
        return bind.get_bind().dialect.name
    return bind.dialect.name


def is_postgresql(bind: Bind) -> bool:
    """True on PostgreSQL (row locks, SKIP LOCKED, a failed statement aborts the transaction)."""
    return _name(bind) == "postgresql"


def row_locks(bind: Bind) -> bool:
    """True where rows can be locked and others' locked rows skipped (FOR UPDATE SKIP LOCKED)."""
    return is_postgresql(bind)


def failed_statement_aborts_transaction(bind: Bind) -> bool:
    """True where one failed statement dooms its transaction (PostgreSQL); SQLite undoes just it."""
    return is_postgresql(bind)


def isolated(conn: Connection) -> AbstractContextManager[Any]:
    """A savepoint where a failed statement would abort the transaction; nothing on SQLite."""
    return conn.begin_nested() if failed_statement_aborts_transaction(conn) else nullcontext()


def skip_locked(query: Select[Any], bind: Bind) -> Select[Any]:
    """Lock the selected rows, skipping those another transaction holds (no-op on SQLite).

    SQLite has one writer at a time, so there is nothing to skip there.
    """
    return query.with_for_update(skip_locked=True) if is_postgresql(bind) else query


def upsert_insert(bind: Bind | bool) -> Any:
    """The dialect's `insert` construct, which has `on_conflict_do_nothing/do_update`.

    `bind` may be `is_postgresql(...)` itself, to build statements once per database kind.
    """
    postgres = bind if isinstance(bind, bool) else is_postgresql(bind)
    return postgresql.insert if postgres else sqlite.insert


def adding_upsert(table: Any, keys: list[str], added: list[str], bind: Bind | bool) -> Any:
    """An insert that, on a row already at `keys`, adds the new values of `added` to its own
    (all-time totals: counts, sums)."""
    stmt = upsert_insert(bind)(table)
    return stmt.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + stmt.excluded[name] for name in added},
    )


def greatest(bind: Bind | bool) -> Any:
    """The SQL function that returns the largest of its arguments (`bind` as for upsert)."""
    postgres = bind if isinstance(bind, bool) else is_postgresql(bind)
    return func.greatest if postgres else func.max


def write_count(conn: Connection) -> int:
    """A count that grows when the connection writes: compare it before and after some work.

    SQLite counts the rows changed through the connection (even if undone since). PostgreSQL
    assigns the transaction an id on its first write: 1 once it has one, 0 before.
    """
    if is_postgresql(conn):
        assigned = conn.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()").scalar()
        return 0 if assigned is None else 1
    raw = conn.connection.dbapi_connection
    return int(getattr(raw, "total_changes", 0))
