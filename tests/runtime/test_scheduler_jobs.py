"""Scheduler jobs: scheduled fires exactly once, inactivity once per period, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crmflow.common.enums import FINISHED_STATUSES
from crmflow.crm.models import Organisation
from crmflow.executions.models import WorkflowExecution
from crmflow.runtime import jobs
from crmflow.workflows.models import Workflow
from tests.conftest import Tenant
from tests.workflows.factories import create_org, create_workflow

TASK = [{"type": "create_task", "config": {"title": "weekly review", "assignee": None}}]


def _count(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(WorkflowExecution)) or 0


def test_scheduled_workflow_fires_once_per_fire_time_even_with_two_schedulers(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    wf = create_workflow(
        client,
        tenant.headers(),
        {
            "name": "daily",
            "trigger_type": "scheduled",
            "trigger_config": {"frequency": "daily", "time": "09:00", "timezone": "Europe/Paris"},
            "actions": TASK,
        },
        active=True,
    )
    start = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    session.execute(update(Workflow).values(schedule_cursor=start))
    session.commit()
    at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)  # 09:30 in Paris (UTC+1 in March)
    first = jobs.fire_scheduled(session, now=at)
    # A second scheduler that has not seen the cursor move fires the same time: a no-op.
    session.execute(update(Workflow).values(schedule_cursor=start))
    session.commit()
    second = jobs.fire_scheduled(session, now=at)
    assert len(first) == 1 and second == []
    execution = session.get(WorkflowExecution, first[0])
    assert execution is not None and execution.workflow_id == wf["id"]
    assert execution.fire_key == "schedule:2026-03-01T08:00:00+00:00"
    # Across the DST change (29 March) 09:00 Paris moves from 08:00 to 07:00 UTC.
    fired = jobs.fire_scheduled(session, now=datetime(2026, 3, 30, 7, 30, tzinfo=UTC))
    latest = session.get(WorkflowExecution, fired[0])
    assert latest is not None and latest.fire_key == "schedule:2026-03-30T07:00:00+00:00"
    assert latest.trigger_data["missed"] == 28  # downtime catch-up runs once, says what it skipped


def test_inactivity_fires_once_per_idle_period(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    create_workflow(
        client,
        tenant.headers(),
        {
            "name": "idle",
            "trigger_type": "inactivity_delay",
            "trigger_config": {"entity_type": "organisation", "days": 30},
            "actions": TASK,
        },
        active=True,
    )
    now = datetime.now(UTC)
    idle = create_org(client, tenant.headers(), name="Idle")
    create_org(client, tenant.headers(), name="Busy")
    session.execute(
        update(Organisation)
        .where(Organisation.name == "Idle")
        .values(last_activity_at=now - timedelta(days=40))
    )
    session.execute(
        update(Organisation)
        .where(Organisation.name == "Busy")
        .values(last_activity_at=now + timedelta(days=10))
    )
    session.commit()
    assert len(jobs.check_inactivity(session, now=now)) == 1
    assert jobs.check_inactivity(session, now=now) == []
    assert jobs.check_inactivity(session, now=now + timedelta(days=20)) == []
    # New activity, then 31 idle days: a new period, a new run.
    session.execute(
        update(Organisation)
        .where(Organisation.id == idle["id"])
        .values(last_activity_at=now + timedelta(days=1))
    )
    session.commit()
    later = now + timedelta(days=33)
    assert len(jobs.check_inactivity(session, now=later)) == 1
    assert _count(session) == 2


def test_prune_removes_old_finished_executions_only(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    wf = create_workflow(client, tenant.headers())
    finished = sorted(FINISHED_STATUSES)
    for _ in range(len(finished) + 1):
        client.post(
            f"/api/v1/workflows/{wf['id']}/execute?wait=0", json={}, headers=tenant.headers()
        )
    old = datetime.now(UTC) - timedelta(days=100)
    ids = list(session.scalars(select(WorkflowExecution.id).order_by(WorkflowExecution.id)))
    for execution_id, status in zip(ids, finished, strict=False):  # every finished status
        session.execute(
            update(WorkflowExecution)
            .where(WorkflowExecution.id == execution_id)
            .values(created_at=old, status=status)
        )
    session.commit()
    removed = jobs.prune_executions(session, now=datetime.now(UTC), retention_days=90)
    assert removed == len(finished)  # partial ones too (a hand-written list once missed them)
    assert list(session.scalars(select(WorkflowExecution.id))) == ids[len(finished) :]
