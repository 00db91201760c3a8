"""Fault tests of the Celery runtime with real processes: kill -9 workers mid-burst.

Needs the machine's PostgreSQL and Redis (fails, never skips, when they are missing).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from crmflow.config import Settings
from crmflow.crm.models import Task
from crmflow.db import signals
from crmflow.db.session import get_session_factory
from crmflow.events.models import Event
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from tests.conftest import make_tenant
from tests.integration.processes import kill_tree, purge_queue, start_worker

BROKER = "redis://127.0.0.1:6379/14"
STEPS = 6
KILLS = 20
LEASE_SECONDS = 5


@pytest.mark.slow
def test_kill9_workers_20_times_lose_nothing_and_repeat_nothing(
    pg_url: str,
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "CRMFLOW_RUNTIME": "celery",
        "CRMFLOW_DATABASE_URL": pg_url,
        "CELERY_BROKER_URL": BROKER,
        "CRMFLOW_LEASE_SECONDS": str(LEASE_SECONDS),
        "CRMFLOW_SCHEDULER_INTERVAL": "1",
        # 20 kills in a minute are not a poison step: every execution must survive them here
        # (a chunk-mate of a killed chunk may be caught again by a later kill). The limit
        # itself is tested in test_celery_poison_and_delay.py.
        "CRMFLOW_MAX_WORKER_LOSSES": "100",
    }
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=BROKER
    )
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    purge_queue(BROKER)
    beat = subprocess.Popen(
        [sys.executable, "-m", "crmflow", "beat", "--schedule", str(tmp_path / "beat-schedule")],
        env=env,
        stdout=(tmp_path / "beat.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rng = random.Random(7)
    worker = None
    try:
        with TestClient(create_app(settings)) as client:
            headers = tenant.headers()
            actions = [
                {"type": "create_task", "config": {"title": f"t{i} {{{{ organisation.id }}}}"}}
                for i in range(STEPS)
            ]
            created = client.post(
                "/api/v1/workflows",
                headers=headers,
                json={
                    "name": "burst",
                    "trigger_type": "organisation_created",
                    "status": "active",
                    "actions": actions,
                },
            )
            assert created.status_code == 201, created.text
            for round_ in range(KILLS):
                worker = start_worker(env, tmp_path / f"worker-{round_}.log", new_session=True)
                for n in range(10):
                    response = client.post(
                        "/api/v1/organisations", headers=headers, json={"name": f"org {round_}-{n}"}
                    )
                    assert response.status_code == 201
                time.sleep(rng.uniform(0.05, 0.6))
                kill_tree(worker)
            worker = start_worker(env, tmp_path / "worker-final.log", new_session=True)
            factory = get_session_factory(pg_url, writer=False)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with factory() as session:
                    events = session.scalar(
                        select(func.count())
                        .select_from(Event)
                        .where(Event.type == "organisation_created")
                    )
                    done = session.scalar(
                        select(func.count())
                        .select_from(WorkflowExecution)
                        .where(WorkflowExecution.status == "success")
                    )
                if done == events == KILLS * 10:
                    break
                time.sleep(0.5)
            with factory() as session:
                executions = session.scalar(select(func.count()).select_from(WorkflowExecution))
                tasks = session.scalar(select(func.count()).select_from(Task))
                keys = session.scalar(select(func.count(func.distinct(Task.source_step_key))))
                stuck = session.scalar(
                    select(func.count())
                    .select_from(WorkflowExecution)
                    .where(WorkflowExecution.status == "running")
                )
            assert events == KILLS * 10
            with factory() as session:
                by_status = dict(
                    session.execute(
                        select(WorkflowExecution.status, func.count()).group_by(
                            WorkflowExecution.status
                        )
                    ).all()
                )
                leases = session.execute(
                    select(
                        WorkflowExecution.error_message,
                        WorkflowExecution.lease_expires_at,
                        WorkflowExecution.attempt,
                    )
                    .where(WorkflowExecution.status != "success")
                    .limit(5)
                ).all()
            beat_log = (tmp_path / "beat.log").read_text()[-1500:]
            assert executions == done == events, (
                executions,
                done,
                events,
                by_status,
                leases,
                beat_log,
            )
            assert tasks == keys == STEPS * executions
            assert stuck == 0
    finally:
        signals.unsubscribe_all()
        if worker is not None and worker.poll() is None:
            kill_tree(worker)
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(20)
