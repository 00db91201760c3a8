"""A history with planted patterns, for the demo, the suggestion tests and the benchmark.

Six patterns a good miner must find (with the figures it should report) and noise it must not
take for one: a discount approval always granted under 10 %, two approvals asked one after the
other, a webhook that times out, a notification with a broken template, an approval people sit on
for days, and a contract task typed by hand after each signed deal. `filler` executions of a
plain workflow bring a history up to any size (the benchmark's million runs).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.common.enums import (
    ExecutionStatus,
    StepStatus,
    WorkflowStatus,
)
from crmflow.crm.models import Task
from crmflow.db.base import utcnow
from crmflow.demo_history.rows import (
    RunWriter,
    approval_row,
    deal_record,
    insert_deals,
    step_row,
)
from crmflow.events.models import Event
from crmflow.workflows.models import Workflow
from crmflow.workflows.service import create_workflow

TOPICS = ("pricing", "delivery", "support", "invoice")
HOUR = 3600.0
DAY = 24 * HOUR


def _approval(name: str, approvers: list[str]) -> dict[str, Any]:
    return {"type": "approval", "name": name, "config": {"approvers": approvers}}


WORKFLOWS: dict[str, dict[str, Any]] = {
    "discount": {
        "name": "Discount approval",
        "trigger_type": "deal_updated",
        "actions": [
            _approval("Manager approval", ["manager"]),
            {"type": "add_tag", "name": "Tag approved", "config": {"tag": "discount-ok"}},
        ],
    },
    "big_deal": {
        "name": "Big deal sign-off",
        "trigger_type": "deal_created",
        "actions": [
            _approval("Director sign-off", ["title:director"]),
            _approval("Finance sign-off", ["manager"]),
        ],
    },
    "erp": {
        "name": "ERP sync",
        "trigger_type": "deal_created",
        "actions": [
            {
                "type": "call_webhook",
                "name": "Push to ERP",
                "config": {"url": "https://erp.example.com/deals", "method": "POST"},
            }
        ],
    },
    "notify": {
        "name": "Owner alert",
        "trigger_type": "deal_updated",
        "actions": [
            {
                "type": "send_notification",
                "name": "Tell the owner",
                "on_error": "stop",
                "config": {"user": "owner", "message": "{{ deal.owner.name }} has news"},
            },
            {"type": "add_tag", "name": "Tag alerted", "config": {"tag": "alerted"}},
        ],
    },
    "contract": {
        "name": "Contract approval",
        "trigger_type": "deal_stage_changed",
        "actions": [_approval("Legal review", ["manager"])],
    },
    "filler": {
        "name": "Welcome tag",
        "trigger_type": "deal_created",
        "actions": [{"type": "add_tag", "name": "Tag new", "config": {"tag": "new"}}],
    },
}


@dataclass
class Planted:
    """What was planted, for the tests' precision and recall."""

    workflows: dict[str, int] = field(default_factory=dict)
    executions: int = 0
    approvals: int = 0
    tasks: int = 0
    events: int = 0


def plant_history(
    session: Session,
    *,
    principal: Principal,
    days: int = 30,
    scale: int = 1,
    filler: int = 0,
    seed: int = 7,
    status: WorkflowStatus = WorkflowStatus.ACTIVE,
) -> Planted:
    """Create the six workflows and `scale` times their planted history (plus `filler` runs).

    The demo plants them `inactive`: active, they would act on every new deal of a `make run`
    (one of them posts to an ERP that does not exist).
    """
    rng = random.Random(seed)
    pick = random.Random(seed + 1)  # the events' deals: the patterns' own draws stay as they were
    now = utcnow()
    planted = Planted()
    workflows: dict[str, Workflow] = {}
    for key, body in WORKFLOWS.items():
        workflows[key] = create_workflow(
            session,
            principal=principal,
            data={**body, "status": status.value},
        )
        planted.workflows[key] = workflows[key].id
    deals = insert_deals(session, principal, rng, 60 * scale, now)
    writer = RunWriter(session, principal.company_id, principal.user_id)

    def when() -> datetime:
        return now - timedelta(seconds=rng.uniform(0.02, 0.98) * days * DAY)

    # 1. Discounts under 10 % are always approved; above, one in two.
    for _ in range(300 * scale):
        deal = rng.choice(deals)
        discount = round(rng.uniform(0, 30), 1)
        approved = discount < 10 or rng.random() < 0.5
        record = {
            "title": deal["title"],
            "amount": deal["amount"],
            "discount_percent": discount,
            "stage": deal["stage"],
        }
        at = when()
        wait = rng.uniform(0.5, 8) * HOUR
        steps = [
            step_row(
                "actions/0", "Manager approval", "approval", StepStatus.SUCCESS, at, wait * 1000
            )
        ]
        if approved:
            steps.append(
                step_row("actions/1", "Tag approved", "add_tag", StepStatus.SUCCESS, at, 12)
            )
        writer.run(
            workflows["discount"],
            at,
            ExecutionStatus.SUCCESS if approved else ExecutionStatus.REJECTED,
            steps,
            [
                approval_row(
                    workflows["discount"],
                    "actions/0",
                    "Manager approval",
                    at,
                    wait,
                    approved,
                    record,
                    ("deal", deal["id"]),
                )
            ],
            ("deal", deal["id"]),
            record,
        )
    # 2. Two approvals one after the other; the first nearly always says yes.
    for _ in range(80 * scale):
        deal = rng.choice(deals)
        record = {"title": deal["title"], "amount": deal["amount"], "stage": deal["stage"]}
        at = when()
        first, second = rng.uniform(2, 20) * HOUR, rng.uniform(2, 16) * HOUR
        first_ok = rng.random() < 0.97
        second_ok = rng.random() < 0.6  # no segment: finance decides on its own grounds
        requests = [
            approval_row(
                workflows["big_deal"],
                "actions/0",
                "Director sign-off",
                at,
                first,
                first_ok,
                record,
                ("deal", deal["id"]),
            )
        ]
        steps = [
            step_row(
                "actions/0", "Director sign-off", "approval", StepStatus.SUCCESS, at, first * 1000
            )
        ]
        if first_ok:
            later = at + timedelta(seconds=first)
            requests.append(
                approval_row(
                    workflows["big_deal"],
                    "actions/1",
                    "Finance sign-off",
                    later,
                    second,
                    second_ok,
                    record,
                    ("deal", deal["id"]),
                )
            )
            steps.append(
                step_row(
                    "actions/1",
                    "Finance sign-off",
                    "approval",
                    StepStatus.SUCCESS,
                    later,
                    second * 1000,
                )
            )
        ended = ExecutionStatus.SUCCESS if first_ok and second_ok else ExecutionStatus.REJECTED
        writer.run(workflows["big_deal"], at, ended, steps, requests, ("deal", deal["id"]), record)
    # 3. A webhook timing out in 40 % of its calls; 4. a template that breaks in 30 %.
    for _ in range(200 * scale):
        at = when()
        timed_out = rng.random() < 0.4
        error = (
            rng.choice(
                ["timeout after 10 s calling erp.example.com", "HTTP 503 from erp.example.com"]
            )
            if timed_out
            else None
        )
        outcome = StepStatus.FAILED if timed_out else StepStatus.SUCCESS
        deal = pick.choice(deals)
        writer.run(
            workflows["erp"],
            at,
            ExecutionStatus.FAILED if timed_out else ExecutionStatus.SUCCESS,
            [
                step_row(
                    "actions/0",
                    "Push to ERP",
                    "call_webhook",
                    outcome,
                    at,
                    rng.uniform(200, 900),
                    error,
                )
            ],
            entity=("deal", deal["id"]),
            record=deal_record(deal),
        )
        at = when()
        broken = rng.random() < 0.3
        steps = [
            step_row(
                "actions/0",
                "Tell the owner",
                "send_notification",
                StepStatus.FAILED if broken else StepStatus.SUCCESS,
                at,
                8,
                "config.message: 'dict object' has no attribute 'owner'" if broken else None,
            )
        ]
        if not broken:
            steps.append(step_row("actions/1", "Tag alerted", "add_tag", StepStatus.SUCCESS, at, 9))
        deal = pick.choice(deals)
        writer.run(
            workflows["notify"],
            at,
            ExecutionStatus.FAILED if broken else ExecutionStatus.SUCCESS,
            steps,
            entity=("deal", deal["id"]),
            record=deal_record(deal),
        )
    # 5. An approval people sit on for days.
    for _ in range(60 * scale):
        deal = rng.choice(deals)
        at = when()
        wait = rng.uniform(2, 6) * DAY
        record = {"title": deal["title"], "amount": deal["amount"], "stage": deal["stage"]}
        approved = rng.random() < 0.7
        writer.run(
            workflows["contract"],
            at,
            ExecutionStatus.SUCCESS if approved else ExecutionStatus.REJECTED,
            [
                step_row(
                    "actions/0", "Legal review", "approval", StepStatus.SUCCESS, at, wait * 1000
                )
            ],
            [
                approval_row(
                    workflows["contract"],
                    "actions/0",
                    "Legal review",
                    at,
                    wait,
                    approved,
                    record,
                    ("deal", deal["id"]),
                )
            ],
            ("deal", deal["id"]),
            record,
        )
    # Filler: a plain, healthy workflow, as many runs as asked.
    for _ in range(filler):
        at = when()
        writer.run(
            workflows["filler"],
            at,
            ExecutionStatus.SUCCESS,
            [
                step_row(
                    "actions/0", "Tag new", "add_tag", StepStatus.SUCCESS, at, rng.uniform(5, 30)
                )
            ],
        )
    writer.flush()
    planted.executions = writer.written["executions"]
    # 6. Each signed deal: a contract task typed by hand within hours (most of the time).
    events, tasks = [], []
    for deal in deals:
        at = when()
        events.append(
            {
                "company_id": principal.company_id,
                "type": "deal_stage_changed",
                "entity_type": "deal",
                "entity_id": deal["id"],
                "payload": {**deal_record(deal), "id": deal["id"], "owner_id": principal.user_id},
                "changes": {"stage": ["negotiation", "signed"]},
                "occurred_at": at,
                "created_at": at,
                "dispatched_at": at,
                "source": "crm",
            }
        )
        if rng.random() < 0.9:
            typed = at + timedelta(seconds=rng.uniform(0.2, 6) * HOUR)
            tasks.append(
                {
                    "company_id": principal.company_id,
                    "title": f"Send the contract to {deal['title']}",
                    "related_type": "deal",
                    "related_id": deal["id"],
                    "due_date": typed + timedelta(days=2),
                    "priority": "high",
                    "status": "open",
                    "created_at": typed,
                    "updated_at": typed,
                }
            )
        # Noise: other hand-made tasks with no pattern.
        if rng.random() < 0.3:
            typed = at + timedelta(seconds=rng.uniform(0.2, 20) * HOUR)
            tasks.append(
                {
                    "company_id": principal.company_id,
                    "title": f"Call about {rng.choice(TOPICS)} #{rng.randint(1, 999)}",
                    "related_type": "deal",
                    "related_id": deal["id"],
                    "priority": "normal",
                    "status": "open",
                    "created_at": typed,
                    "updated_at": typed,
                }
            )
    session.execute(insert(Event), events)
    session.execute(insert(Task), tasks)
    session.commit()
    planted.approvals = writer.written["approvals"]
    planted.tasks, planted.events = len(tasks), len(events) + writer.written["events"]
    return planted
