"""Celery fault tests: a step that kills its worker every time, and a delay longer than the
broker's visibility timeout. Real worker and beat processes, PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from crmflow.config import Settings
from crmflow.crm.models import Task
from crmflow.db import signals
from crmflow.db.session import get_session_factory
from crmflow.engine.plugins import register, unregister
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from tests.conftest import make_tenant
from tests.integration import crashing_action
from tests.integration.processes import (
    celery_env,
    purge_queue,
    start_beat,
    start_worker,
    stop,
    wait_until,
)

BROKER = "redis://127.0.0.1:6379/13"


def _run_one_workflow(
    pg_url: str, tmp_path: Path, actions: list[dict[str, Any]], **env_extra: str
) -> tuple[WorkflowExecution, list[str], str]:
    """Start beat and a worker, run one organisation through `actions`, wait for the end."""
    env = celery_env(pg_url, BROKER, CRMFLOW_SCHEDULER_INTERVAL="1", **env_extra)
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=BROKER
    )
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    purge_queue(BROKER)
    worker_log = tmp_path / "worker.log"
    worker = start_worker(env, worker_log, new_session=True, module=crashing_action.__name__)
    beat = start_beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
    factory = get_session_factory(pg_url, writer=False)

    def finished() -> bool:
        with factory() as session:
            status = session.scalar(select(WorkflowExecution.status))
        return status in ("success", "failed")

    try:
        with TestClient(create_app(settings)) as client:
            headers = tenant.headers()
            body = {
                "name": "fault",
                "trigger_type": "organisation_created",
                "status": "active",
                "actions": actions,
            }
            created = client.post("/api/v1/workflows", headers=headers, json=body)
            assert created.status_code == 201, created.text
            response = client.post("/api/v1/organisations", headers=headers, json={"name": "X"})
            assert response.status_code == 201
            wait_until(finished, 90, "the execution to finish")
            with factory() as session:
                execution = session.scalars(select(WorkflowExecution)).one()
                titles = sorted(session.scalars(select(Task.title)))
                assert session.scalar(select(func.count()).select_from(WorkflowExecution)) == 1
    finally:
        signals.unsubscribe_all()
        stop(beat)
        stop(worker)
    return execution, titles, worker_log.read_text()


@pytest.fixture()
def kill_worker_action() -> Iterator[None]:
    """Register the worker-killing action in this process (to save the workflow), then drop it."""
    register(crashing_action.KillWorker())
    yield
    unregister(crashing_action.KillWorker.type)


@pytest.mark.usefixtures("kill_worker_action")
def test_a_step_that_kills_its_worker_fails_after_bounded_retries(
    pg_url: str, tmp_path: Path
) -> None:
    execution, titles, log = _run_one_workflow(
        pg_url,
        tmp_path,
        [
            {"type": "create_task", "config": {"title": "first"}},
            {"type": "test_kill_worker"},
            {"type": "create_task", "config": {"title": "never"}},
        ],
        CRMFLOW_LEASE_SECONDS="2",
        CRMFLOW_MAX_WORKER_LOSSES="3",
    )
    assert execution.status == "failed"
    assert "worker running this execution was lost 3 times" in (execution.error_message or "")
    assert execution.worker_losses == 3
    # Each crash rolled back the run's transaction: no effect of the run was ever committed.
    assert titles == []
    kills = log.count("exited with 'signal 9 (SIGKILL)'")
    assert kills == 3, log[-3000:]
    # No hot loop: a redelivered message finds the lease held and does nothing; only the
    # relay's re-sends after each lease expiry reach the step again.
    received = log.count("Task crmflow.execute_workflow_async[")
    assert received <= 20, log[-3000:]


def test_a_delay_longer_than_the_visibility_timeout_runs_once(pg_url: str, tmp_path: Path) -> None:
    execution, titles, log = _run_one_workflow(
        pg_url,
        tmp_path,
        [
            {"type": "create_task", "config": {"title": "before"}},
            {"type": "delay", "config": {"duration": "8s"}},
            {"type": "create_task", "config": {"title": "after"}},
        ],
        CRMFLOW_BROKER_VISIBILITY_TIMEOUT="2",
    )
    assert execution.status == "success", execution.error_message
    assert titles == ["after", "before"]
    assert execution.started_at is not None and execution.completed_at is not None
    waited = (execution.completed_at - execution.started_at).total_seconds()
    assert 8 <= waited < 30, waited
    assert execution.attempt == 2  # the first run, then the resume: nothing ran twice
    assert execution.worker_losses == 0
    # One task ran the first part and one the rest: no message sat out the delay in the broker.
    assert log.count(": 'waiting'") == 1, log[-3000:]
    assert log.count(": 'success'") == 1, log[-3000:]
