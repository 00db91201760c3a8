"""Repeated manual work: the same task created by hand after the same kind of event, many times.

A task created by a person (not by a workflow step) about a record is matched to the latest event
on that record in the day before. Tasks whose title, once the record's name is replaced by a
template, and whose event (its type, and the stage it moved to) are the same form a pattern; the
confidence is the lower bound of the share of those events followed by that task. The change is
a new workflow that creates the task.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.common.enums import SuggestionKind, WorkflowStatus
from crmflow.crm.models import Task
from crmflow.events.models import Event
from crmflow.suggestions.findings import Finding, History
from crmflow.suggestions.stats import percentile, wilson_lower_bound

WITHIN = timedelta(days=1)
CHUNK = 900  # ids per IN (...) list: under SQLite's default variable limit
NAME_FIELDS = {"deal": "title", "organisation": "name", "contact": "name"}
STAGE_FIELDS = ("stage", "pipeline_stage")


def _signature(event: Any) -> tuple[str, str | None]:
    """What kind of event: its type and, for a stage change, the stage reached."""
    for field in STAGE_FIELDS:
        change = (event.changes or {}).get(field)
        if isinstance(change, list) and len(change) == 2:
            return event.type, str(change[1])
    return event.type, None


def _template(title: str, kind: str, record: dict[str, Any]) -> str:
    name_field = NAME_FIELDS.get(kind)
    name = record.get(name_field) if name_field else None
    text = " ".join(title.split())
    if isinstance(name, str) and len(name) >= 3 and name in text:
        text = text.replace(name, f"{{{{ {kind}.{name_field} }}}}")
    return text


def _events_by_record(
    session: Session, history: History, records: set[tuple[str, int]]
) -> dict[tuple[str, int], list[Any]]:
    out: dict[tuple[str, int], list[Any]] = defaultdict(list)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, record_id in records:
        by_kind[kind].append(record_id)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), CHUNK):
            for event in session.execute(
                select(
                    Event.type, Event.entity_id, Event.changes, Event.payload, Event.occurred_at
                ).where(
                    Event.company_id == history.company_id,
                    Event.entity_type == kind,
                    Event.entity_id.in_(ids[start : start + CHUNK]),
                    Event.occurred_at >= history.since - WITHIN,
                )
            ):
                out[(kind, event.entity_id)].append(event)
    for events in out.values():
        events.sort(key=lambda e: e.occurred_at)
    return out


def _event_totals(session: Session, history: History) -> Counter[tuple[str, str | None]]:
    totals: Counter[tuple[str, str | None]] = Counter()
    for event in session.execute(
        select(Event.type, Event.changes).where(
            Event.company_id == history.company_id, Event.occurred_at >= history.since
        )
    ):
        totals[_signature(event)] += 1
    return totals


def mine_manual_work(session: Session, history: History) -> list[Finding]:
    """The same task typed by hand after the same kind of event: propose the workflow."""
    tasks = session.execute(
        select(
            Task.id,
            Task.title,
            Task.related_type,
            Task.related_id,
            Task.created_at,
            Task.due_date,
            Task.priority,
        ).where(
            Task.company_id == history.company_id,
            Task.created_at >= history.since,
            Task.source_step_key.is_(None),
            Task.related_type.in_(list(NAME_FIELDS)),
            Task.related_id.is_not(None),
        )
    ).all()
    if len(tasks) < history.min_occurrences:
        return []
    events = _events_by_record(session, history, {(t.related_type, t.related_id) for t in tasks})
    groups: dict[tuple[str, str | None, str, str], list[tuple[Any, Any]]] = defaultdict(list)
    for task in tasks:
        timeline = events.get((task.related_type, task.related_id), [])
        index = bisect_right([e.occurred_at for e in timeline], task.created_at) - 1
        if index < 0 or task.created_at - timeline[index].occurred_at > WITHIN:
            continue
        event = timeline[index]
        kind, reached = _signature(event)
        title = _template(task.title, task.related_type, event.payload or {})
        groups[(kind, reached, task.related_type, title)].append((task, event))
    totals = _event_totals(session, history)
    findings = []
    for (kind, reached, record_kind, title), pairs in groups.items():
        happened = totals.get((kind, reached), 0)
        if len(pairs) < history.min_occurrences or not happened:
            continue
        # Events followed by the task (two tasks after one event are one), counted over the
        # same window as `happened`: tasks early in the window may follow an earlier event.
        followed = {
            (e.entity_id, e.occurred_at) for _, e in pairs if e.occurred_at >= history.since
        }
        follows = min(len(followed), happened)
        after = kind.replace("_", " ") + (f" to {reached}" if reached else "")
        lead_days = [
            (t.due_date - t.created_at).total_seconds() / 86400 for t, _ in pairs if t.due_date
        ]
        due = round(percentile(lead_days, 50) or 0)
        priority = Counter(t.priority for t, _ in pairs).most_common(1)[0][0]
        definition = _workflow(kind, reached, title, due, priority, after)
        if definition is None:
            continue
        findings.append(
            Finding(
                kind=SuggestionKind.MANUAL_WORK,
                workflow_id=None,
                key=f"{kind}|{reached}|{title}",
                title=f"Create “{title}” automatically after {after}",
                description=(
                    f"People created this task by hand {len(pairs)} times within a day after "
                    f"{after} ({follows} of {happened} such events over the last "
                    f"{history.window['days']:g} days). A workflow can create it for them."
                ),
                confidence=round(wilson_lower_bound(follows, happened), 4),
                frequency=len(pairs),
                evidence={
                    "window": history.window,
                    "event": {"type": kind, "reached": reached, "count": happened},
                    "tasks": len(pairs),
                    "record_type": record_kind,
                    "title_template": title,
                    "median_due_days": due,
                    "examples": [
                        {"task_id": t.id, "title": t.title, "record_id": t.related_id}
                        for t, _ in pairs[:5]
                    ],
                },
                change={"type": "new_workflow", "definition": definition},
            )
        )
    return findings


def _workflow(
    kind: str, reached: str | None, title: str, due: int, priority: str, after: str
) -> dict[str, Any] | None:
    if kind == "deal_updated" and reached:
        kind = "deal_stage_changed"
    if kind not in ("deal_created", "deal_stage_changed", "organisation_created", "deal_updated"):
        return None  # no trigger says exactly when these tasks were typed
    config = {"to": reached} if kind == "deal_stage_changed" and reached else {}
    task: dict[str, Any] = {"title": title, "assignee": "owner", "priority": priority}
    if due > 0:
        task["due_date"] = f"+{due} days"
    return {
        "name": f"Create “{title[:200]}” after {after}"[:300],
        "description": "Suggested from tasks people created by hand after the same event.",
        "trigger_type": kind,
        "trigger_config": config,
        "conditions": None,
        "actions": [{"type": "create_task", "name": "Create the task", "config": task}],
        "run_policy": None,
        "status": WorkflowStatus.DRAFT.value,
    }
