"""workflow simulations: dry runs, back-tests and comparisons with their results

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crmflow.db.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = crmflow.db.base.JSONType


def upgrade() -> None:
    op.create_table(
        "workflow_simulations",
        sa.Column("workflow_id", BIG_ID, nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("definition", JSON, nullable=True),
        sa.Column("input_data", JSON, nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=True),
        sa.Column("entity_id", BIG_ID, nullable=True),
        sa.Column("trigger_data", JSON, nullable=False),
        sa.Column("would_trigger", sa.Boolean(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("execution_path", JSON, nullable=False),
        sa.Column("branch_explorations", JSON, nullable=False),
        sa.Column("approval_chain", JSON, nullable=False),
        sa.Column("predicted_duration_ms", JSON, nullable=True),
        sa.Column("validation_errors", JSON, nullable=False),
        sa.Column("warnings", JSON, nullable=False),
        sa.Column("report", JSON, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Double(), nullable=True),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("created_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column("finished_at", crmflow.db.base.UTCDateTime(), nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_workflow_simulations_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_simulations_workflow_id_workflows"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_simulations")),
        # Ids are never reused (see 0006).
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("workflow_simulations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_simulations_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workflow_simulations_workflow_id"), ["workflow_id"], unique=False
        )
        batch_op.create_index(
            "ix_workflow_simulations_company_created", ["company_id", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("workflow_simulations")
