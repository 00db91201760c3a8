"""The Celery runtime end to end: PostgreSQL, a real `crmflow worker` process, Redis or RabbitMQ.

These tests need the machine's PostgreSQL, Redis and RabbitMQ; they fail (never skip) when a
service is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from crmflow.config import Settings
from crmflow.crm.models import Task
from crmflow.db import signals
from crmflow.db.session import get_session_factory
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from tests.conftest import make_tenant
from tests.integration.processes import purge_queue, start_worker

PG_ADMIN = os.environ.get(
    "CRMFLOW_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BROKERS = {
    "redis": "redis://127.0.0.1:6379/15",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}


@pytest.mark.parametrize("broker_name", sorted(BROKERS))
def test_events_run_once_each_through_a_real_worker(
    broker_name: str, pg_url: str, tmp_path: Path
) -> None:
    broker = BROKERS[broker_name]
    env = {
        **os.environ,
        "CRMFLOW_RUNTIME": "celery",
        "CRMFLOW_DATABASE_URL": pg_url,
        "CELERY_BROKER_URL": broker,
    }
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=broker
    )
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        purge_queue(broker)
        with TestClient(create_app(settings)) as client:
            headers = tenant.headers()
            created = client.post(
                "/api/v1/workflows",
                headers=headers,
                json={
                    "name": "follow-up",
                    "trigger_type": "organisation_created",
                    "status": "active",
                    "conditions": {"organisation.potential_amount": {"$gt": 1000}},
                    "actions": [
                        {
                            "type": "create_task",
                            "config": {"title": "Call {{ organisation.name }}"},
                        },
                        {"type": "send_notification", "config": {"message": "new account"}},
                    ],
                },
            )
            assert created.status_code == 201, created.text
            for index in range(20):
                response = client.post(
                    "/api/v1/organisations",
                    headers=headers,
                    json={"name": f"org {index}", "potential_amount": 5000},
                )
                assert response.status_code == 201
            deadline = time.monotonic() + 60
            factory = get_session_factory(pg_url, writer=False)
            while time.monotonic() < deadline:
                with factory() as session:
                    done = session.scalar(
                        select(func.count())
                        .select_from(WorkflowExecution)
                        .where(WorkflowExecution.status == "success")
                    )
                if done == 20:
                    break
                time.sleep(0.2)
            with factory() as session:
                statuses = list(session.scalars(select(WorkflowExecution.status)))
                tasks = session.scalar(select(func.count()).select_from(Task))
            worker_log = (tmp_path / "worker.log").read_text()[-4000:]
            assert statuses == ["success"] * 20, f"{statuses}\n{worker_log}"
            assert tasks == 20
    finally:
        signals.unsubscribe_all()
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
