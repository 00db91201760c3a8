"""The repeated-manual-work miner counts the events followed by the task, not the tasks."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from crmflow.crm.models import Task
from crmflow.db.base import utcnow
from crmflow.demo_history.rows import insert_deals
from crmflow.events.models import Event
from crmflow.suggestions.findings import History
from crmflow.suggestions.miners.manual_work import mine_manual_work
from tests.conftest import Tenant
from tests.suggestions.planted import principal_of


def test_two_tasks_after_one_event_count_that_event_once(
    writer_session: Session, tenant: Tenant
) -> None:
    now = utcnow()
    deals = insert_deals(writer_session, principal_of(tenant), random.Random(3), 12, now)
    events, tasks = [], []
    for index, deal in enumerate(deals):
        at = now - timedelta(days=index + 1)
        events.append(
            {
                "company_id": tenant.company_id,
                "type": "deal_stage_changed",
                "entity_type": "deal",
                "entity_id": deal["id"],
                "payload": {"title": deal["title"], "stage": "signed"},
                "changes": {"stage": ["negotiation", "signed"]},
                "occurred_at": at,
                "created_at": at,
                "dispatched_at": at,
            }
        )
        if index % 2:  # half the deals: the task typed twice, the others: never
            for hours in (1, 2):
                typed = at + timedelta(hours=hours)
                tasks.append(
                    {
                        "company_id": tenant.company_id,
                        "title": f"Send the contract to {deal['title']}",
                        "related_type": "deal",
                        "related_id": deal["id"],
                        "priority": "high",
                        "status": "open",
                        "created_at": typed,
                        "updated_at": typed,
                    }
                )
    writer_session.execute(insert(Event), events)
    writer_session.execute(insert(Task), tasks)
    writer_session.commit()

    [finding] = mine_manual_work(
        writer_session, History(tenant.company_id, now - timedelta(days=30), now, 10)
    )
    assert finding.frequency == 12  # tasks typed
    assert "(6 of 12 such events" in finding.description
    assert finding.confidence < 0.5  # half the events, not all of them
