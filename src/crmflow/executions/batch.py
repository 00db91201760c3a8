"""What a batch of runs writes: claims with a lease, then step records, statuses and counters.

A worker claims executions with one UPDATE, walks them, and writes everything they produced at
the end of the batch with executemany, in the same transaction as their effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, bindparam, update

from crmflow.common.enums import ExecutionStatus
from crmflow.db.base import utcnow
from crmflow.engine.options import RunOptions
from crmflow.executions import lifecycle
from crmflow.executions.models import ExecutionStep
from crmflow.executions.stats import add_finished, write_action_totals, write_stat_buckets
from crmflow.workflows.models import Workflow

STEPS: Table = ExecutionStep.__table__  # type: ignore[assignment]
WORKFLOWS: Table = Workflow.__table__  # type: ignore[assignment]


@dataclass
class BatchWrites:
    """Everything a batch's runs produced, written once at the end of the batch."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    finals: list[dict[str, Any]] = field(default_factory=list)
    waits: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[int, tuple[int, datetime]] = field(default_factory=dict)
    stats: dict[tuple[int, date, str, int], list[Any]] = field(default_factory=dict)
    outcome: dict[int, str] = field(default_factory=dict)
    # Pending step records that new records replace: (execution id, path).
    replaced: list[dict[str, Any]] = field(default_factory=list)
    # (workflow, entity type, entity id) whose queued runs may start (run mode `queued`).
    wakes: set[tuple[int, str, int]] = field(default_factory=set)
    woken: list[int] = field(default_factory=list)

    def _add_steps(
        self, execution_id: int, step_records: list[dict[str, Any]], replaced: Sequence[str]
    ) -> None:
        self.steps.extend(step_records)
        self.replaced.extend({"b_id": execution_id, "b_path": path} for path in replaced)

    def add_run(
        self,
        *,
        execution_id: int,
        workflow_id: int,
        status: str,
        completed: datetime,
        duration_ms: float,
        actions_executed: int,
        decision: dict[str, Any] | None,
        error: str | None,
        step_records: list[dict[str, Any]],
        replaced: Sequence[str] = (),
        steps_failed: int = 0,
    ) -> None:
        """Queue one finished run's final status, step records, counter and statistics."""
        self._add_steps(execution_id, step_records, replaced)
        self.finals.append(
            {
                "b_id": execution_id,
                "b_status": status,
                "b_completed_at": completed,
                "b_duration_ms": duration_ms,
                "b_actions": actions_executed,
                "b_decision": decision,
                "b_error": error,
                "b_steps_failed": steps_failed,
            }
        )
        self.count_finished(workflow_id, status, completed, duration_ms)
        self.outcome[execution_id] = status

    def count_finished(
        self, workflow_id: int, status: str, completed: datetime, duration_ms: float
    ) -> None:
        """Count a finished run in the workflow's counter and statistics."""
        count, _ = self.counters.get(workflow_id, (0, completed))
        self.counters[workflow_id] = (count + 1, completed)
        add_finished(
            self.stats,
            workflow_id=workflow_id,
            status=status,
            duration_ms=duration_ms,
            completed_at=completed,
        )

    def add_wait(
        self,
        *,
        execution_id: int,
        resume_at: datetime | None,
        waiting_for: str,
        actions_executed: int,
        decision: dict[str, Any] | None,
        step_records: list[dict[str, Any]],
        replaced: Sequence[str] = (),
        steps_failed: int = 0,
    ) -> None:
        """Queue a run that pauses until `resume_at` (None: until woken); it keeps its decision."""
        self._add_steps(execution_id, step_records, replaced)
        self.waits.append(
            {
                "b_id": execution_id,
                "b_resume_at": resume_at,
                "b_waiting_for": waiting_for,
                "b_actions": actions_executed,
                "b_decision": decision,
                "b_now": utcnow(),
                "b_steps_failed": steps_failed,
            }
        )
        self.outcome[execution_id] = ExecutionStatus.WAITING

    def write(self, conn: Connection) -> None:
        """Write step records, final statuses, counters and statistics with executemany."""
        if self.replaced:
            conn.execute(_DELETE_STEP, self.replaced)
        if self.steps:
            conn.execute(STEPS.insert(), self.steps)
            write_action_totals(conn, self.steps)
        lifecycle.finish_many(conn, self.finals)
        lifecycle.wait_many(conn, self.waits)
        if self.counters:
            conn.execute(
                _COUNT_RUNS,
                [
                    {"b_id": wf, "b_count": count, "b_last": last}
                    for wf, (count, last) in self.counters.items()
                ],
            )
        write_stat_buckets(conn, self.stats)
        if self.wakes:
            self.woken = lifecycle.wake_queued(conn, self.wakes, utcnow())


def claim_batch(conn: Connection, ids: list[int], options: RunOptions) -> list[dict[str, Any]]:
    """Take the lease on those executions that are pending, due, or whose lease expired."""
    now = utcnow()
    return lifecycle.claim(
        conn,
        ids,
        owner=options.worker_id,
        now=now,
        lease_until=now + timedelta(seconds=options.lease_seconds),
    )


def fence_claims(
    conn: Connection, rows: list[dict[str, Any]], options: RunOptions
) -> list[dict[str, Any]]:
    """Lock the rows claimed in an earlier transaction; drop those another worker took since."""
    if not rows:
        return rows
    held = lifecycle.fence(conn, [int(r["id"]) for r in rows], owner=options.worker_id)
    return [r for r in rows if int(r["id"]) in held]


def release_claims(conn: Connection, ids: list[int], options: RunOptions) -> None:
    """Hand claimed executions back (after an infrastructure error), without a worker loss."""
    lifecycle.release(conn, ids, owner=options.worker_id)


_DELETE_STEP = STEPS.delete().where(
    STEPS.c.execution_id == bindparam("b_id"), STEPS.c.path == bindparam("b_path")
)

_COUNT_RUNS = (
    update(WORKFLOWS)
    .where(WORKFLOWS.c.id == bindparam("b_id"))
    .values(
        execution_count=WORKFLOWS.c.execution_count + bindparam("b_count"),
        last_executed_at=bindparam("b_last"),
    )
)
