"""Approval miners: steps nearly always approved for a segment; approvals that could ask at once.

Auto-approval: for each approval step with enough decisions, a decision stump over the request's
record fields finds the segment approved >= 95 % of the time; the confidence is the Wilson lower
bound of that segment's approval rate. Parallel approvals: two approval steps in a row, asked one
after the other, could be asked together; the time saved is measured from the recorded waits.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.common.enums import ApprovalStatus, SuggestionKind
from crmflow.suggestions.findings import Finding, History
from crmflow.suggestions.patch import pointer
from crmflow.suggestions.stats import (
    Segment,
    numeric_split,
    percentile,
    two_proportion_z,
    wilson_lower_bound,
)
from crmflow.suggestions.workflows import current_definitions, step_at
from crmflow.workflows.step_tree import step_path, walk_steps

AUTO_APPROVE_RATE = 0.95
SEPARATION_Z = 3.0
EXAMPLES = 5
# Record fields that name or identify rather than describe: never a segment.
_NOT_FEATURES = {"id", "name", "title", "email", "description", "created_at", "updated_at"}
MAX_CATEGORIES = 12


def _decisions(session: Session, history: History) -> dict[tuple[int, str], list[Any]]:
    rows = session.execute(
        select(
            ApprovalRequest.id,
            ApprovalRequest.workflow_id,
            ApprovalRequest.execution_id,
            ApprovalRequest.step_path,
            ApprovalRequest.status,
            ApprovalRequest.context,
            ApprovalRequest.created_at,
            ApprovalRequest.decided_at,
        ).where(
            ApprovalRequest.company_id == history.company_id,
            ApprovalRequest.created_at >= history.since,
            ApprovalRequest.status.in_([ApprovalStatus.APPROVED, ApprovalStatus.REJECTED]),
        )
    ).all()
    by_step: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in rows:
        by_step[(row.workflow_id, row.step_path)].append(row)
    return by_step


def _features(rows: list[Any]) -> dict[str, list[tuple[Any, bool]]]:
    """Each usable record field with (value, approved) per request that has it."""
    out: dict[str, list[tuple[Any, bool]]] = defaultdict(list)
    for row in rows:
        record = (row.context or {}).get("record") or {}
        approved = row.status == ApprovalStatus.APPROVED
        for name, value in record.items():
            if name in _NOT_FEATURES or name.endswith("_id") or value is None:
                continue
            if isinstance(value, (bool, int, float, str)):
                out[name].append((value, approved))
    return out


def _best_segment(
    features: dict[str, list[tuple[Any, bool]]], min_size: int
) -> tuple[str, Segment] | None:
    """The most trustworthy segment approved >= 95 % of the time (ties: the larger one)."""
    candidates: list[tuple[float, int, str, Segment]] = []
    for name, samples in features.items():
        segments: list[Segment] = []
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v, _ in samples):
            split = numeric_split([(float(v), ok) for v, ok in samples])
            segments = list(split) if split else []
        else:
            values = {v for v, _ in samples}
            if len(values) <= MAX_CATEGORIES:
                for value in values:
                    hits = [ok for v, ok in samples if v == value]
                    segments.append(Segment("==", value, sum(hits), len(hits)))
        everyone = len(samples)
        approved = sum(1 for _, ok in samples if ok)
        for segment in segments:
            rest, rest_ok = everyone - segment.total, approved - segment.positives
            # The segment must stand apart from the rest (z >= 3, p < 0.003): a step approved
            # nine times in ten anyway has lucky runs of approvals that are no pattern.
            apart = two_proportion_z(segment.positives, segment.total, rest_ok, rest)
            # ...and the rest must be a group of its own: "all but two" is no segment.
            if apart < SEPARATION_Z or rest < min_size:
                continue
            if segment.total >= min_size and segment.rate >= AUTO_APPROVE_RATE:
                bound = wilson_lower_bound(segment.positives, segment.total)
                candidates.append((bound, segment.total, name, segment))
    if not candidates:
        return None
    _, _, name, segment = max(candidates, key=lambda c: (c[0], c[1]))
    return name, segment


_NEGATION = {"<": ">=", ">=": "<", "==": "!="}


def _ask_only_outside(step: dict[str, Any], field: str, segment: Segment) -> dict[str, Any]:
    """The step's new `when`: ask only outside the segment (and under its old `when`)."""
    rule = {"field": field, "operator": _NEGATION[segment.operator], "value": segment.value}
    old = step.get("when")
    return rule if not old else {"operator": "AND", "rules": [old, rule]}


def mine_auto_approvals(session: Session, history: History) -> list[Finding]:
    """Approval steps whose decisions are >= 95 % approvals within a segment of their records."""
    definitions = current_definitions(session, history.company_id)
    findings = []
    for (workflow_id, path), rows in _decisions(session, history).items():
        current = definitions.get(workflow_id)
        step = step_at(current["actions"], path) if current else None
        if current is None or step is None or step.get("type") != "approval":
            continue  # the step is gone or changed since those requests
        if len(rows) < history.min_occurrences:
            continue  # the step is gone or changed since those requests
        entity = next((r.context or {}).get("entity_type") for r in rows if r.context)
        best = _best_segment(_features(rows), history.min_occurrences)
        if best is None or not entity:
            continue
        name, segment = best
        field = f"{entity}.{name}"
        label = step.get("name") or path
        shown = f"{field} {segment.operator} {segment.value}"
        inside = [
            r for r in rows if _in_segment((r.context or {}).get("record", {}).get(name), segment)
        ]
        approved = [r for r in inside if r.status == ApprovalStatus.APPROVED]
        rejected = [r for r in inside if r.status != ApprovalStatus.APPROVED]
        confidence = wilson_lower_bound(len(approved), len(inside))
        findings.append(
            Finding(
                kind=SuggestionKind.AUTO_APPROVAL,
                workflow_id=workflow_id,
                key=f"{path}|{field}|{segment.operator}|{segment.value}",
                title=f"Auto-approve “{label}” when {shown}",
                description=(
                    f"Over the last {history.window['days']:g} days, {len(approved)} of "
                    f"{len(inside)} requests with {shown} were approved "
                    f"({100 * len(approved) / len(inside):.1f} %); outside it, "
                    f"{_rate(rows, inside)}. Skipping the approval there saves those waits."
                ),
                confidence=round(confidence, 4),
                frequency=len(inside),
                evidence={
                    "window": history.window,
                    "step": {"path": path, "name": label},
                    "segment": {
                        "field": field,
                        "operator": segment.operator,
                        "value": segment.value,
                    },
                    "requests": len(rows),
                    "in_segment": {"approved": len(approved), "rejected": len(rejected)},
                    "outside_segment": _counts(_outside(rows, inside)),
                    "examples": [_ref(r) for r in approved[:EXAMPLES]],
                    "counterexamples": [_ref(r) for r in rejected[:EXAMPLES]],
                    "median_wait_seconds": _median_wait(inside),
                },
                change=_patch_change(
                    workflow_id, current, path, step, _ask_only_outside(step, field, segment)
                ),
            )
        )
    return findings


def _in_segment(value: Any, segment: Segment) -> bool:
    if value is None:
        return False
    if segment.operator == "==":
        return bool(value == segment.value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return bool(value < segment.value if segment.operator == "<" else value >= segment.value)


def _outside(rows: list[Any], inside: list[Any]) -> list[Any]:
    ids = {r.id for r in inside}
    return [r for r in rows if r.id not in ids]


def _counts(rows: list[Any]) -> dict[str, int]:
    approved = sum(1 for r in rows if r.status == ApprovalStatus.APPROVED)
    return {"approved": approved, "rejected": len(rows) - approved}


def _rate(rows: list[Any], inside: list[Any]) -> str:
    outside = _counts(_outside(rows, inside))
    total = outside["approved"] + outside["rejected"]
    if not total:
        return "there were no other requests"
    return f"{outside['approved']} of {total} were ({100 * outside['approved'] / total:.1f} %)"


def _ref(row: Any) -> dict[str, Any]:
    return {
        "approval_id": row.id,
        "execution_id": row.execution_id,
        "workflow_id": row.workflow_id,
        "status": str(row.status),
        "record": (row.context or {}).get("record"),
    }


def _waits(rows: list[Any]) -> list[float]:
    return [
        (r.decided_at - r.created_at).total_seconds()
        for r in rows
        if r.decided_at is not None and r.created_at is not None
    ]


def _median_wait(rows: list[Any]) -> float | None:
    value = percentile(_waits(rows), 50)
    return round(value, 1) if value is not None else None


def _patch_change(
    workflow_id: int,
    current: dict[str, Any],
    path: str,
    step: dict[str, Any],
    when: dict[str, Any],
) -> dict[str, Any]:
    where = pointer(path)
    return {
        "type": "patch",
        "workflow_id": workflow_id,
        "base_version": current["version"],
        "patch": [
            {"op": "test", "path": where, "value": step},
            {"op": "add", "path": f"{where}/when", "value": when},
        ],
    }


def mine_parallel_approvals(session: Session, history: History) -> list[Finding]:
    """Two approval steps in a row that could be asked together, with the time it saves."""
    definitions = current_definitions(session, history.company_id)
    decisions = _decisions(session, history)
    findings = []
    for workflow_id, current in definitions.items():
        for path, first, second in _approval_pairs(current["actions"]):
            second_path = _next_path(path)
            first_rows = decisions.get((workflow_id, path), [])
            second_rows = {r.execution_id: r for r in decisions.get((workflow_id, second_path), [])}
            both = [
                (r, second_rows[r.execution_id])
                for r in first_rows
                if r.execution_id in second_rows
            ]
            if len(both) < history.min_occurrences or _reads_outputs(second):
                continue
            saved = [min(w1, w2) for w1, w2 in ((_wait(a), _wait(b)) for a, b in both) if w1 and w2]
            if not saved:
                continue
            approved_first = sum(1 for r in first_rows if r.status == ApprovalStatus.APPROVED)
            # Asking together wastes the second ask when the first refuses: the risk is that rate.
            confidence = wilson_lower_bound(approved_first, len(first_rows))
            median_saved = percentile(saved, 50) or 0.0
            names = (first.get("name") or path, second.get("name") or second_path)
            findings.append(
                Finding(
                    kind=SuggestionKind.PARALLEL_APPROVALS,
                    workflow_id=workflow_id,
                    key=f"{path}+{second_path}",
                    title=f"Ask “{names[0]}” and “{names[1]}” at the same time",
                    description=(
                        f"In {len(both)} runs both approvals were asked one after the other; asked "
                        f"together, each run would have waited {_human(median_saved)} less "
                        f"(median). “{names[0]}” was approved {approved_first} times out of "
                        f"{len(first_rows)}, so the second request is rarely asked for nothing."
                    ),
                    confidence=round(confidence, 4),
                    frequency=len(both),
                    evidence={
                        "window": history.window,
                        "steps": [
                            {"path": path, "name": names[0]},
                            {"path": second_path, "name": names[1]},
                        ],
                        "runs_with_both": len(both),
                        "first_approved": approved_first,
                        "first_decided": len(first_rows),
                        "saved_seconds": {
                            "median": round(median_saved, 1),
                            "p95": round(percentile(saved, 95) or 0.0, 1),
                            "total": round(sum(saved), 1),
                        },
                        "examples": [_ref(a) for a, _ in both[:EXAMPLES]],
                    },
                    change=_parallel_change(workflow_id, current, path, first, second),
                )
            )
    return findings


def _approval_pairs(actions: list[Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    pairs = []
    for at, step in walk_steps(actions):
        index = at[-1]
        if step.get("type") != "approval" or step.get("when") or not isinstance(index, int):
            continue
        sibling = step_at(actions, step_path((*at[:-1], index + 1)))
        if sibling and sibling.get("type") == "approval" and not sibling.get("when"):
            pairs.append((step_path(at), step, sibling))
    return pairs


def _next_path(path: str) -> str:
    head, _, index = path.rpartition("/")
    return f"{head}/{int(index) + 1}"


def _reads_outputs(step: dict[str, Any]) -> bool:
    return "steps." in str(step.get("config"))


def _wait(row: Any) -> float | None:
    if row.decided_at is None or row.created_at is None:
        return None
    return float((row.decided_at - row.created_at).total_seconds())


def _human(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"


def _parallel_change(
    workflow_id: int,
    current: dict[str, Any],
    path: str,
    first: dict[str, Any],
    second: dict[str, Any],
) -> dict[str, Any]:
    where = pointer(path)
    after = pointer(_next_path(path))
    together = {
        "type": "parallel",
        "name": f"{first.get('name') or 'Approval'} + {second.get('name') or 'approval'}",
        "branches": [[first], [second]],
    }
    return {
        "type": "patch",
        "workflow_id": workflow_id,
        "base_version": current["version"],
        "patch": [
            {"op": "test", "path": where, "value": first},
            {"op": "test", "path": after, "value": second},
            {"op": "remove", "path": after},
            {"op": "replace", "path": where, "value": together},
        ],
    }
