"""Apply Alembic migrations from code (at start-up and from `crmflow db upgrade`)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from crmflow.db.session import get_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_lock = threading.Lock()


def alembic_config(url: str) -> Config:
    """Build the Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (idempotent)."""
    engine: Engine = get_engine(url)
    cfg = alembic_config(url)
    with _lock, engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, revision)
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # SQLite rebuilds a table to change it (batch mode): dropping the old copy with foreign keys
    # on would cascade-delete its children. The pragma only works outside a transaction, so it
    # goes straight to the DB-API connection (SQLAlchemy would begin one first).
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left rows breaking foreign keys: {broken[:5]}")
