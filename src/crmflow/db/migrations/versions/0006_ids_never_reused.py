"""ids never reused: AUTOINCREMENT on SQLite, version checksums, random run keys; token expiry,
sign-in failures, hook replay guard and per-workflow hook rate

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import crmflow.db.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _checksum(definition: Any) -> str:
    # The same canonical form as crmflow.workflows.models.definition_checksum (frozen here:
    # a migration must not change when the application code does).
    if isinstance(definition, str):
        definition = json.loads(definition)
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rebuild_sqlite_tables_with_autoincrement() -> None:
    """Recreate every table with an integer `id` key as AUTOINCREMENT (SQLite cannot ALTER it).

    crmflow.db.migrate turns foreign keys off around migrations, so dropping the old table does
    not cascade into its children; rows are copied, so sqlite_sequence starts at max(id).
    """
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        if inspector.get_pk_constraint(table).get("constrained_columns") != ["id"]:
            continue
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("workflow_versions") as batch:
        batch.add_column(sa.Column("checksum", sa.String(64), nullable=True))
    versions = sa.table(
        "workflow_versions",
        sa.column("id", BIG_ID),
        sa.column("definition", sa.JSON),
        sa.column("checksum", sa.String),
    )
    rows = bind.execute(sa.select(versions.c.id, versions.c.definition)).all()
    if rows:
        bind.execute(
            versions.update()
            .where(versions.c.id == sa.bindparam("b_id"))
            .values(checksum=sa.bindparam("b_checksum")),
            [{"b_id": row.id, "b_checksum": _checksum(row.definition)} for row in rows],
        )
    with op.batch_alter_table("workflow_versions") as batch:
        batch.alter_column("checksum", existing_type=sa.String(64), nullable=False)

    # Existing runs keep their id as run key, so the idempotency keys of steps already sent
    # (`<id>:<path>`) stay the same when they resume; new runs get a random key.
    with op.batch_alter_table("workflow_executions") as batch:
        batch.add_column(sa.Column("run_key", sa.String(32), nullable=True))
    op.execute("UPDATE workflow_executions SET run_key = CAST(id AS VARCHAR(32))")
    with op.batch_alter_table("workflow_executions") as batch:
        batch.alter_column("run_key", existing_type=sa.String(32), nullable=False)

    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("expires_at", crmflow.db.base.UTCDateTime(timezone=False), nullable=True)
        )
    with op.batch_alter_table("workflows") as batch:
        batch.add_column(sa.Column("hook_rate_limit", sa.Integer(), nullable=True))

    op.create_table(
        "login_failures",
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", crmflow.db.base.UTCDateTime(timezone=False), nullable=False),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_login_failures_email", "login_failures", ["email", "failed_at"])
    op.create_index("ix_login_failures_address", "login_failures", ["address", "failed_at"])
    op.create_index(op.f("ix_login_failures_failed_at"), "login_failures", ["failed_at"])

    op.create_table(
        "hook_signatures",
        sa.Column("workflow_id", BIG_ID, nullable=False),
        sa.Column("signature_digest", sa.String(64), nullable=False),
        sa.Column("received_at", crmflow.db.base.UTCDateTime(timezone=False), nullable=False),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_hook_signatures_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hook_signatures")),
        sa.UniqueConstraint(
            "workflow_id",
            "signature_digest",
            name=op.f("uq_hook_signatures_workflow_id_signature_digest"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_hook_signatures_received_at"), "hook_signatures", ["received_at"])

    if bind.dialect.name == "sqlite":
        _rebuild_sqlite_tables_with_autoincrement()


def downgrade() -> None:
    op.drop_index(op.f("ix_hook_signatures_received_at"), table_name="hook_signatures")
    op.drop_table("hook_signatures")
    op.drop_index(op.f("ix_login_failures_failed_at"), table_name="login_failures")
    op.drop_index("ix_login_failures_address", table_name="login_failures")
    op.drop_index("ix_login_failures_email", table_name="login_failures")
    op.drop_table("login_failures")
    with op.batch_alter_table("workflows") as batch:
        batch.drop_column("hook_rate_limit")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("workflow_executions") as batch:
        batch.drop_column("run_key")
    with op.batch_alter_table("workflow_versions") as batch:
        batch.drop_column("checksum")
