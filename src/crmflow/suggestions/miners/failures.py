"""Error-handling miner: steps that fail often, their most common error, and the fix it calls for.

Transient errors (timeouts, refused connections, 429/5xx answers) call for a retry policy; the
confidence is the Wilson lower bound of the transient share of the failures. Other errors (a
template reading a missing field, a refused value) keep failing on retry: the suggestion lets the
run go on past the step (`on_error: continue`) and names the error to fix; its confidence is the
lower bound of the share the most common error has among the failures.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crmflow.common.enums import StepStatus, SuggestionKind
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.suggestions.findings import Finding, History
from crmflow.suggestions.patch import pointer
from crmflow.suggestions.stats import wilson_lower_bound
from crmflow.suggestions.workflows import current_definitions, step_at

FAILURE_RATE = 0.2
ERROR_SAMPLE = 500
EXAMPLES = 5
TRANSIENT = re.compile(
    r"time(d)?[ -]?out|timeout|connection (refused|reset|error|aborted)|temporar|unavailable|"
    r"\b(429|50[0234])\b|too many requests|network|unreachable|try again",
    re.IGNORECASE,
)
RETRY = {"max_attempts": 4, "backoff": "exponential", "initial": "30s", "max": "10m"}


def error_shape(message: str | None) -> str:
    """An error with its varying parts (numbers, quoted values) blanked, to count alike ones."""
    text = (message or "").strip().splitlines()[0] if message else ""
    text = re.sub(r"'[^']{0,80}'|\"[^\"]{0,80}\"", "'…'", text)
    return re.sub(r"\d+(\.\d+)?", "N", text)[:200]


def _step_counts(session: Session, history: History) -> list[Any]:
    failed = func.sum(case((ExecutionStep.status == StepStatus.FAILED, 1), else_=0))
    return list(
        session.execute(
            select(
                WorkflowExecution.workflow_id,
                ExecutionStep.path,
                func.count(),
                failed,
            )
            .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
            .where(
                WorkflowExecution.company_id == history.company_id,
                WorkflowExecution.created_at >= history.since,
                ExecutionStep.status.in_([StepStatus.SUCCESS, StepStatus.FAILED]),
            )
            .group_by(WorkflowExecution.workflow_id, ExecutionStep.path)
        ).all()
    )


def _errors(session: Session, history: History, workflow_id: int, path: str) -> list[Any]:
    return list(
        session.execute(
            select(ExecutionStep.execution_id, ExecutionStep.error)
            .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
            .where(
                WorkflowExecution.workflow_id == workflow_id,
                WorkflowExecution.created_at >= history.since,
                ExecutionStep.path == path,
                ExecutionStep.status == StepStatus.FAILED,
            )
            .order_by(ExecutionStep.id.desc())
            .limit(ERROR_SAMPLE)
        ).all()
    )


def mine_failures(session: Session, history: History) -> list[Finding]:
    """Steps failing in >= 20 % of their runs, with a retry policy or `on_error` proposed."""
    definitions = current_definitions(session, history.company_id)
    findings = []
    for workflow_id, path, total, failed in _step_counts(session, history):
        failed = int(failed or 0)
        if total < history.min_occurrences or failed < max(3, total * FAILURE_RATE):
            continue
        current = definitions.get(workflow_id)
        step = step_at(current["actions"], path) if current else None
        if current is None or step is None:
            continue
        errors = _errors(session, history, workflow_id, path)
        shapes = Counter(error_shape(e.error) for e in errors)
        common, common_count = shapes.most_common(1)[0]
        transient = sum(1 for e in errors if TRANSIENT.search(e.error or ""))
        label = step.get("name") or f"{step.get('type')} ({path})"
        where = pointer(path)
        base = {
            "window": history.window,
            "step": {"path": path, "name": label, "type": step.get("type")},
            "runs": int(total),
            "failed": failed,
            "failure_rate": round(failed / total, 4),
            "errors_sampled": len(errors),
            "most_common_error": {"shape": common, "count": common_count},
            "errors": [{"shape": s, "count": c} for s, c in shapes.most_common(5)],
            "transient": transient,
            "examples": [
                {"execution_id": e.execution_id, "workflow_id": workflow_id, "error": e.error}
                for e in errors[:EXAMPLES]
            ],
        }
        # Retries and `on_error: continue` are for actions: going on past a failed approval
        # would approve by accident, and a failed branch or delay is a definition to fix.
        action = step.get("type") not in CONTROL_STEP_TYPES
        if action and transient * 2 >= len(errors) and not step.get("retry"):
            findings.append(
                Finding(
                    kind=SuggestionKind.ERROR_HANDLING,
                    workflow_id=workflow_id,
                    key=f"{path}|retry",
                    title=f"Retry “{label}” when it fails for a passing reason",
                    description=(
                        f"“{label}” failed in {failed} of {total} runs "
                        f"({100 * failed / total:.1f} %); {transient} of the {len(errors)} "
                        f"failures looked into were passing errors (most common: {common}). A "
                        "retry policy "
                        f"({RETRY['max_attempts']} attempts, exponential back-off from "
                        f"{RETRY['initial']}) would likely have saved them."
                    ),
                    confidence=round(wilson_lower_bound(transient, len(errors)), 4),
                    frequency=failed,
                    evidence=base,
                    change=_patch(workflow_id, current, where, step, "retry", RETRY),
                )
            )
        elif not action or step.get("on_error", "continue") == "stop" or not transient:
            findings.append(
                Finding(
                    kind=SuggestionKind.ERROR_HANDLING,
                    workflow_id=workflow_id,
                    key=f"{path}|on_error",
                    title=f"Fix “{label}”: {failed} failures, mostly “{common[:80]}”",
                    description=(
                        f"“{label}” failed in {failed} of {total} runs "
                        f"({100 * failed / total:.1f} %), {common_count} times with “{common}”. "
                        + (
                            "Retrying would fail again: fix the step's configuration or template; "
                            "meanwhile, letting the run go on past it keeps the steps after it "
                            "running."
                            if action
                            else "Fix the step's configuration (for an approval, its approvers): "
                            "runs cannot go on past it safely."
                        )
                    ),
                    confidence=round(wilson_lower_bound(common_count, len(errors)), 4),
                    frequency=failed,
                    evidence=base,
                    change=_patch(workflow_id, current, where, step, "on_error", "continue")
                    if action and step.get("on_error") == "stop"
                    else None,
                )
            )
    return findings


def _patch(
    workflow_id: int,
    current: dict[str, Any],
    where: str,
    step: dict[str, Any],
    key: str,
    value: Any,
) -> dict[str, Any]:
    return {
        "type": "patch",
        "workflow_id": workflow_id,
        "base_version": current["version"],
        "patch": [
            {"op": "test", "path": where, "value": step},
            {"op": "add", "path": f"{where}/{key}", "value": value},
        ],
    }
