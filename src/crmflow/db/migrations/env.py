"""Alembic environment: runs on the connection handed over by crmflow.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from crmflow.all_models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run migrations online, on the given connection or a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _configure_and_run(conn)
        return
    _configure_and_run(connection)


def _configure_and_run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
