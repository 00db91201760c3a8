"""Celery fault test: two `crmflow beat` processes at once over a simulated day.

Beats and the worker share a simulated clock (CRMFLOW_SIMULATED_CLOCK, 1440x: a day in a
minute). Both beats send every crontab task; every scheduled fire must still happen once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from crmflow.config import Settings
from crmflow.crm.models import Organisation
from crmflow.db.session import get_session_factory
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from crmflow.workflows.models import Workflow
from crmflow.workflows.triggers import fire_times
from tests.conftest import make_tenant
from tests.integration.processes import (
    celery_env,
    purge_queue,
    start_beat,
    start_worker,
    stop,
    wait_until,
)

BROKER = "redis://127.0.0.1:6379/10"
RATE = 1440.0  # simulated seconds per real second
START = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)  # a Sunday evening: Monday comes next
DAY_END = START + timedelta(hours=26, minutes=30)
EVERY_TWO_HOURS = {"cron": "0 */2 * * *"}
WORKFLOWS = {
    "every-two-hours": ("scheduled", EVERY_TWO_HOURS),
    "daily": ("scheduled", {"frequency": "daily", "time": "09:00"}),
    "weekly": ("scheduled", {"frequency": "weekly", "day_of_week": "mon", "time": "09:00"}),
    "idle": ("inactivity_delay", {"entity_type": "organisation", "days": 30}),
}
IDLE_ORGS = 3


def _create(pg_url: str) -> dict[str, int]:
    """The four workflows and three long-idle organisations, set up before the day starts."""
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    settings = Settings(CRMFLOW_DATABASE_URL=pg_url)
    ids: dict[str, int] = {}
    with TestClient(create_app(settings, start_runtime=False)) as client:
        headers = tenant.headers()
        for name, (trigger, config) in WORKFLOWS.items():
            response = client.post(
                "/api/v1/workflows",
                headers=headers,
                json={
                    "name": name,
                    "trigger_type": trigger,
                    "trigger_config": config,
                    "status": "active",
                    "actions": [{"type": "create_task", "config": {"title": name}}],
                },
            )
            assert response.status_code == 201, response.text
            ids[name] = response.json()["id"]
        for n in range(IDLE_ORGS):
            assert (
                client.post("/api/v1/organisations", headers=headers, json={"name": f"o{n}"})
            ).status_code == 201
    long_ago = START - timedelta(days=60)
    with get_session_factory(pg_url)() as session:
        session.execute(update(Workflow).values(schedule_cursor=START))
        session.execute(update(Organisation).values(created_at=long_ago, last_activity_at=long_ago))
        session.commit()
    return ids


def test_two_beats_over_a_simulated_day_fire_everything_exactly_once(
    pg_url: str, tmp_path: Path
) -> None:
    ids = _create(pg_url)
    anchor = time.time()
    env = celery_env(
        pg_url,
        BROKER,
        CRMFLOW_SIMULATED_CLOCK=f"{START.isoformat()},{anchor},{RATE}",
        CRMFLOW_SCHEDULER_INTERVAL=str(RATE),  # one relay tick per real second
        CRMFLOW_LEASE_SECONDS=str(int(RATE * 60)),
    )
    purge_queue(BROKER)
    worker = start_worker(env, tmp_path / "worker.log", new_session=True)
    beats = [
        start_beat(env, tmp_path / f"beat-{n}.log", tmp_path / f"beat-{n}-schedule") for n in (1, 2)
    ]
    try:
        real_end = anchor + (DAY_END - START).total_seconds() / RATE
        time.sleep(max(0.0, real_end - time.time()))
        for beat in beats:
            stop(beat)
        factory = get_session_factory(pg_url, writer=False)

        def all_finished() -> bool:
            with factory() as session:
                statuses = set(session.scalars(select(WorkflowExecution.status)))
            return statuses <= {"success"} and bool(statuses)

        wait_until(all_finished, 60, "every fired execution to finish")
        with factory() as session:
            fired = session.execute(
                select(WorkflowExecution.workflow_id, WorkflowExecution.fire_key)
            ).all()
            cursor = session.scalar(
                select(Workflow.schedule_cursor).where(Workflow.id == ids["every-two-hours"])
            )
        by_workflow: dict[int, list[str]] = {}
        for workflow_id, fire_key in fired:
            by_workflow.setdefault(workflow_id, []).append(fire_key)
        assert cursor is not None and cursor >= DAY_END - timedelta(hours=1), cursor
        expected = [f"schedule:{t.isoformat()}" for t in fire_times(EVERY_TWO_HOURS, START, cursor)]
        assert len(expected) >= 12
        assert sorted(by_workflow[ids["every-two-hours"]]) == sorted(expected)
        assert by_workflow[ids["daily"]] == [
            f"schedule:{START.date() + timedelta(days=1)}T09:00:00+00:00"
        ]
        assert len(by_workflow[ids["weekly"]]) == 1
        assert len(by_workflow[ids["idle"]]) == len(set(by_workflow[ids["idle"]])) == IDLE_ORGS
        # Both beats really sent the seed's crontab tasks: the duplicates were real.
        for n in (1, 2):
            log = (tmp_path / f"beat-{n}.log").read_text()
            for entry in (
                "check-inactivity-workflows",
                "run-daily-workflows",
                "run-weekly-workflows",
            ):
                assert log.count(f"Sending due task {entry} ") == 1, (entry, log[-2000:])
    finally:
        for beat in beats:
            stop(beat)
        stop(worker)
