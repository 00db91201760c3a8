"""blueprints (process templates) and the editor's saved graph layout

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crmflow.db.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = crmflow.db.base.UTCDateTime
JSON = crmflow.db.base.JSONType


def upgrade() -> None:
    op.create_table(
        "process_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("template_type", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=True),
        sa.Column("trigger_type", sa.String(length=60), nullable=False),
        sa.Column("trigger_config", JSON, nullable=False),
        sa.Column("conditions", JSON, nullable=True),
        sa.Column("process_steps", JSON, nullable=False),
        sa.Column("variables", JSON, nullable=False),
        sa.Column("settings", JSON, nullable=False),
        sa.Column("graph_spec", JSON, nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("updated_at", WHEN(), nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_process_templates_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_process_templates_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_templates")),
        sa.UniqueConstraint(
            "company_id",
            "name",
            "version",
            name=op.f("uq_process_templates_company_id_name_version"),
        ),
        sqlite_autoincrement=True,  # ids are never reused (see 0006)
    )
    with op.batch_alter_table("process_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_process_templates_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_process_templates_company_name", ["company_id", "name"], unique=False
        )
    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("graph_layout", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.drop_column("graph_layout")
    op.drop_table("process_templates")
