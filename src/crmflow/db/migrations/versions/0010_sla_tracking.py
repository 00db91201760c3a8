"""SLA tracking: SLAs on workflows or steps, the breaches found, the scan's cursor

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crmflow.db.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = crmflow.db.base.UTCDateTime


def _company(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["company_id"],
        ["companies.id"],
        name=op.f(f"fk_{table}_company_id_companies"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "workflow_slas",
        sa.Column("workflow_id", BIG_ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("step_path", sa.String(length=300), nullable=True),
        sa.Column("target_duration_seconds", sa.Double(), nullable=False),
        sa.Column("warning_threshold_seconds", sa.Double(), nullable=False),
        sa.Column("critical_threshold_seconds", sa.Double(), nullable=False),
        sa.Column("slo_window_hours", sa.Integer(), nullable=False),
        sa.Column("slo_target_percentage", sa.Double(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.Column("updated_at", WHEN(), nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        _company("workflow_slas"),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_slas_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_slas")),
        sqlite_autoincrement=True,  # ids are never reused (see 0006)
    )
    with op.batch_alter_table("workflow_slas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_slas_company_id"), ["company_id"])
        batch_op.create_index("ix_workflow_slas_workflow_active", ["workflow_id", "is_active"])
    op.create_table(
        "sla_breaches",
        sa.Column("sla_id", BIG_ID, nullable=False),
        sa.Column("workflow_id", BIG_ID, nullable=False),
        sa.Column("execution_id", BIG_ID, nullable=False),
        sa.Column("step_path", sa.String(length=300), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("threshold_seconds", sa.Double(), nullable=False),
        sa.Column("elapsed_seconds", sa.Double(), nullable=False),
        sa.Column("breach_margin_seconds", sa.Double(), nullable=False),
        sa.Column("execution_status", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detected_at", WHEN(), nullable=False),
        sa.Column("acknowledged_by", BIG_ID, nullable=True),
        sa.Column("acknowledged_at", WHEN(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("resolved_at", WHEN(), nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        _company("sla_breaches"),
        sa.ForeignKeyConstraint(
            ["sla_id"],
            ["workflow_slas.id"],
            name=op.f("fk_sla_breaches_sla_id_workflow_slas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_sla_breaches_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["workflow_executions.id"],
            name=op.f("fk_sla_breaches_execution_id_workflow_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_breaches")),
        sa.UniqueConstraint(
            "execution_id",
            "sla_id",
            "severity",
            name=op.f("uq_sla_breaches_execution_id_sla_id_severity"),
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_breaches_company_id"), ["company_id"])
        batch_op.create_index(batch_op.f("ix_sla_breaches_execution_id"), ["execution_id"])
        batch_op.create_index("ix_sla_breaches_company_status", ["company_id", "status"])
    op.create_table(
        "sla_scan_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_until", WHEN(), nullable=False),
        sa.Column("health_checked_at", WHEN(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_scan_cursor")),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "workflow_alerts",
        sa.Column("workflow_id", BIG_ID, nullable=False),
        sa.Column("sla_id", BIG_ID, nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", crmflow.db.base.JSONType, nullable=False),
        sa.Column("opened_at", WHEN(), nullable=False),
        sa.Column("resolved_at", WHEN(), nullable=True),
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("company_id", BIG_ID, nullable=False),
        _company("workflow_alerts"),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_alerts_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sla_id"],
            ["workflow_slas.id"],
            name=op.f("fk_workflow_alerts_sla_id_workflow_slas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_alerts")),
        sa.UniqueConstraint(
            "workflow_id", "kind", "key", name=op.f("uq_workflow_alerts_workflow_id_kind_key")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("workflow_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflow_alerts_company_id"), ["company_id"])
        batch_op.create_index("ix_workflow_alerts_company_open", ["company_id", "resolved_at"])


def downgrade() -> None:
    op.drop_table("workflow_alerts")
    op.drop_table("sla_scan_cursor")
    op.drop_table("sla_breaches")
    op.drop_table("workflow_slas")
