"""What a batch of runs writes: claims with a lease, then step records, statuses and counters.

A worker claims executions with one UPDATE, walks them, and writes everything they produced at
the end of the batch with executemany, in the same transaction as their effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case, func, or_, select, update

from crmflow.db.base import utcnow
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.stats import add_finished, write_stat_buckets
from crmflow.workflows.models import Workflow, WorkflowVersion

EXECUTIONS: Table = WorkflowExecution.__table__  # type: ignore[assignment]
STEPS: Table = ExecutionStep.__table__  # type: ignore[assignment]
WORKFLOWS: Table = Workflow.__table__  # type: ignore[assignment]
VERSIONS: Table = WorkflowVersion.__table__  # type: ignore[assignment]


@dataclass
class RunOptions:
    """Knobs from the settings that the runner needs."""

    worker_id: str = "worker"
    lease_seconds: int = 60
    max_causation_depth: int = 5
    # Commit the claims before running (Celery): a worker killed mid-run then leaves a trace
    # (attempt, worker_losses) that bounds how often a poison run is retried.
    commit_claims: bool = False
    max_worker_losses: int = 3
    # Base of links in approval emails.
    public_url: str = "http://localhost:8000"
    # Without an SMTP server an email step ends with the email queued, and says so.
    smtp_configured: bool = False
    # CRMFLOW_SECRET_KEY: decrypts `{{ secrets.NAME }}` (None: such steps fail, saying so).
    secret_key: str | None = None


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
        self.outcome[execution_id] = "waiting"

    def write(self, conn: Connection) -> None:
        """Write step records, final statuses, counters and statistics with executemany."""
        if self.replaced:
            conn.execute(_DELETE_STEP, self.replaced)
        if self.steps:
            conn.execute(STEPS.insert(), self.steps)
        if self.finals:
            conn.execute(_FINAL, self.finals)
        if self.waits:
            conn.execute(_WAIT, self.waits)
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
            from crmflow.engine.run_policy import wake_queued  # imports this module

            self.woken = wake_queued(conn, self.wakes, utcnow())


# The claimed run's definition checksum: the compiled-definition cache is keyed by it.
_VERSION_CHECKSUM = (
    select(VERSIONS.c.checksum)
    .where(VERSIONS.c.id == EXECUTIONS.c.version_id)
    .scalar_subquery()
    .label("version_checksum")
)


def _claim_statement(dialect: str) -> Any:
    ex = EXECUTIONS.c
    now: Any = bindparam("now")
    claimable = and_(
        ex.id.in_(bindparam("ids", expanding=True)),
        or_(
            ex.status == "pending",
            and_(ex.status == "running", ex.lease_expires_at < now),
            # Our own earlier claim, cut by a database error before its run committed: the
            # same worker (process and thread) takes it back at once, not after the lease.
            and_(ex.status == "running", ex.lease_owner == bindparam("owner")),
            and_(ex.status == "waiting", ex.resume_at <= now),
        ),
    )
    if dialect == "postgresql":
        # Rows another worker is running are skipped, not waited for.
        claimable = ex.id.in_(
            select(ex.id).where(claimable).with_for_update(skip_locked=True).scalar_subquery()
        )
    return (
        update(EXECUTIONS)
        .where(claimable)
        .values(
            status="running",
            lease_owner=bindparam("owner"),
            lease_expires_at=bindparam("lease_until"),
            attempt=ex.attempt + 1,
            # SET sees the old status: a claim of a `running` row means its worker was lost.
            worker_losses=ex.worker_losses
            + case(
                (and_(ex.status == "running", ex.lease_owner != bindparam("owner")), 1),
                else_=0,
            ),
            started_at=func.coalesce(ex.started_at, now),
            updated_at=now,
        )
        .returning(*EXECUTIONS.c, _VERSION_CHECKSUM)
    )


# Built once per dialect: statement construction costs more than a small batch's SQL.
_CLAIM = {name: _claim_statement(name) for name in ("sqlite", "postgresql")}


def claim_batch(conn: Connection, ids: list[int], options: RunOptions) -> list[dict[str, Any]]:
    """Take the lease on those executions that are pending, due, or whose lease expired."""
    now = utcnow()
    params = {
        "ids": ids,
        "now": now,
        "owner": options.worker_id,
        "lease_until": now + timedelta(seconds=options.lease_seconds),
    }
    rows = [dict(r._mapping) for r in conn.execute(_CLAIM[conn.dialect.name], params)]
    rows.sort(key=lambda r: int(r["id"]))
    return rows


_FENCE = (
    select(EXECUTIONS.c.id)
    .where(
        EXECUTIONS.c.id.in_(bindparam("ids", expanding=True)),
        EXECUTIONS.c.status == "running",
        EXECUTIONS.c.lease_owner == bindparam("owner"),
    )
    # Locked for the whole run: a worker that claims after our lease expired skips the rows
    # instead of running them a second time.
    .with_for_update(skip_locked=True)
)


def fence_claims(
    conn: Connection, rows: list[dict[str, Any]], options: RunOptions
) -> list[dict[str, Any]]:
    """Lock the rows claimed in an earlier transaction; drop those another worker took since."""
    if not rows:
        return rows
    ids = [int(r["id"]) for r in rows]
    held = set(conn.scalars(_FENCE, {"ids": ids, "owner": options.worker_id}))
    return [r for r in rows if int(r["id"]) in held]


_RELEASE = (
    update(EXECUTIONS)
    .where(
        EXECUTIONS.c.id.in_(bindparam("ids", expanding=True)),
        EXECUTIONS.c.status == "running",
        EXECUTIONS.c.lease_owner == bindparam("owner"),
    )
    .values(status="pending", lease_owner=None, lease_expires_at=None)
)


def release_claims(conn: Connection, ids: list[int], options: RunOptions) -> None:
    """Hand claimed executions back (after an infrastructure error), without a worker loss."""
    conn.execute(_RELEASE, {"ids": ids, "owner": options.worker_id})


_DELETE_STEP = STEPS.delete().where(
    STEPS.c.execution_id == bindparam("b_id"), STEPS.c.path == bindparam("b_path")
)

# Final writes only apply to runs still ours: a run cancelled meanwhile stays cancelled.
_WAIT = (
    update(EXECUTIONS)
    .where(EXECUTIONS.c.id == bindparam("b_id"), EXECUTIONS.c.status == "running")
    .values(
        status="waiting",
        resume_at=bindparam("b_resume_at"),
        waiting_for=bindparam("b_waiting_for"),
        updated_at=bindparam("b_now"),
        actions_executed=bindparam("b_actions"),
        steps_failed=bindparam("b_steps_failed"),
        decision=bindparam("b_decision", type_=EXECUTIONS.c.decision.type),
        lease_owner=None,
        lease_expires_at=None,
    )
)


_FINAL = (
    update(EXECUTIONS)
    .where(EXECUTIONS.c.id == bindparam("b_id"), EXECUTIONS.c.status == "running")
    .values(
        status=bindparam("b_status"),
        resume_at=None,
        waiting_for=None,
        completed_at=bindparam("b_completed_at"),
        updated_at=bindparam("b_completed_at"),
        duration_ms=bindparam("b_duration_ms"),
        actions_executed=bindparam("b_actions"),
        steps_failed=bindparam("b_steps_failed"),
        decision=bindparam("b_decision", type_=EXECUTIONS.c.decision.type),
        error_message=bindparam("b_error"),
        lease_owner=None,
        lease_expires_at=None,
    )
)


_COUNT_RUNS = (
    update(WORKFLOWS)
    .where(WORKFLOWS.c.id == bindparam("b_id"))
    .values(
        execution_count=WORKFLOWS.c.execution_count + bindparam("b_count"),
        last_executed_at=bindparam("b_last"),
    )
)
