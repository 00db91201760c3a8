"""Apply Alembic migrations from code (at start-up and from `crmflow db upgrade`)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

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
    with _lock, engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
