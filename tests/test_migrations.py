"""The migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crmflow.db import all_models  # noqa: F401 - every model registers on Base.metadata
from crmflow.db.base import Base
from crmflow.db.session import get_engine


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    with get_engine(db_url, writer=False).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], (
        "a model changed without a migration (alembic revision --autogenerate)"
    )
