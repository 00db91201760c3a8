"""workflow suggestions mined from history, the generator's jobs, and all-time counts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crmflow.db.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = crmflow.db.base.UTCDateTime
JSON = crmflow.db.base.JSONType
PENDING_ONLY = sa.text("status = 'pending'")


def _company(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["company_id"],
        ["companies.id"],
        name=op.f(f"fk_{table}_company_id_companies"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "workflow_suggestions",
        sa.Column("workflow_id", BIG_ID, nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("mined_title", sa.String(length=300), nullable=False),
        sa.Column("mined_description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("confidence_score", sa.Float(), nullable=False),
        sa.Column("pattern_frequency", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("change", JSON, nullable=True),
        sa.Column("backtest", JSON, nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("decided_by", BIG_ID, nullable=True),
        sa.Column("decided_at", WHEN(), nullable=True),
        sa.Column("applied_workflow_id", BIG_ID, nullable=True),
        sa.Column("applied_version", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("updated_at", WHEN(), nullable=False),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        _company("workflow_suggestions"),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_suggestions_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_suggestions")),
        sqlite_autoincrement=True,  # ids are never reused (see 0006)
    )
    with op.batch_alter_table("workflow_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_suggestions_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workflow_suggestions_workflow_id"), ["workflow_id"], unique=False
        )
        batch_op.create_index(
            "ix_workflow_suggestions_company_status", ["company_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_workflow_suggestions_pending",
            ["company_id", "fingerprint"],
            unique=True,
            sqlite_where=PENDING_ONLY,
            postgresql_where=PENDING_ONLY,
        )
    op.create_table(
        "suggestion_jobs",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("min_occurrences", sa.Integer(), nullable=False),
        sa.Column("use_llm", sa.Boolean(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("refreshed_count", sa.Integer(), nullable=False),
        sa.Column("discarded", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("updated_at", WHEN(), nullable=False),
        sa.Column("finished_at", WHEN(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        _company("suggestion_jobs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_jobs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("suggestion_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suggestion_jobs_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "suggestion_stat_totals",
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "status", name=op.f("pk_suggestion_stat_totals")),
    )


def downgrade() -> None:
    op.drop_table("suggestion_stat_totals")
    op.drop_table("suggestion_jobs")
    op.drop_table("workflow_suggestions")
