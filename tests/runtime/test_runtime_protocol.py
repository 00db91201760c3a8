"""The Runtime protocol: both runtimes satisfy it, the factory picks one, start/stop work.

The Celery test needs the machine's Redis (fails, never skips, without it).
"""

from __future__ import annotations

import json
import time

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.db import signals
from crmflow.executions.models import WorkflowExecution
from crmflow.runtime.celery_client import BrokerUnavailable, CeleryRuntime
from crmflow.runtime.embedded import EmbeddedRuntime
from crmflow.runtime.factory import RUNTIMES, UnknownRuntime, build_runtime
from crmflow.runtime.protocol import Runtime
from tests.conftest import Tenant
from tests.workflows.factories import create_org, create_workflow

# Redis db 6 is this test's own (the integration tests use 5 and 7 to 15): it reads back what
# it sends, so no worker of another test may consume it.
BROKER = "redis://127.0.0.1:6379/6"


def _celery(settings: Settings, broker: str = BROKER) -> Settings:
    return settings.model_copy(update={"runtime": "celery", "broker_url": broker})


def _commit_marks(session: Session, *, events: bool, execution_ids: list[int]) -> None:
    """Commit a transaction that says it wrote events and made executions runnable."""
    session.execute(text("SELECT 1"))
    if events:
        signals.mark_events_written(session)
    if execution_ids:
        signals.mark_executions_ready(session, execution_ids)
    session.commit()


def test_both_runtimes_satisfy_the_protocol(settings: Settings) -> None:
    assert isinstance(EmbeddedRuntime(settings), Runtime)
    assert isinstance(CeleryRuntime(_celery(settings)), Runtime)

    class Deaf:
        def start(self) -> None: ...
        def stop(self, timeout: float = 1.0) -> None: ...
        def events_committed(self) -> None: ...

    assert not isinstance(Deaf(), Runtime)  # the check has teeth: executions_ready is missing


@pytest.mark.parametrize(
    ("kind", "expected"), [("embedded", EmbeddedRuntime), ("celery", CeleryRuntime)]
)
def test_the_factory_builds_the_runtime_the_settings_name(
    settings: Settings, kind: str, expected: type
) -> None:
    runtime = build_runtime(settings.model_copy(update={"runtime": kind}))
    assert type(runtime) is expected
    assert set(RUNTIMES) == {"embedded", "celery"}


def test_the_factory_refuses_an_unknown_runtime_by_name(settings: Settings) -> None:
    # Settings validates CRMFLOW_RUNTIME already; model_copy skips that, as a bad caller would.
    with pytest.raises(UnknownRuntime, match=r"CRMFLOW_RUNTIME='threads'.*\(celery, embedded\)"):
        build_runtime(settings.model_copy(update={"runtime": "threads"}))


def test_embedded_runtime_runs_committed_work_then_stops_and_unsubscribes(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    settings: Settings,
) -> None:
    runtime = build_runtime(settings)
    assert isinstance(runtime, EmbeddedRuntime)
    runtime.start()
    threads = list(runtime._threads)
    try:
        create_workflow(client, tenant.headers(), active=True)
        create_org(client, tenant.headers(), potential_amount=60000)
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline and status != "success":
            session.rollback()  # a new read transaction sees the worker's commit
            status = session.scalar(select(WorkflowExecution.status))
            time.sleep(0.05)
        assert status == "success"
    finally:
        started = time.monotonic()
        runtime.stop(timeout=5)
    assert time.monotonic() - started < 5
    # One worker thread on SQLite (one writer), more on PostgreSQL.
    names = {t.name for t in threads}
    workers = names - {"crmflow-scheduler", "crmflow-outbox"}
    assert {"crmflow-scheduler", "crmflow-outbox"} <= names and "crmflow-worker-0" in workers
    assert all(name.startswith("crmflow-worker-") for name in workers)
    assert not [t.name for t in threads if t.is_alive()]
    # Stopped means deaf: a later commit no longer reaches it.
    _commit_marks(writer_session, events=False, execution_ids=[424242])
    assert 424242 not in list(runtime.queue.queue)


def test_celery_runtime_sends_committed_work_to_the_broker_and_drains_on_stop(
    settings: Settings, writer_session: Session
) -> None:
    broker = redis.Redis.from_url(BROKER)
    broker.delete("celery")
    runtime = build_runtime(_celery(settings))
    assert isinstance(runtime, CeleryRuntime)
    runtime.start()
    try:
        _commit_marks(writer_session, events=True, execution_ids=[41, 42])
    finally:
        runtime.stop(timeout=10)  # sends what is pending before it returns
    try:
        messages = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
        sent = sorted((m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages)
        assert sent == [
            ("crmflow.execute_workflows_async", "([41, 42],)"),
            ("crmflow.trigger_workflows_for_event", "()"),
        ]
    finally:
        broker.delete("celery")


def test_celery_runtime_refuses_to_start_without_a_broker(
    settings: Settings, writer_session: Session
) -> None:
    runtime = build_runtime(_celery(settings, broker="redis://127.0.0.1:1/0"))
    with pytest.raises(BrokerUnavailable, match=r"redis://127\.0\.0\.1:1/0"):
        runtime.start()
    runtime.stop(timeout=1)  # a failed start leaves nothing to join
    assert isinstance(runtime, CeleryRuntime)
    assert not runtime._thread.is_alive()
