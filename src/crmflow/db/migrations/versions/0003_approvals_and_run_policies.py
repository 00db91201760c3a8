"""approvals, run policies and step attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import crmflow.db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column(
            "execution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "workflow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("step_path", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("on_timeout", sa.String(length=10), nullable=True),
        sa.Column("timeout_seconds", sa.Double(), nullable=True),
        sa.Column("expires_at", crmflow.db.base.UTCDateTime(), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column(
            "context",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", crmflow.db.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_approval_requests_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["workflow_executions.id"],
            name=op.f("fk_approval_requests_execution_id_workflow_executions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_approval_requests_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
        sa.UniqueConstraint(
            "execution_id", "step_path", name=op.f("uq_approval_requests_execution_id_step_path")
        ),
    )
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_requests_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_approval_requests_company_status", ["company_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_approval_requests_status_expires", ["status", "expires_at"], unique=False
        )

    op.create_table(
        "approval_approvers",
        sa.Column(
            "approval_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approval_requests.id"],
            name=op.f("fk_approval_approvers_approval_id_approval_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_approval_approvers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_approvers")),
        sa.UniqueConstraint(
            "approval_id", "user_id", name=op.f("uq_approval_approvers_approval_id_user_id")
        ),
    )
    with op.batch_alter_table("approval_approvers", schema=None) as batch_op:
        batch_op.create_index("ix_approval_approvers_user", ["user_id"], unique=False)

    op.create_table(
        "approval_decisions",
        sa.Column(
            "approval_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("decided_at", crmflow.db.base.UTCDateTime(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approval_requests.id"],
            name=op.f("fk_approval_decisions_approval_id_approval_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_approval_decisions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_decisions")),
        sa.UniqueConstraint(
            "approval_id", "user_id", name=op.f("uq_approval_decisions_approval_id_user_id")
        ),
    )
    with op.batch_alter_table("approval_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_decisions_approval_id"), ["approval_id"], unique=False
        )

    with op.batch_alter_table("execution_steps", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attempts",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )

    with op.batch_alter_table("workflow_executions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_for", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "rerun_of_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )

    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "run_policy",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.drop_column("run_policy")

    with op.batch_alter_table("workflow_executions", schema=None) as batch_op:
        batch_op.drop_column("rerun_of_id")
        batch_op.drop_column("waiting_for")

    with op.batch_alter_table("execution_steps", schema=None) as batch_op:
        batch_op.drop_column("attempts")

    with op.batch_alter_table("approval_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_decisions_approval_id"))

    op.drop_table("approval_decisions")
    with op.batch_alter_table("approval_approvers", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_approvers_user")

    op.drop_table("approval_approvers")
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_requests_status_expires")
        batch_op.drop_index("ix_approval_requests_company_status")
        batch_op.drop_index(batch_op.f("ix_approval_requests_company_id"))

    op.drop_table("approval_requests")
