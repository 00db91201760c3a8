"""Core-level writes for the hot path of internal actions.

Statements are built once and executed with parameters: building `insert(...).values(...)`
per row costs more than the SQL itself at thousands of rows per second. On SQLite the insert
goes straight to the driver with SQLAlchemy's own bind processors (the same conversions the
ORM applies), skipping per-statement execution-context set-up, which halves an action's cost.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Executable, Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class _SqliteInsert:
    """One INSERT ... RETURNING id for a fixed column list, run on the sqlite3 connection."""

    def __init__(
        self, table: Table, columns: tuple[str, ...], key_column: str | None, dialect: Dialect
    ) -> None:
        self.columns = columns
        self.processors: list[Callable[[Any], Any] | None] = [
            table.c[name].type._cached_bind_processor(dialect) for name in columns
        ]
        names = ", ".join(f'"{name}"' for name in columns)
        marks = ", ".join("?" for _ in columns)
        conflict = f' ON CONFLICT ("{key_column}") DO NOTHING' if key_column else ""
        self.sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}){conflict} RETURNING id'

    def run(self, conn: Connection, values: dict[str, Any]) -> int | None:
        params = [
            (process(values[name]) if process is not None else values[name])
            for name, process in zip(self.columns, self.processors, strict=True)
        ]
        driver = conn.connection.driver_connection
        assert driver is not None
        row = driver.execute(self.sql, params).fetchone()
        return int(row[0]) if row is not None else None


@lru_cache(maxsize=128)
def _sqlite_insert(
    table: Table, columns: tuple[str, ...], key_column: str | None, dialect: Dialect
) -> _SqliteInsert:
    return _SqliteInsert(table, columns, key_column, dialect)


@lru_cache(maxsize=64)
def _insert_ignoring(table: Table, key_column: str) -> Executable:
    return (
        postgresql.insert(table)
        .on_conflict_do_nothing(index_elements=[key_column])
        .returning(table.c.id)
    )


@lru_cache(maxsize=64)
def _select_by_key(table: Table, key_column: str) -> Executable:
    return select(table.c.id).where(table.c[key_column] == bindparam("key"))


@lru_cache(maxsize=64)
def _insert_returning_id(table: Table) -> Executable:
    return insert(table).returning(table.c.id)


def insert_once(
    conn: Connection, table: Table, *, key_column: str, key: str, values: dict[str, Any]
) -> int:
    """Insert a row unless one with this idempotency key exists; return the row's id either way.

    The unique key makes a replayed step a no-op even if its run was committed in pieces.
    """
    row = {**values, key_column: key}
    if conn.dialect.name == "sqlite":
        new_id = _sqlite_insert(table, tuple(row), key_column, conn.dialect).run(conn, row)
    else:
        new_id = conn.execute(_insert_ignoring(table, key_column), row).scalar()
    if new_id is None:
        new_id = conn.execute(_select_by_key(table, key_column), {"key": key}).scalar_one()
    return int(new_id)


def insert_row(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    """Insert one row and return its id."""
    if conn.dialect.name == "sqlite":
        new_id = _sqlite_insert(table, tuple(values), None, conn.dialect).run(conn, values)
        assert new_id is not None
        return new_id
    return int(conn.execute(_insert_returning_id(table), values).scalar_one())
