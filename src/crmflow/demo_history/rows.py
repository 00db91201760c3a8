"""The rows a planted history is made of: runs with their steps, approval requests and the
events that started them, written in bulk; and the deals they are about."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.auth.service import Principal
from crmflow.common.enums import ApprovalStatus, ExecutionStatus, StepStatus
from crmflow.crm.models import Deal
from crmflow.events.models import Event
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.workflows.models import Workflow

CHUNK = 5000
CUSTOMERS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark")
DEAL_KINDS = ("renewal", "expansion", "pilot", "licences")


class RunWriter:
    """Bulk inserts of one company's history rows, ids taken back in order."""

    def __init__(self, session: Session, company_id: int, owner_id: int) -> None:
        self.session = session
        self.company_id = company_id
        self.owner_id = owner_id  # the planted deals' owner, in the events' payloads
        self.executions: list[dict[str, Any]] = []
        self.written = {"executions": 0, "approvals": 0, "events": 0}
        self.pending: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []
        self.events: list[dict[str, Any] | None] = []

    def run(
        self,
        workflow: Workflow,
        at: datetime,
        status: ExecutionStatus,
        steps: list[dict[str, Any]],
        approvals: list[dict[str, Any]] | None = None,
        entity: tuple[str, int] | None = None,
        record: dict[str, Any] | None = None,
    ) -> None:
        """Queue a run; with a `record`, the event that started it too (back-tests replay it)."""
        duration = sum(float(s.get("duration_ms") or 0.0) for s in steps)
        self.executions.append(
            {
                "company_id": self.company_id,
                "workflow_id": workflow.id,
                "version_id": workflow.current_version_id,
                "version": workflow.version_number,
                "status": status.value,
                "trigger_type": workflow.trigger_type,
                "trigger_entity_type": entity[0] if entity else None,
                "trigger_entity_id": entity[1] if entity else None,
                "trigger_data": {},
                "steps_failed": sum(1 for s in steps if s["status"] == StepStatus.FAILED),
                "actions_executed": len(steps),
                "created_at": at,
                "updated_at": at,
                "started_at": at,
                "completed_at": at + timedelta(milliseconds=duration),
                "duration_ms": duration,
            }
        )
        self.pending.append((steps, approvals or []))
        self.events.append(
            trigger_event(
                self.company_id,
                workflow.trigger_type,
                entity,
                {**record, "owner_id": self.owner_id},
                at,
            )
            if record is not None
            else None
        )
        self.written["executions"] += 1
        self.written["approvals"] += len(approvals or [])
        if len(self.executions) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.executions:
            return
        events = [e for e in self.events if e is not None]
        if events:
            event_ids = iter(
                self.session.scalars(
                    insert(Event).returning(Event.id, sort_by_parameter_order=True), events
                )
            )
            for execution, event in zip(self.executions, self.events, strict=True):
                if event is not None:
                    execution["event_id"] = next(event_ids)
            self.written["events"] += len(events)
        ids = list(
            self.session.scalars(
                insert(WorkflowExecution).returning(
                    WorkflowExecution.id, sort_by_parameter_order=True
                ),
                self.executions,
            )
        )
        steps, approvals = [], []
        for execution_id, (run_steps, run_approvals) in zip(ids, self.pending, strict=True):
            for position, step in enumerate(run_steps):
                steps.append(
                    {
                        **step,
                        "execution_id": execution_id,
                        "position": position,
                        "attempt": 1,
                        "idempotency_key": f"{execution_id}:{step['path']}",
                    }
                )
            for approval in run_approvals:
                approvals.append(
                    {**approval, "execution_id": execution_id, "company_id": self.company_id}
                )
        if steps:
            self.session.execute(insert(ExecutionStep), steps)
        if approvals:
            self.session.execute(insert(ApprovalRequest), approvals)
        self.executions, self.pending, self.events = [], [], []


def deal_record(deal: dict[str, Any]) -> dict[str, Any]:
    return {"title": deal["title"], "amount": deal["amount"], "stage": deal["stage"]}


def trigger_event(
    company_id: int,
    kind: str,
    entity: tuple[str, int] | None,
    record: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """The recorded event a planted run started from, as the engine would have dispatched it."""
    changes = {"stage": ["proposition", "negotiation"]} if kind == "deal_stage_changed" else {}
    return {
        "company_id": company_id,
        "type": kind,
        "entity_type": entity[0] if entity else None,
        "entity_id": entity[1] if entity else None,
        "payload": {
            **record,
            **({"id": entity[1]} if entity else {}),
            **({"stage": "negotiation"} if changes else {}),
        },
        "changes": changes,
        "occurred_at": at,
        "created_at": at,
        "dispatched_at": at,
        "source": "crm",
    }


def step_row(
    path: str,
    name: str,
    kind: str,
    status: StepStatus,
    at: datetime,
    ms: float,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "path": path,
        "name": name,
        "type": kind,
        "status": status.value,
        "error": error,
        "started_at": at,
        "finished_at": at + timedelta(milliseconds=ms),
        "duration_ms": ms,
    }


def approval_row(
    workflow: Workflow,
    path: str,
    name: str,
    at: datetime,
    wait: float,
    approved: bool,
    record: dict[str, Any],
    entity: tuple[str, int],
) -> dict[str, Any]:
    return {
        "workflow_id": workflow.id,
        "step_path": path,
        "name": name,
        "status": (ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED).value,
        "mode": "any",
        "quorum": 1,
        "context": {"entity_type": entity[0], "entity_id": entity[1], "record": record},
        "created_at": at,
        "updated_at": at + timedelta(seconds=wait),
        "decided_at": at + timedelta(seconds=wait),
    }


def insert_deals(
    session: Session, principal: Principal, rng: random.Random, count: int, now: datetime
) -> list[dict[str, Any]]:
    rows = [
        {
            "company_id": principal.company_id,
            "title": f"{rng.choice(CUSTOMERS)} {rng.choice(DEAL_KINDS)} {index + 1}",
            "amount": float(rng.randrange(1000, 100_000, 500)),
            "stage": "signed",
            "owner_id": principal.user_id,
            "tags": [],
            "custom_fields": {},
            "created_at": now,
            "updated_at": now,
        }
        for index in range(count)
    ]
    ids = list(session.scalars(insert(Deal).returning(Deal.id, sort_by_parameter_order=True), rows))
    return [{**row, "id": deal_id} for row, deal_id in zip(rows, ids, strict=True)]
