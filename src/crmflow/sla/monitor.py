"""Find SLA breaches while runs go and once they finish (the seed's `SLAMonitor`).

A run's SLA counts from the moment the run was created (its trigger fired) until it finished,
or until now while it is pending, running or waiting: an approval pending past its critical
threshold is a breach now, not when it is decided. A step's SLA counts from when the step was
reached (an approval: from when its approvers were asked) until it finished, or until now.
Each (execution, SLA, severity) is recorded once; the scheduler tick (embedded) or the relay
tick (Celery beat) calls `scan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.common.enums import ACTED_STATUSES, ExecutionStatus, StepStatus
from crmflow.db import dialect
from crmflow.db.base import utcnow
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.sla.models import SLABreach, SLAScanCursor, WorkflowSLA

IN_FLIGHT = (ExecutionStatus.PENDING, ExecutionStatus.RUNNING, ExecutionStatus.WAITING)
# Finished runs are looked at again this far back, for commits that landed late.
OVERLAP = timedelta(seconds=5)
# At most this many in-flight runs per SLA and scan (the oldest first: the worst breaches).
IN_FLIGHT_LIMIT = 5_000
BREACHES = SLABreach.__table__


@dataclass(frozen=True)
class Finding:
    """A threshold an execution (or a step of it) is past."""

    sla: WorkflowSLA
    execution_id: int
    company_id: int
    severity: str
    threshold: float
    elapsed: float
    execution_status: str


def _severities(sla: WorkflowSLA, elapsed: float) -> list[tuple[str, float]]:
    """The thresholds `elapsed` is past: meeting a threshold exactly is not a breach."""
    out = []
    if elapsed > sla.warning_threshold_seconds:
        out.append(("warning", sla.warning_threshold_seconds))
    if elapsed > sla.critical_threshold_seconds:
        out.append(("critical", sla.critical_threshold_seconds))
    return out


def step_elapsed(session: Session, execution_id: int, path: str, now: datetime) -> float | None:
    """How long the step has taken so far (None: the run has not reached it)."""
    asked = session.execute(
        select(ApprovalRequest.created_at, ApprovalRequest.decided_at).where(
            ApprovalRequest.execution_id == execution_id, ApprovalRequest.step_path == path
        )
    ).first()
    if asked is not None:
        decided: datetime = asked.decided_at or now
        return float((decided - asked.created_at).total_seconds())
    step = session.execute(
        select(ExecutionStep.started_at, ExecutionStep.finished_at, ExecutionStep.status)
        .where(ExecutionStep.execution_id == execution_id, ExecutionStep.path == path)
        .order_by(ExecutionStep.id.desc())
    ).first()
    if step is None or step.started_at is None:
        return None
    end: datetime = (
        now if step.status == StepStatus.PENDING or step.finished_at is None else step.finished_at
    )
    return float((end - step.started_at).total_seconds())


def _elapsed(session: Session, sla: WorkflowSLA, run: Any, now: datetime) -> float | None:
    if sla.step_path:
        return step_elapsed(session, run.id, sla.step_path, now)
    end: datetime = run.completed_at if run.status not in IN_FLIGHT and run.completed_at else now
    return float((end - run.created_at).total_seconds())


def findings_for(session: Session, sla: WorkflowSLA, run: Any, now: datetime) -> list[Finding]:
    """The thresholds of `sla` that this run (a row with id, status, created_at, completed_at,
    company_id) is past now."""
    elapsed = _elapsed(session, sla, run, now)
    if elapsed is None:
        return []
    return [
        Finding(sla, run.id, run.company_id, severity, threshold, elapsed, str(run.status))
        for severity, threshold in _severities(sla, elapsed)
    ]


def record(session: Session, findings: list[Finding], now: datetime) -> list[int]:
    """Insert the breaches not recorded yet; return the ids of the new ones."""
    if not findings:
        return []
    insert = dialect.upsert_insert(session)
    new: list[int] = []
    for finding in findings:
        sla = finding.sla
        statement = (
            insert(BREACHES)
            .values(
                company_id=finding.company_id,
                sla_id=sla.id,
                workflow_id=sla.workflow_id,
                execution_id=finding.execution_id,
                step_path=sla.step_path,
                severity=finding.severity,
                threshold_seconds=finding.threshold,
                elapsed_seconds=round(finding.elapsed, 3),
                breach_margin_seconds=round(finding.elapsed - finding.threshold, 3),
                execution_status=finding.execution_status,
                status="open",
                detected_at=now,
                notes="",
            )
            .on_conflict_do_nothing(index_elements=["execution_id", "sla_id", "severity"])
            .returning(BREACHES.c.id)
        )
        inserted = session.execute(statement).scalar()
        if inserted is not None:
            new.append(int(inserted))
    return new


_RUN_COLUMNS = (
    WorkflowExecution.id,
    WorkflowExecution.company_id,
    WorkflowExecution.status,
    WorkflowExecution.created_at,
    WorkflowExecution.completed_at,
)


def check_execution(
    session: Session, execution: WorkflowExecution, now: datetime | None = None
) -> list[int]:
    """Record every breach of this execution against its workflow's active SLAs (the seed's
    `SLAMonitor.check_execution`); return the ids of new breaches. The caller commits."""
    now = now or utcnow()
    slas = session.scalars(
        select(WorkflowSLA).where(
            WorkflowSLA.workflow_id == execution.workflow_id, WorkflowSLA.is_active.is_(True)
        )
    ).all()
    findings = [f for sla in slas for f in findings_for(session, sla, execution, now)]
    return record(session, findings, now)


def _cursor(session: Session, now: datetime) -> SLAScanCursor:
    cursor = session.get(SLAScanCursor, 1)
    if cursor is None:
        cursor = SLAScanCursor(id=1, checked_until=now - timedelta(hours=1))
        session.add(cursor)
    return cursor


def scan(session: Session, now: datetime | None = None) -> list[int]:
    """Look at runs in flight and runs finished since the last scan; record new breaches and
    return their ids. Commits."""
    now = now or utcnow()
    slas = session.scalars(select(WorkflowSLA).where(WorkflowSLA.is_active.is_(True))).all()
    if not slas:
        # Nothing to watch: no write (on SQLite a write per tick would compete with the runs).
        session.rollback()
        return []
    cursor = _cursor(session, now)
    since = cursor.checked_until - OVERLAP
    findings: list[Finding] = []
    for sla in slas:
        # A step cannot have taken longer than its run: both filters hold for step SLAs too.
        oldest = now - timedelta(seconds=sla.warning_threshold_seconds)
        base = select(*_RUN_COLUMNS).where(WorkflowExecution.workflow_id == sla.workflow_id)
        running = session.execute(
            base.where(
                WorkflowExecution.status.in_(IN_FLIGHT), WorkflowExecution.created_at < oldest
            )
            .order_by(WorkflowExecution.created_at)
            .limit(IN_FLIGHT_LIMIT)
        ).all()
        finished = session.execute(
            base.where(
                WorkflowExecution.status.not_in(IN_FLIGHT),
                WorkflowExecution.completed_at > since,
                WorkflowExecution.completed_at <= now,
            )
        ).all()
        for run in [*running, *finished]:
            findings.extend(findings_for(session, sla, run, now))
    new = record(session, findings, now)
    cursor.checked_until = now
    session.commit()
    return new


# At most this many of the newest finished runs are measured for an SLO figure.
MAX_MEASURED_RUNS = 20_000


def run_durations(
    session: Session, sla: WorkflowSLA, since: datetime, now: datetime
) -> list[float]:
    """What the SLA measured on each run of its workflow that acted and finished in
    [since, now]: the run's time, or its step's (runs that never reached the step are left out)."""
    runs = session.execute(
        select(WorkflowExecution.id, WorkflowExecution.created_at, WorkflowExecution.completed_at)
        .where(
            WorkflowExecution.workflow_id == sla.workflow_id,
            WorkflowExecution.status.in_(ACTED_STATUSES),
            WorkflowExecution.completed_at >= since,
            WorkflowExecution.completed_at <= now,
        )
        .order_by(WorkflowExecution.completed_at.desc())
        .limit(MAX_MEASURED_RUNS)
    ).all()
    if sla.step_path is None:
        return [float((r.completed_at - r.created_at).total_seconds()) for r in runs]
    found = [step_elapsed(session, r.id, sla.step_path, now) for r in runs]
    return [d for d in found if d is not None]
