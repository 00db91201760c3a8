"""metric totals: all-time execution and action counts that pruning never lowers

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "execution_stat_totals",
        sa.Column("workflow_id", BIG_ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("duration_sum_ms", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_execution_stat_totals_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workflow_id", "status", "bucket", name=op.f("pk_execution_stat_totals")
        ),
    )
    op.create_table(
        "action_stat_totals",
        sa.Column("action_type", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("duration_sum_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "action_type", "status", "bucket", name=op.f("pk_action_stat_totals")
        ),
    )
    # Counting starts now: old steps' durations cannot be placed in buckets in SQL, and a
    # guess would show them faster than they were.


def downgrade() -> None:
    op.drop_table("action_stat_totals")
    op.drop_table("execution_stat_totals")
