"""Run policies per trigger record: one run at a time (single, restart, queued), re-enrollment.

Checked when a run is about to start its steps, in the batch's transaction. "In progress" means
an older execution of the same workflow for the same record that is pending, running or
waiting, and has not already finished earlier in this very batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, select

from crmflow.common.enums import FINISHED_STATUSES, IN_PROGRESS, ExecutionStatus
from crmflow.db import dialect
from crmflow.engine.approval_requests import close_open_approvals
from crmflow.engine.definition import Reenrollment, RunMode, RunPolicy
from crmflow.engine.options import RunOptions
from crmflow.executions import lifecycle
from crmflow.executions.lifecycle import EXECUTIONS

# A queued run is woken when the run ahead of it finishes; this poll is only a safety net.
QUEUE_POLL = timedelta(seconds=30)


@dataclass
class PolicyVerdict:
    """What the policy decided: run, skip (with why), or wait in the queue."""

    action: str  # run | skip | queue
    explanation: str = ""
    cancelled: list[tuple[int, int]] | None = None  # (execution id, workflow id) restarted


def _same_record(row: dict[str, Any]) -> Any:
    ex = EXECUTIONS.c
    return and_(
        ex.workflow_id == row["workflow_id"],
        ex.trigger_entity_type == row["trigger_entity_type"],
        ex.trigger_entity_id == row["trigger_entity_id"],
        ex.id < row["id"],
    )


def check_reenrollment(
    conn: Connection, row: dict[str, Any], policy: RunPolicy, now: datetime
) -> str | None:
    """Return why this record may not go through the workflow again, or None."""
    rule = policy.reenrollment
    if rule == "always" or row["rerun_of_id"] is not None:
        return None  # an explicit rerun is the user's call
    ex = EXECUTIONS.c
    query = select(ex.id, ex.created_at).where(
        _same_record(row), ex.status.not_in((ExecutionStatus.SKIPPED, ExecutionStatus.PENDING))
    )
    if isinstance(rule, Reenrollment):
        query = query.where(ex.created_at >= now - timedelta(days=rule.after_days))
    earlier = conn.execute(query.order_by(ex.id.desc()).limit(1)).first()
    if earlier is None:
        return None
    record = f"{row['trigger_entity_type']} #{row['trigger_entity_id']}"
    if isinstance(rule, Reenrollment):
        return (
            f"re-enrollment after {rule.after_days} days: {record} went through this workflow "
            f"in execution #{earlier.id} on {earlier.created_at:%Y-%m-%d %H:%M} UTC"
        )
    return f"re-enrollment never: {record} already went through this workflow (#{earlier.id})"


def check_mode(
    conn: Connection,
    row: dict[str, Any],
    policy: RunPolicy,
    finished_in_batch: dict[int, str],
    options: RunOptions,
    now: datetime,
) -> PolicyVerdict:
    """Apply `mode` against older runs for the same record that are still in progress."""
    if policy.mode == RunMode.PARALLEL:
        return PolicyVerdict("run")
    ex = EXECUTIONS.c
    query = select(ex.id).where(_same_record(row), ex.status.in_(IN_PROGRESS)).order_by(ex.id)
    if policy.mode == RunMode.RESTART:
        # Another worker's run in flight is left to finish (it is milliseconds from done).
        query = dialect.skip_locked(query, conn)
    older = [i for i in conn.scalars(query) if finished_in_batch.get(i) not in FINISHED_STATUSES]
    if not older:
        return PolicyVerdict("run")
    record = f"{row['trigger_entity_type']} #{row['trigger_entity_id']}"
    if policy.mode == RunMode.SINGLE:
        return PolicyVerdict(
            "skip", f"run mode single: execution #{older[-1]} is in progress for {record}"
        )
    if policy.mode == RunMode.QUEUED:
        return PolicyVerdict(
            "queue", f"run mode queued: waits for execution #{older[-1]} on {record}"
        )
    reason = f"cancelled: restarted by execution #{row['id']} (run mode restart)"
    cancelled = lifecycle.cancel(conn, older, reason=reason, now=now, owner=options.worker_id)
    close_open_approvals(conn, execution_ids=[i for i, _ in cancelled], reason=reason, now=now)
    return PolicyVerdict(
        "run",
        f"run mode restart: cancelled execution(s) {', '.join(f'#{i}' for i, _ in cancelled)}",
        cancelled=cancelled,
    )
