"""Read the operations overview from the statistics buckets, executions, SLAs and breaches."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.common.enums import ACTED_STATUSES, ExecutionStatus
from crmflow.db.base import utcnow
from crmflow.executions.models import ExecutionStatBucket, WorkflowExecution
from crmflow.executions.stats import TIMED_STATUSES, percentile
from crmflow.sla.models import SLABreach, WorkflowSLA
from crmflow.sla.monitor import IN_FLIGHT
from crmflow.sla.service import slo_percentage
from crmflow.workflows.models import Workflow

TOP = 10


def overview(session: Session, *, company_id: int, days: int) -> dict[str, Any]:
    """Runs per day and status, top failing and slowest workflows, SLOs, open breaches."""
    now = utcnow()
    since = (now - timedelta(days=days - 1)).date()
    rows = session.execute(
        select(
            ExecutionStatBucket.workflow_id,
            Workflow.name,
            ExecutionStatBucket.day,
            ExecutionStatBucket.status,
            ExecutionStatBucket.bucket,
            ExecutionStatBucket.count,
        )
        .join(Workflow, Workflow.id == ExecutionStatBucket.workflow_id)
        .where(Workflow.company_id == company_id, ExecutionStatBucket.day >= since)
    ).all()
    per_day: dict[tuple[Any, str], int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    by_workflow: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    histograms: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    for workflow_id, name, day, status, bucket, count in rows:
        names[workflow_id] = name
        per_day[(day, status)] += count
        totals[status] += count
        by_workflow[workflow_id][status] += count
        if status in TIMED_STATUSES:
            histograms[workflow_id][bucket] += count
    failing: list[dict[str, Any]] = []
    for workflow_id, counts in by_workflow.items():
        acted = sum(counts.get(s, 0) for s in ACTED_STATUSES)
        bad = counts.get(ExecutionStatus.FAILED, 0) + counts.get(ExecutionStatus.PARTIAL, 0)
        if bad:
            failing.append(
                {
                    "workflow_id": workflow_id,
                    "name": names[workflow_id],
                    "failed": counts.get(ExecutionStatus.FAILED, 0),
                    "partial": counts.get(ExecutionStatus.PARTIAL, 0),
                    "acted": acted,
                    "failure_share": round(bad / acted, 4) if acted else 0.0,
                }
            )
    failing.sort(key=lambda f: (-f["failed"] - f["partial"], -f["failure_share"]))
    slowest: list[dict[str, Any]] = []
    for workflow_id, fine in histograms.items():
        histogram = sorted(fine.items())
        p50, p95 = percentile(histogram, 0.5), percentile(histogram, 0.95)
        slowest.append(
            {
                "workflow_id": workflow_id,
                "name": names[workflow_id],
                "runs": sum(fine.values()),
                "p50_seconds": round(p50 / 1000.0, 3) if p50 is not None else None,
                "p95_seconds": round(p95 / 1000.0, 3) if p95 is not None else None,
            }
        )
    slowest.sort(key=lambda s: -(s["p95_seconds"] or 0.0))
    return {
        "days": days,
        "runs_per_day": [
            {"day": day, "status": status, "count": count}
            for (day, status), count in sorted(per_day.items())
        ],
        "totals": dict(totals),
        "top_failing": failing[:TOP],
        "slowest": slowest[:TOP],
        "slos": _slos(session, company_id),
        "open_breaches": int(
            session.scalar(
                select(func.count())
                .select_from(SLABreach)
                .where(SLABreach.company_id == company_id, SLABreach.status != "resolved")
            )
            or 0
        ),
        "runs_in_flight": int(
            session.scalar(
                select(func.count())
                .select_from(WorkflowExecution)
                .where(
                    WorkflowExecution.company_id == company_id,
                    WorkflowExecution.status.in_(IN_FLIGHT),
                )
            )
            or 0
        ),
    }


def _slos(session: Session, company_id: int) -> list[dict[str, Any]]:
    now = utcnow()
    open_by_sla = dict(
        session.execute(
            select(SLABreach.sla_id, func.count())
            .where(SLABreach.company_id == company_id, SLABreach.status != "resolved")
            .group_by(SLABreach.sla_id)
        ).all()
    )
    out = []
    for sla, name in session.execute(
        select(WorkflowSLA, Workflow.name)
        .join(Workflow, Workflow.id == WorkflowSLA.workflow_id)
        .where(WorkflowSLA.company_id == company_id, WorkflowSLA.is_active.is_(True))
        .order_by(Workflow.name, WorkflowSLA.name)
    ):
        percentage = slo_percentage(session, sla, now)
        out.append(
            {
                "sla_id": sla.id,
                "workflow_id": sla.workflow_id,
                "workflow_name": name,
                "sla_name": sla.name,
                "slo_percentage": percentage,
                "slo_target_percentage": sla.slo_target_percentage,
                "meets_objective": None
                if percentage is None
                else percentage >= sla.slo_target_percentage,
                "open_breaches": int(open_by_sla.get(sla.id, 0)),
            }
        )
    return out
