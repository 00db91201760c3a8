"""Celery fault test: the broker (a private redis-server) stops for 10 s while events keep
arriving through the API; when it returns, every event is processed exactly once."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path

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
from tests.integration.processes import (
    celery_env,
    start_beat,
    start_worker,
    stop,
    wait_until,
)

OUTAGE_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_redis(port: int, log: Path) -> subprocess.Popen[bytes]:
    """A private broker that this test may stop: nothing persisted, like a crashed Redis."""
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"redis-server did not start on port {port}: {log.read_text()[-500:]}")


def test_broker_down_for_10_seconds_loses_and_repeats_nothing(pg_url: str, tmp_path: Path) -> None:
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = _start_redis(port, tmp_path / "redis.log")
    env = celery_env(pg_url, broker, CRMFLOW_SCHEDULER_INTERVAL="1")
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=broker
    )
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    worker = start_worker(env, tmp_path / "worker.log", new_session=True)
    beat = start_beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
    factory = get_session_factory(pg_url, writer=False)
    accepted: list[int] = []
    during_outage: list[int] = []
    outage = threading.Event()
    try:
        with TestClient(create_app(settings)) as client:
            headers = tenant.headers()
            body = {
                "name": "follow-up",
                "trigger_type": "organisation_created",
                "status": "active",
                "actions": [
                    {"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}},
                    {"type": "add_tag", "config": {"tag": "new"}},
                ],
            }
            assert client.post("/api/v1/workflows", headers=headers, json=body).status_code == 201

            def produce(stop_at: float) -> None:
                n = 0
                while time.monotonic() < stop_at:
                    response = client.post(
                        "/api/v1/organisations", headers=headers, json={"name": f"org {n}"}
                    )
                    assert response.status_code == 201, response.text
                    accepted.append(response.json()["id"])
                    if outage.is_set():
                        during_outage.append(response.json()["id"])
                    n += 1
                    time.sleep(0.05)

            producer = threading.Thread(target=produce, args=(time.monotonic() + 18,))
            producer.start()
            time.sleep(3)
            redis.terminate()
            redis.wait(10)
            outage.set()
            time.sleep(OUTAGE_SECONDS)
            outage.clear()
            redis = _start_redis(port, tmp_path / "redis.log")
            producer.join()

            def all_done() -> bool:
                with factory() as session:
                    done = session.scalar(
                        select(func.count())
                        .select_from(WorkflowExecution)
                        .where(WorkflowExecution.status == "success")
                    )
                return done == len(accepted)

            wait_until(all_done, 90, f"{len(accepted)} successful executions")
            time.sleep(2)  # a late duplicate would show up now
            with factory() as session:
                events = session.scalar(
                    select(func.count())
                    .select_from(Event)
                    .where(Event.type == "organisation_created")
                )
                executions = session.scalar(select(func.count()).select_from(WorkflowExecution))
                tasks = session.scalar(select(func.count()).select_from(Task))
                distinct_keys = session.scalar(
                    select(func.count(func.distinct(Task.source_step_key)))
                )
            assert len(during_outage) >= 50, (
                "the API must keep accepting events while the broker is down"
            )
            assert events == executions == tasks == distinct_keys == len(accepted)
    finally:
        signals.unsubscribe_all()
        stop(beat)
        stop(worker)
        redis.kill()
        redis.wait(10)
