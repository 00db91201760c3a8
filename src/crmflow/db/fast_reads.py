"""Reading one row by id as fast as each database allows (the runner reads one per run).

On SQLite the full Core execution path costs several times the query itself, so the SELECT
runs on the driver with SQLAlchemy's own result processors; elsewhere it is a plain Core query.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, bindparam, select


class _SqliteSelect:
    """SELECT * FROM <table> WHERE id = ? on the sqlite3 driver, values processed as Core does."""

    def __init__(self, table: Table, dialect: Any) -> None:
        self.names = [c.key for c in table.columns]
        self.processors = [c.type._cached_result_processor(dialect, None) for c in table.columns]
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        self.sql = f'SELECT {columns} FROM "{table.name}" WHERE id = ?'

    def run(self, conn: Connection, row_id: int) -> dict[str, Any] | None:
        driver = conn.connection.driver_connection
        assert driver is not None
        row = driver.execute(self.sql, (row_id,)).fetchone()
        if row is None:
            return None
        return {
            name: (process(value) if process is not None and value is not None else value)
            for name, process, value in zip(self.names, self.processors, row, strict=True)
        }


# Built once per table: statement construction costs more than the query itself.
_SQLITE: dict[str, _SqliteSelect] = {}
_CORE: dict[str, Any] = {}


def row_by_id(conn: Connection, table: Table, row_id: int) -> dict[str, Any] | None:
    """The row of `table` with this id, as a dict of column keys, or None."""
    if conn.dialect.name == "sqlite":
        reader = _SQLITE.get(table.name)
        if reader is None:
            reader = _SQLITE[table.name] = _SqliteSelect(table, conn.dialect)
        return reader.run(conn, row_id)
    statement = _CORE.get(table.name)
    if statement is None:
        statement = _CORE[table.name] = select(table).where(table.c.id == bindparam("id"))
    row = conn.execute(statement, {"id": row_id}).first()
    return dict(row._mapping) if row is not None else None
