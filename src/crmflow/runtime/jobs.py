"""Periodic jobs shared by both runtimes: schedules, inactivity, relay, retention."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from crmflow.common.enums import FINISHED_STATUSES
from crmflow.common.enums import ExecutionStatus as S
from crmflow.crm.models import Contact, Deal, Organisation
from crmflow.executions.models import ExecutionStatBucket, ExecutionStep, WorkflowExecution
from crmflow.executions.service import insert_executions
from crmflow.executions.stats import carry_into_totals
from crmflow.workflows.models import Workflow
from crmflow.workflows.triggers import fire_times

INACTIVITY_MODELS: dict[str, Any] = {
    "organisation": Organisation,
    "deal": Deal,
    "contact": Contact,
}


def _active(session: Session, trigger_type: str, frequency: str | None = None) -> list[Workflow]:
    query = select(Workflow).where(
        Workflow.trigger_type == trigger_type, Workflow.status == "active"
    )
    workflows = list(session.scalars(query))
    if frequency is not None:
        workflows = [w for w in workflows if (w.trigger_config or {}).get("frequency") == frequency]
    return workflows


def fire_scheduled(session: Session, *, now: datetime, frequency: str | None = None) -> list[int]:
    """Create one execution per due fire time of each active scheduled workflow (exactly once).

    The unique (workflow, fire_key) constraint makes a second scheduler's attempt a no-op. After
    downtime only the latest missed fire time runs (catch-up once), never a burst of old ones.
    """
    rows: list[dict[str, Any]] = []
    for workflow in _active(session, "scheduled", frequency):
        since = workflow.schedule_cursor or workflow.updated_at
        due = fire_times(workflow.trigger_config or {}, since, now)
        if due:
            fire = due[-1]
            rows.append(
                {
                    "company_id": workflow.company_id,
                    "workflow_id": workflow.id,
                    "version_id": workflow.current_version_id,
                    "version": workflow.version_number,
                    "trigger_type": "scheduled",
                    "fire_key": f"schedule:{fire.isoformat()}",
                    "trigger_data": {"fire_time": fire.isoformat(), "missed": len(due) - 1},
                }
            )
        workflow.schedule_cursor = now
    ids = insert_executions(session, rows)
    session.commit()
    return ids


def check_inactivity(session: Session, *, now: datetime, batch: int = 1000) -> list[int]:
    """Start inactivity workflows for records idle for N days: once per record per idle period."""
    rows: list[dict[str, Any]] = []
    for workflow in _active(session, "inactivity_delay"):
        config = workflow.trigger_config or {}
        kind = config.get("entity_type", "organisation")
        model = INACTIVITY_MODELS[kind]
        last_touch = func.coalesce(model.last_activity_at, model.created_at)
        already = exists().where(
            WorkflowExecution.workflow_id == workflow.id,
            WorkflowExecution.trigger_entity_type == kind,
            WorkflowExecution.trigger_entity_id == model.id,
            WorkflowExecution.created_at >= last_touch,
        )
        cutoff = now - timedelta(days=int(config.get("days", 30)))
        idle = session.execute(
            select(model.id, model.last_activity_at, model.created_at)
            .where(model.company_id == workflow.company_id, last_touch < cutoff, ~already)
            .order_by(model.id)
            .limit(batch)
        ).all()
        for entity_id, last_activity, created in idle:
            period = (last_activity or created).isoformat()
            rows.append(
                {
                    "company_id": workflow.company_id,
                    "workflow_id": workflow.id,
                    "version_id": workflow.current_version_id,
                    "version": workflow.version_number,
                    "trigger_type": "inactivity_delay",
                    "trigger_entity_type": kind,
                    "trigger_entity_id": entity_id,
                    "fire_key": f"inactivity:{kind}:{entity_id}:{period}",
                    "trigger_data": {"idle_since": period, "days": config.get("days", 30)},
                }
            )
    ids = insert_executions(session, rows)
    session.commit()
    return ids


def runnable_executions(
    session: Session,
    *,
    now: datetime,
    pending_older_than: timedelta,
    limit: int = 1000,
    after_id: int = 0,
) -> list[int]:
    """Find executions a worker should pick up: stale pending, expired leases, due waits."""
    ex = WorkflowExecution
    rows = session.scalars(
        select(ex.id)
        .where(
            ex.id > after_id,
            or_(
                and_(ex.status == S.PENDING, ex.created_at <= now - pending_older_than),
                and_(ex.status == S.RUNNING, ex.lease_expires_at < now),
                and_(ex.status == S.WAITING, ex.resume_at <= now),
            ),
        )
        .order_by(ex.id)
        .limit(limit)
    ).all()
    session.rollback()
    return list(rows)


def prune_executions(
    session: Session, *, now: datetime, retention_days: int, batch: int = 5000
) -> int:
    """Delete finished executions older than the retention period, in batches; return the count."""
    cutoff = now - timedelta(days=retention_days)
    total = 0
    while True:
        ids = list(
            session.scalars(
                select(WorkflowExecution.id)
                .where(
                    WorkflowExecution.created_at < cutoff,
                    # Every finished status: a hand-written list here once forgot `partial`.
                    WorkflowExecution.status.in_(FINISHED_STATUSES),
                )
                .limit(batch)
            )
        )
        if not ids:
            break
        session.execute(delete(ExecutionStep).where(ExecutionStep.execution_id.in_(ids)))
        session.execute(delete(WorkflowExecution).where(WorkflowExecution.id.in_(ids)))
        session.commit()
        total += len(ids)
    # Their counts live on in the all-time totals: the metrics' counters never go down.
    carry_into_totals(session.connection(), cutoff.date())
    session.execute(delete(ExecutionStatBucket).where(ExecutionStatBucket.day < cutoff.date()))
    session.commit()
    return total
