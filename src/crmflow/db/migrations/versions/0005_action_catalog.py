"""action catalog: custom entries and the records created by record-creating steps

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import crmflow.db.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "action_catalog_entries",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("action_type", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_idempotent", sa.Boolean(), nullable=False),
        sa.Column("latency_class", sa.String(length=20), nullable=False),
        sa.Column("side_effects", sa.JSON(), nullable=False),
        sa.Column("input_schema", _json(), nullable=False),
        sa.Column("output_schema", _json(), nullable=False),
        sa.Column("supports_dry_run", sa.Boolean(), nullable=False),
        sa.Column("config", _json(), nullable=False),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_action_catalog_entries_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_catalog_entries")),
        sa.UniqueConstraint(
            "company_id",
            "action_type",
            name=op.f("uq_action_catalog_entries_company_id_action_type"),
        ),
    )
    with op.batch_alter_table("action_catalog_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_catalog_entries_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "action_created_records",
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("action_type", sa.String(length=60), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", BIG_ID, nullable=False),
        sa.Column("output", _json(), nullable=False),
        sa.Column("created_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_action_created_records_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_created_records")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_action_created_records_idempotency_key")
        ),
    )
    with op.batch_alter_table("action_created_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_created_records_company_id"), ["company_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("action_created_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_created_records_company_id"))
    op.drop_table("action_created_records")

    with op.batch_alter_table("action_catalog_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_catalog_entries_company_id"))
    op.drop_table("action_catalog_entries")
