"""outbox for emails and webhooks, inbound hook tokens

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import crmflow.db.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_calls",
        sa.Column(
            "execution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("step_path", sa.String(length=300), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column(
            "headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("timeout_seconds", sa.Double(), nullable=False),
        sa.Column("next_attempt_at", crmflow.db.base.UTCDateTime(), nullable=True),
        sa.Column("lease_until", crmflow.db.base.UTCDateTime(), nullable=True),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", crmflow.db.base.UTCDateTime(), nullable=True),
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
            name=op.f("fk_webhook_calls_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_calls")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_webhook_calls_idempotency_key")),
    )
    with op.batch_alter_table("webhook_calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_calls_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index("ix_webhook_calls_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_webhook_calls_execution_id"), ["execution_id"], unique=False
        )

    with op.batch_alter_table("outgoing_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_path", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("next_attempt_at", crmflow.db.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("lease_until", crmflow.db.base.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_outgoing_emails_due", ["status", "next_attempt_at"], unique=False)

    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hook_token", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hook_secret", sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_workflows_hook_token"), ["hook_token"])


def downgrade() -> None:
    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_workflows_hook_token"), type_="unique")
        batch_op.drop_column("hook_secret")
        batch_op.drop_column("hook_token")

    with op.batch_alter_table("outgoing_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_emails_due")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("message_id")
        batch_op.drop_column("step_path")

    with op.batch_alter_table("webhook_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_calls_execution_id"))
        batch_op.drop_index("ix_webhook_calls_due")
        batch_op.drop_index(batch_op.f("ix_webhook_calls_company_id"))

    op.drop_table("webhook_calls")
