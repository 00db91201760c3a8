"""Turn committed events into executions: one per (matching active workflow, event)."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from crmflow.db import dialect
from crmflow.db.base import utcnow
from crmflow.events.models import Event
from crmflow.executions.service import insert_executions
from crmflow.workflows.models import Workflow
from crmflow.workflows.triggers import EVENT_TRIGGERS, event_matches

EVENTS: Table = Event.__table__  # type: ignore[assignment]
WORKFLOWS: Table = Workflow.__table__  # type: ignore[assignment]

_PENDING = (
    select(
        EVENTS.c.id,
        EVENTS.c.company_id,
        EVENTS.c.type,
        EVENTS.c.entity_type,
        EVENTS.c.entity_id,
        EVENTS.c.payload,
        EVENTS.c.changes,
        EVENTS.c.causation_depth,
    )
    .where(EVENTS.c.dispatched_at.is_(None))
    .order_by(EVENTS.c.id)
    .limit(bindparam("limit"))
)
# Two dispatchers (API replicas, beat + worker) split the backlog instead of colliding.
_PENDING_LOCKED = _PENDING.with_for_update(skip_locked=True)
# Uses the (company_id, trigger_type, status) index: the cost does not depend on how many
# workflows other triggers or other companies have.
_ACTIVE = select(
    WORKFLOWS.c.id,
    WORKFLOWS.c.current_version_id,
    WORKFLOWS.c.version_number,
    WORKFLOWS.c.trigger_config,
).where(
    WORKFLOWS.c.company_id == bindparam("company_id"),
    WORKFLOWS.c.trigger_type == bindparam("trigger_type"),
    WORKFLOWS.c.status == "active",
)
_MARK = (
    update(EVENTS)
    .where(EVENTS.c.id.in_(bindparam("ids", expanding=True)))
    .values(dispatched_at=bindparam("now"))
)


def dispatch_pending_events(
    session: Session, *, limit: int = 500, commit: bool = True
) -> tuple[int, list[int]]:
    """Dispatch up to `limit` undispatched events; return (events seen, new execution ids).

    With `commit=False` the caller's transaction carries the work (the embedded worker runs
    the new executions in the same transaction).
    """
    conn = session.connection()
    query = _PENDING_LOCKED if dialect.row_locks(conn) else _PENDING
    events = [SimpleNamespace(**row._mapping) for row in conn.execute(query, {"limit": limit})]
    if not events:
        if commit:
            session.rollback()
        return 0, []
    by_key: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for event in events:
        for trigger_type in EVENT_TRIGGERS.get(event.type, ()):
            by_key[(event.company_id, trigger_type)].append(event)
    rows: list[dict[str, Any]] = []
    for (company_id, trigger_type), group in by_key.items():
        workflows = conn.execute(
            _ACTIVE, {"company_id": company_id, "trigger_type": trigger_type}
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
    conn.execute(_MARK, {"ids": [e.id for e in events], "now": utcnow()})
    if commit:
        session.commit()
    return len(events), ids
