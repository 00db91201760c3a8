"""The approval chain a run would climb and how long it would take (p50, p90)."""

from __future__ import annotations

from datetime import datetime
from statistics import quantiles
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.auth.models import User
from crmflow.common.dates import parse_duration
from crmflow.common.enums import StepStatus
from crmflow.engine.compiled_cache import index_steps
from crmflow.engine.definition import ApprovalStep, CompiledWorkflow
from crmflow.engine.plugins import get_action
from crmflow.executions.models import ExecutionStep, WorkflowExecution

# Typical and slow durations of each catalog latency class, in ms, where no history exists.
LATENCY_MS: dict[str, tuple[float, float]] = {
    "instant": (2.0, 10.0),
    "fast": (50.0, 200.0),
    "medium": (500.0, 2_000.0),
    "slow": (3_000.0, 10_000.0),
    "very_slow": (15_000.0, 60_000.0),
}
HISTORY_ROWS = 5_000


def approval_chain(
    session: Session, compiled: CompiledWorkflow, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The approval steps the run would reach, in order, with whom each would ask."""
    steps = index_steps(compiled.steps)
    levels = []
    for record in records:
        if record.get("type") != "approval" or record["path"] not in steps:
            continue
        if record.get("status") == StepStatus.SKIPPED:
            continue  # its `when` said no: nobody is asked
        step: ApprovalStep = steps[record["path"]].step
        ids = [int(i) for i in (record.get("output") or {}).get("approvers") or []]
        users = (
            {
                u.id: {"id": u.id, "email": u.email, "name": u.name}
                for u in session.execute(
                    select(User.id, User.email, User.name).where(User.id.in_(ids))
                )
            }
            if ids
            else {}
        )
        config = step.config
        levels.append(
            {
                "path": record["path"],
                "name": step.name,
                "approvers": list(config.approvers),
                "users": [users[i] for i in ids if i in users],
                "mode": config.mode,
                "quorum": config.quorum,
                "timeout": None if config.timeout is None else str(config.timeout),
                "on_timeout": config.on_timeout,
                "error": record.get("error"),
            }
        )
    return levels


def _p50_p90(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    cuts = quantiles(values, n=10, method="inclusive")
    return cuts[4], cuts[8]


def _step_history(session: Session, workflow_id: int | None) -> dict[str, list[float]]:
    if workflow_id is None:
        return {}
    rows = session.execute(
        select(ExecutionStep.path, ExecutionStep.duration_ms)
        .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
        .where(
            WorkflowExecution.workflow_id == workflow_id,
            ExecutionStep.status == StepStatus.SUCCESS,
            ExecutionStep.duration_ms.is_not(None),
        )
        .order_by(ExecutionStep.id.desc())
        .limit(HISTORY_ROWS)
    )
    out: dict[str, list[float]] = {}
    for path, duration in rows:
        if duration is not None:
            out.setdefault(path, []).append(float(duration))
    return out


def _approval_waits(
    session: Session, company_id: int, workflow_id: int | None
) -> dict[str, list[float]]:
    """Recorded waits (ms) by step path for this workflow, and company-wide under `*`."""
    rows = session.execute(
        select(
            ApprovalRequest.workflow_id,
            ApprovalRequest.step_path,
            ApprovalRequest.created_at,
            ApprovalRequest.decided_at,
        )
        .where(ApprovalRequest.company_id == company_id, ApprovalRequest.decided_at.is_not(None))
        .order_by(ApprovalRequest.id.desc())
        .limit(HISTORY_ROWS)
    )
    out: dict[str, list[float]] = {}
    for wid, path, created, decided in rows:
        if decided is None:
            continue
        waited = (decided - created).total_seconds() * 1000.0
        out.setdefault("*", []).append(waited)
        if wid == workflow_id:
            out.setdefault(path, []).append(waited)
    return out


def predict_duration(
    session: Session,
    *,
    company_id: int,
    workflow_id: int | None,
    compiled: CompiledWorkflow,
    records: list[dict[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """p50 and p90 of the whole run: each step from history, else its latency class."""
    steps = index_steps(compiled.steps)
    history = _step_history(session, workflow_id)
    waits = _approval_waits(session, company_id, workflow_id)
    parts = []
    for record in records:
        if record.get("status") == StepStatus.SKIPPED:
            continue
        path, kind = record["path"], record.get("type")
        output = record.get("output") or {}
        if kind == "delay" and output.get("resume_at"):
            wait = (datetime.fromisoformat(output["resume_at"]) - now).total_seconds() * 1000.0
            p50 = p90 = max(0.0, wait)
            basis = "the delay"
        elif kind == "approval":
            recorded = waits.get(path) or waits.get("*")
            if recorded:
                p50, p90 = _p50_p90(recorded)
                basis = f"{len(recorded)} past approval waits" + (
                    "" if path in waits else " (company-wide)"
                )
            else:
                step = steps.get(path)
                timeout = step.step.config.timeout if step is not None else None
                # Without history, the timeout is the one figure known: the longest it waits.
                waited = parse_duration(timeout).total_seconds() * 1000.0 if timeout else 0.0
                p50 = p90 = waited
                basis = (
                    f"no past decisions: counted as its timeout ({timeout})"
                    if timeout
                    else "no past decisions and no timeout: not counted"
                )
        elif path in history:
            p50, p90 = _p50_p90(history[path])
            basis = f"{len(history[path])} past runs of this step"
        else:
            action = get_action(str(kind))
            latency = action.latency_class if action is not None else "instant"
            p50, p90 = LATENCY_MS[latency]
            basis = f"catalog latency class {latency}"
        parts.append({"path": path, "p50": round(p50, 1), "p90": round(p90, 1), "basis": basis})
    return {
        "p50": round(sum(p["p50"] for p in parts), 1),
        # The sum of the steps' p90s bounds the run's p90 from above (not all are slow at once).
        "p90": round(sum(p["p90"] for p in parts), 1),
        "steps": parts,
    }
