"""Performance miner: approvals people sit on, and steps far slower than their peers.

Slow waits: an approval step without a timeout whose median wait is over a day gets a timeout at
that median, escalating (confidence: the lower bound of the share of requests waiting over a
day). Slow steps: an action step whose p95 is three times its type's usual p95 is shown with its
figures (advice: no automatic change); the confidence is the lower bound of the share of its runs
slower than that usual p95.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.common.enums import ApprovalStatus, StepStatus, SuggestionKind
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.suggestions.findings import Finding, History
from crmflow.suggestions.patch import pointer
from crmflow.suggestions.stats import percentile, wilson_lower_bound
from crmflow.suggestions.workflows import current_definitions, step_at

DAY = 86400.0
SLOWER_THAN_PEERS = 3.0
MIN_SLOW_P95_MS = 2000.0
SAMPLE = 2000


def _duration_text(seconds: float) -> str:
    """A timeout the engine reads: whole hours under two days, else whole days."""
    if seconds < 2 * DAY:
        return f"{max(1, round(seconds / 3600))} hours"
    return f"{round(seconds / DAY)} days"


def mine_slow_approvals(session: Session, history: History) -> list[Finding]:
    """Approval steps without a timeout whose requests wait over a day (median)."""
    definitions = current_definitions(session, history.company_id)
    waits: dict[tuple[int, str], list[tuple[float, int]]] = defaultdict(list)
    for row in session.execute(
        select(
            ApprovalRequest.workflow_id,
            ApprovalRequest.step_path,
            ApprovalRequest.created_at,
            ApprovalRequest.decided_at,
            ApprovalRequest.execution_id,
        ).where(
            ApprovalRequest.company_id == history.company_id,
            ApprovalRequest.created_at >= history.since,
            ApprovalRequest.status.in_([ApprovalStatus.APPROVED, ApprovalStatus.REJECTED]),
            ApprovalRequest.decided_at.is_not(None),
        )
    ):
        seconds = (row.decided_at - row.created_at).total_seconds()
        waits[(row.workflow_id, row.step_path)].append((seconds, row.execution_id))
    findings = []
    for (workflow_id, path), rows in waits.items():
        current = definitions.get(workflow_id)
        step = step_at(current["actions"], path) if current else None
        if current is None or step is None or step.get("type") != "approval":
            continue
        if (step.get("config") or {}).get("timeout") or len(rows) < history.min_occurrences:
            continue
        seconds = [s for s, _ in rows]
        median = percentile(seconds, 50) or 0.0
        if median < DAY:
            continue
        over_a_day = sum(1 for s in seconds if s > DAY)
        timeout = _duration_text(median)
        label = step.get("name") or path
        where = pointer(path)
        config = {**(step.get("config") or {}), "timeout": timeout, "on_timeout": "escalate"}
        findings.append(
            Finding(
                kind=SuggestionKind.PERFORMANCE,
                workflow_id=workflow_id,
                key=f"{path}|timeout",
                title=f"Escalate “{label}” after {timeout}",
                description=(
                    f"Requests of “{label}” waited {median / DAY:.1f} days (median) over "
                    f"{len(rows)} decisions; {over_a_day} waited more than a day. A {timeout} "
                    "timeout that escalates to the approvers' managers keeps runs moving."
                ),
                confidence=round(wilson_lower_bound(over_a_day, len(rows)), 4),
                frequency=len(rows),
                evidence={
                    "window": history.window,
                    "step": {"path": path, "name": label},
                    "decisions": len(rows),
                    "wait_seconds": {
                        "p50": round(median, 1),
                        "p95": round(percentile(seconds, 95) or 0.0, 1),
                        "max": round(max(seconds), 1),
                    },
                    "over_a_day": over_a_day,
                    "examples": [
                        {"execution_id": e, "workflow_id": workflow_id, "wait_seconds": round(s, 1)}
                        for s, e in sorted(rows, reverse=True)[:5]
                    ],
                },
                change={
                    "type": "patch",
                    "workflow_id": workflow_id,
                    "base_version": current["version"],
                    "patch": [
                        {"op": "test", "path": where, "value": step},
                        {"op": "replace", "path": f"{where}/config", "value": config},
                    ],
                },
            )
        )
    return findings


def _step_groups(session: Session, history: History) -> list[Any]:
    return list(
        session.execute(
            select(
                WorkflowExecution.workflow_id, ExecutionStep.path, ExecutionStep.type, func.count()
            )
            .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
            .where(
                WorkflowExecution.company_id == history.company_id,
                WorkflowExecution.created_at >= history.since,
                ExecutionStep.status == StepStatus.SUCCESS,
                ExecutionStep.duration_ms.is_not(None),
                ExecutionStep.type.not_in(CONTROL_STEP_TYPES),
            )
            .group_by(WorkflowExecution.workflow_id, ExecutionStep.path, ExecutionStep.type)
        ).all()
    )


def _durations(session: Session, history: History, workflow_id: int, path: str) -> list[float]:
    return [
        float(d or 0.0)
        for d in session.scalars(
            select(ExecutionStep.duration_ms)
            .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
            .where(
                WorkflowExecution.workflow_id == workflow_id,
                WorkflowExecution.created_at >= history.since,
                ExecutionStep.path == path,
                ExecutionStep.status == StepStatus.SUCCESS,
                ExecutionStep.duration_ms.is_not(None),
            )
            .order_by(ExecutionStep.id.desc())
            .limit(SAMPLE)
        )
    ]


def mine_slow_steps(session: Session, history: History) -> list[Finding]:
    """Action steps whose p95 is >= 3x the usual p95 of their action type (advice only)."""
    groups = [g for g in _step_groups(session, history) if g[3] >= history.min_occurrences]
    samples = {(w, p): _durations(session, history, w, p) for w, p, _, _ in groups}
    p95 = {key: percentile(values, 95) or 0.0 for key, values in samples.items()}
    by_type: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for workflow_id, path, kind, _ in groups:
        by_type[kind].append((workflow_id, path))
    definitions = current_definitions(session, history.company_id)
    findings = []
    for kind, keys in by_type.items():
        for key in keys:
            peers = [p95[k] for k in keys if k != key]
            if len(peers) < 2:
                continue  # no usual speed to compare with
            usual = percentile(peers, 50) or 0.0
            mine = p95[key]
            if mine < MIN_SLOW_P95_MS or mine < SLOWER_THAN_PEERS * usual:
                continue
            workflow_id, path = key
            current = definitions.get(workflow_id)
            step = step_at(current["actions"], path) if current else None
            if step is None:
                continue
            values = samples[key]
            slower = sum(1 for v in values if v > usual)
            label = step.get("name") or f"{kind} ({path})"
            findings.append(
                Finding(
                    kind=SuggestionKind.PERFORMANCE,
                    workflow_id=workflow_id,
                    key=f"{path}|slow",
                    title=f"“{label}” is {mine / max(usual, 1.0):.0f}× slower than its peers",
                    description=(
                        f"Its p95 is {mine / 1000:.1f} s against {usual / 1000:.1f} s for the "
                        f"other {kind} steps (p95, median over {len(peers)} steps), over "
                        f"{len(values)} runs. Look at what it calls: a slow receiver, a large "
                        "payload, a missing index on the other side."
                    ),
                    confidence=round(wilson_lower_bound(slower, len(values)), 4),
                    frequency=len(values),
                    evidence={
                        "window": history.window,
                        "step": {"path": path, "name": label, "type": kind},
                        "runs": len(values),
                        "p50_ms": round(percentile(values, 50) or 0.0, 1),
                        "p95_ms": round(mine, 1),
                        "peers_p95_ms": round(usual, 1),
                        "peers": len(peers),
                        "slower_than_peers": slower,
                    },
                    change=None,
                )
            )
    return findings
