"""CRMFLOW_RUNTIME_PROCESS: the embedded runtime in a child process of the API."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.main import create_app
from crmflow.runtime.factory import build_runtime
from crmflow.runtime.process import RuntimeProcess, RuntimeProcessError
from tests.conftest import Tenant
from tests.live.support import WS_PATH, hello, receive, token_of
from tests.runtime.helpers import wait_for_executions
from tests.runtime.test_embedded_runtime import _template
from tests.workflows.factories import create_org


@pytest.fixture()
def process_client(settings: Settings) -> Iterator[TestClient]:
    """A client whose app runs the embedded runtime in a child process."""
    with TestClient(create_app(settings.model_copy(update={"runtime_process": True}))) as c:
        yield c


def _runtime(client: TestClient) -> RuntimeProcess:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    assert isinstance(runtime, RuntimeProcess)
    return runtime


def test_runs_happen_in_the_child_and_notifications_reach_the_api_sockets(
    process_client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    token = token_of(writer_session, tenant.manager_id)
    runtime = _runtime(process_client)
    assert runtime.pid is not None and runtime.pid != os.getpid()
    # No worker thread of the runtime in the API process: the child runs everything.
    assert not [t for t in threading.enumerate() if t.name.startswith("crmflow-worker")]
    workflow = _template(process_client, tenant, "alerte-manager-deal-50k")
    with process_client.websocket_connect(f"{WS_PATH}?token={token}") as ws:
        hello(ws)
        create_org(
            process_client,
            tenant.headers(),
            name="Big Co",
            potential_amount=75000,
            owner_id=tenant.editor_id,
        )
        [execution] = wait_for_executions(
            process_client, tenant.headers(), count=1, timeout=10.0, workflow_id=workflow["id"]
        )
        # No SMTP server: the email step failed, and the run says so.
        assert execution["status"] == "partial" and execution["steps_failed"] == 1
        # The child created the manager's notification; the API pushed it on the socket.
        pushed = receive(ws, timeout=10.0)
        assert pushed["type"] == "notification", pushed
        assert "Big Co" in pushed["notification"]["title"] + pushed["notification"]["message"]


def test_a_killed_runtime_process_is_restarted_and_runs_what_came_meanwhile(
    process_client: TestClient, tenant: Tenant
) -> None:
    runtime = _runtime(process_client)
    first = runtime.pid
    assert first is not None
    workflow = _template(process_client, tenant, "alerte-manager-deal-50k")
    os.kill(first, signal.SIGKILL)
    create_org(process_client, tenant.headers(), potential_amount=75000, owner_id=tenant.editor_id)
    [execution] = wait_for_executions(
        process_client, tenant.headers(), count=1, timeout=20.0, workflow_id=workflow["id"]
    )
    assert execution["status"] == "partial"
    assert runtime.pid not in (None, first)


def test_an_in_memory_database_is_refused_with_the_reason(settings: Settings) -> None:
    memory = settings.model_copy(
        update={"runtime_process": True, "database_url": "sqlite:///:memory:"}
    )
    with pytest.raises(RuntimeProcessError, match="in-memory SQLite database"):
        build_runtime(memory)


def test_stop_ends_the_child(settings: Settings) -> None:
    runtime = build_runtime(settings.model_copy(update={"runtime_process": True}))
    assert isinstance(runtime, RuntimeProcess)
    runtime.start()
    pid = runtime.pid
    assert pid is not None
    started = time.monotonic()
    runtime.stop(timeout=5)
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
