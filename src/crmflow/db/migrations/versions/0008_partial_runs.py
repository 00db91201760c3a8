"""partial runs: the number of steps that failed while a run went on

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workflow_executions") as batch:
        batch.add_column(
            sa.Column("steps_failed", sa.Integer(), nullable=False, server_default="0")
        )
    # Finished runs that went on past a failed step were stored as `success`: say what they
    # were. Their statistics buckets move with them, so the success rate tells the truth too.
    op.execute(
        """
        UPDATE workflow_executions SET steps_failed = (
            SELECT count(*) FROM execution_steps s
            WHERE s.execution_id = workflow_executions.id AND s.status = 'failed'
              AND s.type NOT IN ('parallel', 'branch')
        )
        """
    )
    bind = op.get_bind()
    moved = bind.execute(
        sa.text(
            "SELECT workflow_id, completed_at, duration_ms FROM workflow_executions "
            "WHERE status = 'success' AND steps_failed > 0 AND completed_at IS NOT NULL"
        )
    ).all()
    op.execute(
        "UPDATE workflow_executions SET status = 'partial' "
        "WHERE status = 'success' AND steps_failed > 0"
    )
    _move_buckets(bind, moved)


def _bucket_for(duration_ms: float) -> int:
    # crmflow.executions.stats.bucket_for, frozen: 8 log-scale buckets per doubling from 0.1 ms.
    if duration_ms <= 0.1:
        return 0
    return 1 + math.floor(8 * math.log2(duration_ms / 0.1))


def _move_buckets(bind: sa.Connection, moved: list[Any]) -> None:
    """Move those runs' counts and durations from the `success` buckets to `partial` ones."""
    totals: dict[tuple[int, Any, int], list[Any]] = defaultdict(lambda: [0, 0.0, None])
    for workflow_id, completed_at, duration_ms in moved:
        if isinstance(completed_at, str):
            completed_at = datetime.fromisoformat(completed_at)
        duration = float(duration_ms or 0.0)
        entry = totals[(int(workflow_id), completed_at.date(), _bucket_for(duration))]
        entry[0] += 1
        entry[1] += duration
        entry[2] = completed_at if entry[2] is None else max(entry[2], completed_at)
    for (workflow_id, day, bucket), (count, duration, last) in totals.items():
        key = {"w": workflow_id, "d": day, "b": bucket}
        bind.execute(
            sa.text(
                "UPDATE execution_stat_buckets SET count = count - :n, "
                "duration_sum_ms = duration_sum_ms - :ms "
                "WHERE workflow_id = :w AND day = :d AND status = 'success' AND bucket = :b"
            ),
            {**key, "n": count, "ms": duration},
        )
        bind.execute(
            sa.text(
                "DELETE FROM execution_stat_buckets WHERE workflow_id = :w AND day = :d "
                "AND status = 'success' AND bucket = :b AND count <= 0"
            ),
            key,
        )
        bind.execute(
            sa.text(
                "INSERT INTO execution_stat_buckets (workflow_id, day, status, bucket, count, "
                "duration_sum_ms, last_completed_at) VALUES (:w, :d, 'partial', :b, :n, :ms, :last)"
            ),
            {**key, "n": count, "ms": duration, "last": last},
        )


def downgrade() -> None:
    op.execute("UPDATE workflow_executions SET status = 'success' WHERE status = 'partial'")
    with op.batch_alter_table("workflow_executions") as batch:
        batch.drop_column("steps_failed")
