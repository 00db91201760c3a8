"""Audit finding 5: one user could starve the server with synchronous waits.

45 concurrent `execute?wait=30` calls gave 503s and another company's `GET /users/me` took
28 s: every waiting call held one of the server's 40 threads. Waits now poll asynchronously and
a company may have CRMFLOW_MAX_SYNC_WAITS (4) in flight; more are a 429 that creates nothing.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.conftest import Tenant, make_tenant
from tests.workflows.factories import create_workflow

# Long enough that a probe sent 1 s in is answered well before any wait ends, on a busy machine.
WAIT_SECONDS = 8


def _manual_workflow(client: TestClient, tenant: Tenant) -> int:
    body = {"name": "by hand", "trigger_type": "manual", "actions": []}
    return int(create_workflow(client, tenant.headers(), body, active=True)["id"])


def test_waiting_calls_are_bounded_per_company_and_never_starve_others(
    client: TestClient, writer_session: Session, session: Session, other_tenant: Tenant
) -> None:
    # No runtime runs in this app: every run stays pending, so every wait lasts its full time.
    companies = [make_tenant(writer_session, f"Company {i}") for i in range(11)]
    workflows = {c.company_id: _manual_workflow(client, c) for c in companies}
    finished: list[tuple[float, str]] = []

    def execute(tenant: Tenant) -> int:
        response = client.post(
            f"/api/v1/workflows/{workflows[tenant.company_id]}/execute?wait={WAIT_SECONDS}",
            json={},
            headers=tenant.headers(),
        )
        finished.append((time.monotonic(), f"execute {response.status_code}"))
        return response.status_code

    callers = [c for c in companies for _ in range(4)] + [companies[0]] * 10
    with ThreadPoolExecutor(max_workers=len(callers) + 1) as pool:
        futures = [pool.submit(execute, caller) for caller in callers]
        time.sleep(1.0)  # 44 waits are in flight: more than the server's 40 threads
        probe: Any = client.get("/api/v1/users/me", headers=other_tenant.headers())
        probed_at = time.monotonic()
        statuses = [f.result() for f in futures]
    assert probe.status_code == 200
    waited = [at for at, what in finished if what == "execute 202"]
    # Another company is served while every wait is still waiting, not after them.
    assert probed_at < min(waited)
    assert sorted(statuses) == [202] * 44 + [429] * 10
    # A refused call created nothing: 4 runs per company.
    runs = session.execute(
        text("SELECT company_id, count(*) FROM workflow_executions GROUP BY company_id")
    ).all()
    assert sorted(count for _, count in runs) == [4] * 11


def test_the_429_says_what_to_do_and_wait_zero_is_not_counted(
    client: TestClient, tenant: Tenant
) -> None:
    workflow_id = _manual_workflow(client, tenant)
    url = f"/api/v1/workflows/{workflow_id}/execute"

    def call(wait: int) -> Any:
        return client.post(f"{url}?wait={wait}", json={}, headers=tenant.headers())

    with ThreadPoolExecutor(max_workers=6) as pool:
        waiting = [pool.submit(call, 2) for _ in range(4)]
        time.sleep(0.5)
        refused = call(2)
        immediate = call(0)
        assert [f.result().status_code for f in waiting] == [202] * 4
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "CRMFLOW_MAX_SYNC_WAITS" in refused.json()["detail"]
    assert immediate.status_code == 202
    assert call(1).status_code == 202  # the slots are given back
