"""GET /workflows/{id}/stats/daily: one entry per UTC day, from the duration histogram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.db.base import utcnow
from crmflow.executions.stats import add_finished, workflow_stats, write_stat_buckets
from tests.conftest import Tenant
from tests.workflows.factories import create_org, create_workflow


def _record(session: Session, workflow_id: int, runs: list[tuple[int, str, float]]) -> None:
    """Add finished runs (days ago, status, duration ms) to the histogram, as the runner does."""
    stats: dict[Any, list[Any]] = {}
    now = utcnow()
    for days_ago, status, duration_ms in runs:
        add_finished(
            stats,
            workflow_id=workflow_id,
            status=status,
            duration_ms=duration_ms,
            completed_at=now - timedelta(days=days_ago),
        )
    write_stat_buckets(session.connection(), stats)
    session.commit()


def _daily(client: TestClient, tenant: Tenant, workflow_id: int, query: str = "") -> Any:
    response = client.get(
        f"/api/v1/workflows/{workflow_id}/stats/daily{query}", headers=tenant.headers("viewer")
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_every_day_oldest_first_ending_today(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    workflow = create_workflow(client, tenant.headers())
    _record(
        writer_session,
        workflow["id"],
        [
            *[(0, "success", 100.0)] * 7,
            (0, "failed", 500.0),
            (0, "skipped", 1.0),
            (0, "cancelled", 1.0),
            (2, "rejected", 50.0),
            (2, "success", 20.0),
            (40, "success", 10.0),  # outside the default 30 days
        ],
    )
    body = _daily(client, tenant, workflow["id"])
    assert body["workflow_id"] == workflow["id"]
    days = body["days"]
    today = datetime.now(UTC).date()
    assert len(days) == 30
    assert [d["date"] for d in days] == [
        (today - timedelta(days=29 - i)).isoformat() for i in range(30)
    ]
    last = days[-1]
    assert {k: last[k] for k in ("total", "success", "failed", "skipped", "rejected")} == {
        "total": 10,
        "success": 7,
        "failed": 1,
        "skipped": 1,
        "rejected": 0,
    }
    assert last["cancelled"] == 1 and last["partial"] == 0
    # 7 successes of the 8 runs that acted: the skipped and cancelled ones are not in the rate.
    assert last["success_rate"] == 87.5
    # Percentiles over success/failed/rejected only, interpolated like /stats.
    assert 0.09 <= last["p50_duration_seconds"] <= 0.11
    assert 0.45 <= last["p95_duration_seconds"] <= 0.55
    two_days_ago = days[-3]
    assert two_days_ago["total"] == 2 and two_days_ago["rejected"] == 1
    assert two_days_ago["success_rate"] == 50.0
    empty = days[-2]
    assert empty == {
        "date": (today - timedelta(days=1)).isoformat(),
        "total": 0,
        "success": 0,
        "partial": 0,
        "failed": 0,
        "skipped": 0,
        "rejected": 0,
        "cancelled": 0,
        "success_rate": None,
        "p50_duration_seconds": None,
        "p95_duration_seconds": None,
    }
    assert sum(d["total"] for d in days) == 12
    longer = _daily(client, tenant, workflow["id"], "?days=41")["days"]
    assert len(longer) == 41 and longer[0]["success"] == 1
    assert len(_daily(client, tenant, workflow["id"], "?days=1")["days"]) == 1
    assert len(_daily(client, tenant, workflow["id"], "?days=365")["days"]) == 365


def test_a_day_matches_workflow_stats_of_that_day(
    client: TestClient, tenant: Tenant, writer_session: Session, session: Session
) -> None:
    workflow = create_workflow(client, tenant.headers())
    _record(writer_session, workflow["id"], [(0, "success", ms) for ms in (3, 8, 40, 90, 700)])
    today = _daily(client, tenant, workflow["id"], "?days=1")["days"][0]
    overall = workflow_stats(session, workflow_id=workflow["id"], since=utcnow().date())
    assert today["p50_duration_seconds"] == overall["p50_duration_seconds"]
    assert today["p95_duration_seconds"] == overall["p95_duration_seconds"]
    assert today["success_rate"] == overall["success_rate"] == 100.0


def test_a_real_run_is_counted_today(live_client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(live_client, tenant.headers())
    org = create_org(live_client, tenant.headers(), potential_amount=10)
    response = live_client.post(
        f"/api/v1/workflows/{workflow['id']}/execute",
        json={"trigger_entity_type": "organisation", "trigger_entity_id": org["id"]},
        headers=tenant.headers(),
    )
    assert response.json()["status"] == "skipped"
    last = _daily(live_client, tenant, workflow["id"], "?days=7")["days"][-1]
    # Nothing acted that day: no rate at all, rather than a 0% the workflow did not earn.
    assert last["total"] == 1 and last["skipped"] == 1 and last["success_rate"] is None
    assert last["p50_duration_seconds"] is None  # skipped runs carry no duration


def test_bad_days_is_422_naming_days(client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(client, tenant.headers())
    for bad in ("0", "366", "-1", "abc", "1.5"):
        response = client.get(
            f"/api/v1/workflows/{workflow['id']}/stats/daily?days={bad}", headers=tenant.headers()
        )
        assert response.status_code == 422, bad
        assert "days" in response.text, response.text


def test_other_company_and_missing_workflow_are_404(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    workflow = create_workflow(client, tenant.headers())
    url = f"/api/v1/workflows/{workflow['id']}/stats/daily"
    assert client.get(url, headers=other_tenant.headers()).status_code == 404
    assert (
        client.get("/api/v1/workflows/999999/stats/daily", headers=tenant.headers()).status_code
        == 404
    )
    assert client.get(url).status_code == 401
