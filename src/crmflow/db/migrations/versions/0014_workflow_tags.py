"""workflow tags: one row per (workflow, tag), filterable and countable on every database

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # A link table rather than a JSON list: "has tag x" and "count per tag" are plain indexed
    # SQL on SQLite and PostgreSQL alike, with no JSON operators that differ between them.
    op.create_table(
        "workflow_tags",
        sa.Column("workflow_id", BIG_ID, nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_workflow_tags_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_tags_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workflow_id", "key", name=op.f("pk_workflow_tags")),
    )
    with op.batch_alter_table("workflow_tags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_tags_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index("ix_workflow_tags_company_key", ["company_id", "key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workflow_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_workflow_tags_company_key")
        batch_op.drop_index(batch_op.f("ix_workflow_tags_company_id"))
    op.drop_table("workflow_tags")
