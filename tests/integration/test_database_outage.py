"""The database goes away mid-run for ~9 s and comes back: workers back off, then finish
every execution exactly once, without a restart.

PostgreSQL sits behind a TCP proxy that the test cuts (every live connection closed, new ones
dropped) and restores. Needs the machine's PostgreSQL and Redis (fails, never skips, when they
are missing). Redis database 11 is this test's own: the other integration tests use 12-15.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from crmflow.config import Settings
from crmflow.crm.models import Task
from crmflow.crm.service import create_record
from crmflow.db import signals
from crmflow.db.session import get_session_factory
from crmflow.events.models import Event
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from tests.conftest import make_tenant
from tests.integration.processes import purge_queue, start_worker
from tests.support.pg_database import fresh_database, server_address, via_port
from tests.support.tcp_proxy import TcpProxy

BROKER = "redis://127.0.0.1:6379/11"
STEPS = 6
BEFORE_CUT = 40
DURING_CUT = 20
OUTAGE_SECONDS = 9.0
LEASE_SECONDS = 5


@pytest.fixture()
def proxied_db() -> Iterator[tuple[str, str, TcpProxy]]:
    """A fresh database: its direct URL, its URL through a proxy, and the proxy."""
    with fresh_database("crmflow_outage") as direct, TcpProxy(*server_address()) as proxy:
        yield direct, via_port(direct, proxy.port), proxy


def _workflow(client: TestClient, headers: dict[str, str]) -> None:
    actions = [
        {"type": "create_task", "config": {"title": f"t{i} {{{{ organisation.id }}}}"}}
        for i in range(STEPS)
    ]
    created = client.post(
        "/api/v1/workflows",
        headers=headers,
        json={
            "name": "outage",
            "trigger_type": "organisation_created",
            "status": "active",
            "actions": actions,
        },
    )
    assert created.status_code == 201, created.text


def _settled_counts(url: str) -> dict[str, int]:
    """Counts once a COMMIT the proxy forwarded just before the cut has landed on the server."""
    # The server still finishes a COMMIT it received before the proxy closed the socket, so
    # counts read at the cut itself can move once more; "nothing ran during the outage" must
    # compare counts taken after that.
    time.sleep(1.0)
    return _counts(url)


def _counts(url: str) -> dict[str, int]:
    with get_session_factory(url, writer=False)() as session:
        statuses = dict(
            session.execute(
                select(WorkflowExecution.status, func.count()).group_by(WorkflowExecution.status)
            ).all()
        )
        return {
            "events": session.scalar(
                select(func.count()).select_from(Event).where(Event.type == "organisation_created")
            )
            or 0,
            "executions": sum(statuses.values()),
            "success": statuses.get("success", 0),
            "running": statuses.get("running", 0),
            "tasks": session.scalar(select(func.count()).select_from(Task)) or 0,
            "task_keys": session.scalar(select(func.count(func.distinct(Task.source_step_key))))
            or 0,
        }


def _wait_all_done(url: str, total: int, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    counts = _counts(url)
    while time.monotonic() < deadline:
        counts = _counts(url)
        if counts["events"] == counts["success"] == total:
            return counts
        time.sleep(0.5)
    return counts


def _assert_exactly_once(counts: dict[str, int], total: int) -> None:
    assert counts["events"] == total, counts
    assert counts["executions"] == counts["success"] == total, counts
    assert counts["running"] == 0, counts
    assert counts["tasks"] == counts["task_keys"] == STEPS * total, counts


def _start_beat(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    """Start `crmflow beat` and wait for its first relay tick (it needs the database to start)."""
    log = tmp_path / "beat.log"
    beat = subprocess.Popen(
        [sys.executable, "-m", "crmflow", "beat", "--schedule", str(tmp_path / "beat-schedule")],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and beat.poll() is None:
        if b"Sending due task relay" in log.read_bytes():
            return beat
        time.sleep(0.2)
    if beat.poll() is None:
        os.killpg(beat.pid, signal.SIGKILL)
    raise AssertionError(f"celery beat did not start:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_celery_worker_backs_off_during_an_outage_and_finishes_everything_once(
    proxied_db: tuple[str, str, TcpProxy], tmp_path: Path
) -> None:
    direct, proxied, proxy = proxied_db
    # Worker and beat reach the database through the proxy; the API (this process) directly,
    # so that events keep arriving while the workers cannot see the database.
    env = {
        **os.environ,
        "CRMFLOW_RUNTIME": "celery",
        "CRMFLOW_DATABASE_URL": proxied,
        "CELERY_BROKER_URL": BROKER,
        "CRMFLOW_LEASE_SECONDS": str(LEASE_SECONDS),
        "CRMFLOW_SCHEDULER_INTERVAL": "1",
    }
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=direct, CELERY_BROKER_URL=BROKER
    )
    with get_session_factory(direct)() as session:
        tenant = make_tenant(session, "Acme")
    purge_queue(BROKER)
    worker_log = tmp_path / "worker.log"
    worker = start_worker(env, worker_log, new_session=True)
    beat = _start_beat(env, tmp_path)
    try:
        with TestClient(create_app(settings)) as client:
            headers = tenant.headers()
            _workflow(client, headers)
            for n in range(BEFORE_CUT):
                response = client.post(
                    "/api/v1/organisations", headers=headers, json={"name": f"before {n}"}
                )
                assert response.status_code == 201, response.text
            # Cut while the worker is busy with the backlog (runs started, others queued).
            deadline = time.monotonic() + 30
            while _counts(direct)["success"] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            proxy.cut()
            cut_at = time.monotonic()
            at_cut = _settled_counts(direct)
            for n in range(DURING_CUT):
                response = client.post(
                    "/api/v1/organisations", headers=headers, json={"name": f"during {n}"}
                )
                assert response.status_code == 201, response.text
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
            during = _counts(direct)
            proxy.restore()
            total = BEFORE_CUT + DURING_CUT
            counts = _wait_all_done(direct, total, timeout=90)
            log = worker_log.read_text(errors="replace")
            _assert_exactly_once(counts, total)
            # Work was in flight: not finished at the cut, and nothing ran during the outage.
            assert at_cut["success"] < total and during["success"] == at_cut["success"], (
                at_cut,
                during,
            )
            assert worker.poll() is None, log[-3000:]
            unavailable = re.findall(r"database unavailable \(([^)]*)\)", log)
            retries = log.count("retry: Retry in")
            traces = log.count("Traceback (most recent call last)")
            summary = (
                f"{len(unavailable)} back-off lines, {retries} task retries, {traces} traces, "
                f"at cut {at_cut}"
            )
            # Back-off, not a busy loop: the periodic tasks log a few lines per pool process
            # over ~9 s (not one per tick), and an execution's task retries at most 3 times
            # before the relay takes over (one chained trace, two headers, when it gives up).
            assert 1 <= len(unavailable) <= 30, summary
            assert "database available again" in log, summary
            assert retries <= 3 * total, summary
            assert traces <= 2 * total, summary
    finally:
        signals.unsubscribe_all()
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(20)


@pytest.mark.slow
def test_embedded_runtime_backs_off_during_an_outage_and_finishes_everything_once(
    proxied_db: tuple[str, str, TcpProxy], caplog: pytest.LogCaptureFixture
) -> None:
    direct, proxied, proxy = proxied_db
    settings = Settings(
        CRMFLOW_DATABASE_URL=proxied,
        CRMFLOW_ADMIN_EMAIL="root@example.com",
        CRMFLOW_ADMIN_TOKEN="root-token",
        CRMFLOW_SCHEDULER_INTERVAL=0.2,
    )
    with get_session_factory(direct)() as session:
        tenant = make_tenant(session, "Acme")
    caplog.set_level(logging.WARNING, logger="crmflow")
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            headers = tenant.headers()
            _workflow(client, headers)
            for n in range(BEFORE_CUT):
                response = client.post(
                    "/api/v1/organisations", headers=headers, json={"name": f"before {n}"}
                )
                assert response.status_code == 201, response.text
            proxy.cut()
            cut_at = time.monotonic()
            at_cut = _settled_counts(direct)
            refused = client.post("/api/v1/organisations", headers=headers, json={"name": "x"})
            assert refused.status_code == 503, refused.text
            # Work keeps arriving (committed by another process, say): the commits wake the
            # runtime, which cannot reach the database.
            with get_session_factory(direct)() as session:
                for n in range(DURING_CUT):
                    create_record(
                        session,
                        company_id=tenant.company_id,
                        entity_type="organisation",
                        values={"name": f"during {n}"},
                    )
                    session.commit()
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
            during = _counts(direct)
            runtime = app.state.runtime
            threads = {t.name: t.is_alive() for t in runtime._threads}
            proxy.restore()
            total = BEFORE_CUT + DURING_CUT
            counts = _wait_all_done(direct, total, timeout=60)
            _assert_exactly_once(counts, total)
            assert during["success"] == at_cut["success"] < total, (at_cut, during)
            # 2 workers, the scheduler and the outbox sender all survived the outage.
            assert all(threads.values()) and len(threads) == 4, threads
            listed = client.get("/api/v1/organisations?size=1", headers=headers)
            assert listed.status_code == 200, listed.text
    finally:
        signals.unsubscribe_all()
    records = [r for r in caplog.records if r.name == "crmflow.runtime"]
    unavailable = [r.getMessage() for r in records if "database unavailable" in r.getMessage()]
    summary = "\n".join(r.getMessage() for r in records)
    # Each thread backs off 0.5, 1, 2, 4, 8 s: a few lines each, not one per tick or cycle.
    assert 1 <= len(unavailable) <= 20, summary
    assert any("available again" in r.getMessage() for r in records), summary
    assert not [r for r in records if r.levelno >= logging.ERROR], summary  # no traces
