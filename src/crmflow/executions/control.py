"""Cancel, retry and re-run executions by hand (no HTTP).

Each change is a guarded UPDATE on the execution's status, so a worker finishing the same run
at the same moment wins cleanly: the guard matches nothing and the caller gets a 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Row, Table, delete, select, update
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.common.enums import ApprovalStatus, ExecutionStatus, StepStatus
from crmflow.common.errors import Conflict, NotFound
from crmflow.db.base import utcnow
from crmflow.db.signals import mark_executions_ready
from crmflow.engine.approval_requests import REQUESTS as APPROVALS
from crmflow.engine.approval_requests import close_open_approvals
from crmflow.executions import lifecycle
from crmflow.executions.models import ExecutionStatBucket, ExecutionStep, WorkflowExecution
from crmflow.executions.service import get_execution, insert_executions
from crmflow.executions.stats import add_finished, bucket_for, write_stat_buckets
from crmflow.workflows.models import Workflow

EXECUTIONS: Table = WorkflowExecution.__table__  # type: ignore[assignment]
STEPS: Table = ExecutionStep.__table__  # type: ignore[assignment]
BUCKETS: Table = ExecutionStatBucket.__table__  # type: ignore[assignment]
WORKFLOWS: Table = Workflow.__table__  # type: ignore[assignment]


def _locked(session: Session, *, company_id: int, execution_id: int) -> Row[Any]:
    """Read the execution row of the company under a row lock, or raise NotFound."""
    # FOR UPDATE (PostgreSQL) waits for a worker's batch that holds the row, so the values read
    # here (started_at, completed_at, duration_ms) are the ones the guarded UPDATE replaces.
    # SQLite ignores it: the writer session's BEGIN IMMEDIATE already serialises writers.
    row = session.execute(
        select(EXECUTIONS).where(EXECUTIONS.c.id == execution_id).with_for_update()
    ).first()
    if row is None or row.company_id != company_id:
        raise NotFound(f"execution {execution_id} not found")
    return row


def _status_of(conn: Connection, execution_id: int) -> str | None:
    return conn.scalar(select(EXECUTIONS.c.status).where(EXECUTIONS.c.id == execution_id))


def cancel_execution(session: Session, *, principal: Principal, execution_id: int) -> None:
    """Stop a pending, running or waiting execution for good; commit."""
    row = _locked(session, company_id=principal.company_id, execution_id=execution_id)
    if row.status not in lifecycle.CANCELLABLE:
        raise Conflict(
            f"execution {execution_id} is {row.status}: only pending, running or waiting "
            "executions can be cancelled"
        )
    conn = session.connection()
    now = utcnow()
    duration_ms = (now - row.started_at).total_seconds() * 1000.0 if row.started_at else None
    cancelled = lifecycle.cancel(
        conn,
        [execution_id],
        reason=f"cancelled by {principal.email}",
        now=now,
        duration_ms=duration_ms,
    )
    if not cancelled:
        status = _status_of(conn, execution_id)
        raise Conflict(f"execution {execution_id} is {status}: it finished before the cancel")
    close_open_approvals(
        conn,
        execution_ids=[execution_id],
        reason=f"execution cancelled by {principal.email}",
        now=now,
    )
    _count_finished(
        conn,
        workflow_id=int(row.workflow_id),
        status=ExecutionStatus.CANCELLED,
        duration_ms=duration_ms or 0.0,
        completed_at=now,
    )
    if row.trigger_entity_id is not None:
        # Runs queued behind this one (run mode `queued`) may start now.
        key = (int(row.workflow_id), str(row.trigger_entity_type), int(row.trigger_entity_id))
        mark_executions_ready(session, lifecycle.wake_queued(conn, {key}, now))
    session.commit()


def retry_execution(session: Session, *, principal: Principal, execution_id: int) -> None:
    """Run a failed execution again from its failed step, keeping finished steps; commit."""
    row = _locked(session, company_id=principal.company_id, execution_id=execution_id)
    if row.status != ExecutionStatus.FAILED:
        raise Conflict(
            f"execution {execution_id} is {row.status}: only failed executions can be retried"
        )
    conn = session.connection()
    # The runner reloads finished steps only when the claim makes attempt > 1: a run failed
    # without ever being claimed must not redo the steps it has not got.
    retried = lifecycle.retry(
        conn, execution_id, attempt=max(int(row.attempt or 0), 1), now=utcnow()
    )
    if not retried:
        status = _status_of(conn, execution_id)
        raise Conflict(
            f"execution {execution_id} is {status}: only failed executions can be retried"
        )
    # The runner never re-runs a step with a record: dropping the failed ones makes it resume
    # exactly there, while successful and skipped steps keep their effects and outputs.
    failed_paths = list(
        conn.scalars(
            delete(STEPS)
            .where(STEPS.c.execution_id == execution_id, STEPS.c.status == StepStatus.FAILED)
            .returning(STEPS.c.path)
        )
    )
    # A failed approval step asks again: its closed request (nobody to escalate to) goes.
    conn.execute(
        delete(APPROVALS).where(
            APPROVALS.c.execution_id == execution_id,
            APPROVALS.c.step_path.in_(failed_paths),
            APPROVALS.c.status == ApprovalStatus.CANCELLED,
        )
    )
    _uncount_finished(
        conn,
        workflow_id=int(row.workflow_id),
        status=ExecutionStatus.FAILED,
        duration_ms=row.duration_ms,
        completed_at=row.completed_at,
    )
    mark_executions_ready(session, [execution_id])
    session.commit()


def rerun_execution(session: Session, *, principal: Principal, execution_id: int) -> int:
    """Start a new execution of the same trigger on the workflow's current version; commit."""
    original = get_execution(session, company_id=principal.company_id, execution_id=execution_id)
    workflow = session.get(Workflow, original.workflow_id)
    if workflow is None or workflow.company_id != principal.company_id:
        raise NotFound(f"workflow {original.workflow_id} not found")
    if workflow.current_version_id is None:
        raise Conflict(f"workflow {workflow.id} has no saved version to run")
    ids = insert_executions(
        session,
        [
            {
                "company_id": original.company_id,
                "workflow_id": workflow.id,
                "version_id": workflow.current_version_id,
                "version": workflow.version_number,
                "trigger_type": original.trigger_type,
                "trigger_entity_type": original.trigger_entity_type,
                "trigger_entity_id": original.trigger_entity_id,
                "trigger_data": original.trigger_data or {},
                "causation_depth": 0,
                # event_id is unique per workflow: the original run already holds it.
                "event_id": None,
                "fire_key": f"rerun:{execution_id}:{uuid4().hex}",
                "rerun_of_id": execution_id,
            }
        ],
    )
    session.commit()
    return ids[0]


def _count_finished(
    conn: Connection, *, workflow_id: int, status: str, duration_ms: float, completed_at: datetime
) -> None:
    """Count one finished run in statistics and the workflow's counters, as the runner does."""
    stats: dict[Any, list[Any]] = {}
    add_finished(
        stats,
        workflow_id=workflow_id,
        status=status,
        duration_ms=duration_ms,
        completed_at=completed_at,
    )
    write_stat_buckets(conn, stats)
    conn.execute(
        update(WORKFLOWS)
        .where(WORKFLOWS.c.id == workflow_id)
        .values(
            execution_count=WORKFLOWS.c.execution_count + 1,
            last_executed_at=completed_at,
        )
    )


def _uncount_finished(
    conn: Connection,
    *,
    workflow_id: int,
    status: str,
    duration_ms: float | None,
    completed_at: datetime | None,
) -> None:
    """Take back a finish counted earlier, so the run is counted once when it finishes again."""
    if completed_at is not None and duration_ms is not None:
        # The exact bucket the runner added it to; gone already if retention pruned its day.
        key = (
            BUCKETS.c.workflow_id == workflow_id,
            BUCKETS.c.day == completed_at.date(),
            BUCKETS.c.status == status,
            BUCKETS.c.bucket == bucket_for(duration_ms),
        )
        conn.execute(
            update(BUCKETS)
            .where(*key, BUCKETS.c.count > 0)
            .values(
                count=BUCKETS.c.count - 1,
                duration_sum_ms=BUCKETS.c.duration_sum_ms - duration_ms,
            )
        )
        # An empty bucket would still report its last_completed_at as the last execution.
        conn.execute(delete(BUCKETS).where(*key, BUCKETS.c.count <= 0))
    conn.execute(
        update(WORKFLOWS)
        .where(WORKFLOWS.c.id == workflow_id, WORKFLOWS.c.execution_count > 0)
        .values(execution_count=WORKFLOWS.c.execution_count - 1)
    )
