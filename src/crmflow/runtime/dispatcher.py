"""Turn committed events into executions: one per (matching active workflow, event)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crmflow.db.base import utcnow
from crmflow.events.models import Event
from crmflow.executions.service import insert_executions
from crmflow.workflows.models import Workflow
from crmflow.workflows.triggers import EVENT_TRIGGERS, event_matches


def dispatch_pending_events(session: Session, *, limit: int = 500) -> tuple[int, list[int]]:
    """Dispatch up to `limit` undispatched events in one transaction; return (events, exec ids)."""
    query = select(Event).where(Event.dispatched_at.is_(None)).order_by(Event.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Two dispatchers (API replicas, beat + worker) split the backlog instead of colliding.
        query = query.with_for_update(skip_locked=True)
    events = list(session.scalars(query))
    if not events:
        session.rollback()
        return 0, []
    rows: list[dict[str, Any]] = []
    by_key: dict[tuple[int, str], list[Event]] = defaultdict(list)
    for event in events:
        for trigger_type in EVENT_TRIGGERS.get(event.type, ()):
            by_key[(event.company_id, trigger_type)].append(event)
    for (company_id, trigger_type), group in by_key.items():
        # Uses the (company_id, trigger_type, status) index: cost is independent of how many
        # workflows other triggers or other companies have.
        workflows = session.execute(
            select(
                Workflow.id,
                Workflow.current_version_id,
                Workflow.version_number,
                Workflow.trigger_config,
            ).where(
                Workflow.company_id == company_id,
                Workflow.trigger_type == trigger_type,
                Workflow.status == "active",
            )
        ).all()
        for event in group:
            for wf_id, version_id, version_number, config in workflows:
                if version_id is None or not event_matches(trigger_type, config or {}, event):
                    continue
                rows.append(
                    {
                        "company_id": company_id,
                        "workflow_id": wf_id,
                        "version_id": version_id,
                        "version": version_number,
                        "trigger_type": trigger_type,
                        "trigger_entity_type": event.entity_type,
                        "trigger_entity_id": event.entity_id,
                        "event_id": event.id,
                        "trigger_data": {
                            "event_type": event.type,
                            "payload": event.payload,
                            "changes": event.changes,
                        },
                        "causation_depth": event.causation_depth,
                    }
                )
    ids = insert_executions(session, rows)
    session.execute(
        update(Event)
        .where(Event.id.in_([e.id for e in events]))
        .values(dispatched_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return len(events), ids
