"""The operations overview across workflows: runs per day, top failing, slowest, SLOs."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, run, start_workflow
from tests.sla.support import create_sla


def test_overview_counts_failures_and_slos_across_workflows(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    good = start_workflow(
        client,
        tenant,
        {"actions": [{"type": "create_task", "config": {"title": "ok"}}]},
        name="good",
    )
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {"type": "assign_user", "config": {"user": "nobody@x.test"}, "on_error": "stop"}
            ]
        },
        name="broken",
    )
    create_sla(
        client,
        tenant,
        good["id"],
        name="quick",
        target_duration_seconds=60,
        warning_threshold_seconds=30,
        critical_threshold_seconds=60,
    )
    for n in range(3):
        new_org(client, tenant, name=f"org {n}")
    outcome = run(writer_session, dispatch(writer_session))
    assert sorted(outcome.values()) == ["failed"] * 3 + ["success"] * 3
    response = client.get("/api/v1/operations/overview?days=7", headers=tenant.headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totals"] == {"success": 3, "failed": 3}
    assert sum(d["count"] for d in body["runs_per_day"]) == 6
    [failing] = body["top_failing"]
    assert (
        failing["name"] == "broken" and failing["failed"] == 3 and failing["failure_share"] == 1.0
    )
    assert {s["name"] for s in body["slowest"]} == {"good", "broken"}
    assert all(s["p95_seconds"] is not None for s in body["slowest"])
    [slo] = body["slos"]
    assert slo["sla_name"] == "quick" and slo["slo_percentage"] == 100.0 and slo["meets_objective"]
    assert body["open_breaches"] == 0 and body["runs_in_flight"] == 0
    assert (
        client.get("/api/v1/operations/overview?days=0", headers=tenant.headers()).status_code
        == 422
    )
