"""The seed's API tests (names from the seed document), through the HTTP app."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.workflows.factories import BIG_ORG_WORKFLOW, create_org, create_workflow


def test_create_workflow(client: TestClient, tenant: Tenant) -> None:
    body = {**BIG_ORG_WORKFLOW, "conditions": {"organisation.potential_amount": {"$gt": 50000}}}
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers("editor"))
    assert response.status_code == 201, response.text
    workflow = response.json()
    assert workflow["status"] == "draft"
    assert workflow["version"] == 1
    # The Mongo-style shorthand is stored in the canonical tree form.
    assert workflow["conditions"] == {
        "operator": "AND",
        "rules": [{"field": "organisation.potential_amount", "operator": ">", "value": 50000}],
    }
    assert [a["type"] for a in workflow["actions"]] == ["create_task", "send_notification"]
    listed = client.get("/api/v1/workflows", headers=tenant.headers("viewer")).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == workflow["id"]


def test_update_workflow(client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(client, tenant.headers())
    response = client.put(
        f"/api/v1/workflows/{workflow['id']}",
        json={"name": "Renamed", "conditions": None},
        headers=tenant.headers("editor"),
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == "Renamed" and updated["conditions"] is None
    assert updated["version"] == 2
    versions = client.get(
        f"/api/v1/workflows/{workflow['id']}/versions", headers=tenant.headers()
    ).json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["definition"]["name"] == BIG_ORG_WORKFLOW["name"]
    # A status-only update creates no new version.
    same = client.put(
        f"/api/v1/workflows/{workflow['id']}", json={"status": "INACTIVE"}, headers=tenant.headers()
    ).json()
    assert same["version"] == 2 and same["status"] == "inactive"


def test_activate_workflow(client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(client, tenant.headers())
    url = f"/api/v1/workflows/{workflow['id']}/activate"
    assert (
        client.post(url, json={"status": "ACTIVE"}, headers=tenant.headers()).json()["status"]
        == "active"
    )
    assert (
        client.post(url, json={"status": "inactive"}, headers=tenant.headers()).json()["status"]
        == "inactive"
    )
    assert (
        client.post(url, json={"status": "active"}, headers=tenant.headers("viewer")).status_code
        == 403
    )
    bad = client.post(url, json={"status": "enabled"}, headers=tenant.headers())
    assert bad.status_code == 422 and "status" in bad.text
    filtered = client.get("/api/v1/workflows?status=INACTIVE", headers=tenant.headers()).json()
    assert filtered["total"] == 1


def test_execute_workflow(live_client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(live_client, tenant.headers())
    org = create_org(
        live_client, tenant.headers(), potential_amount=80000, owner_id=tenant.editor_id
    )
    response = live_client.post(
        f"/api/v1/workflows/{workflow['id']}/execute",
        json={"trigger_entity_type": "organisation", "trigger_entity_id": org["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    execution = response.json()
    assert execution["status"] == "success"
    assert execution["actions_executed"] == 2
    assert [s["status"] for s in execution["steps"]] == ["success", "success"]
    task_step = execution["steps"][0]
    assert task_step["input"]["title"] == "Call Initech"
    assert task_step["output"]["assignee_id"] == tenant.editor_id
    assert "80000" in execution["decision"]["explanation"]
    tasks = live_client.get("/api/v1/tasks", headers=tenant.headers()).json()
    assert [t["title"] for t in tasks["items"]] == ["Call Initech"]


def test_list_executions(live_client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(live_client, tenant.headers())
    org = create_org(live_client, tenant.headers(), potential_amount=10)
    for _ in range(3):
        live_client.post(
            f"/api/v1/workflows/{workflow['id']}/execute",
            json={"trigger_entity_type": "organisation", "trigger_entity_id": org["id"]},
            headers=tenant.headers(),
        )
    page = live_client.get(
        f"/api/v1/workflows/{workflow['id']}/executions?size=2", headers=tenant.headers()
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["pages"] == 2
    assert {e["status"] for e in page["items"]} == {"skipped"}
    one = live_client.get(
        f"/api/v1/workflows/{workflow['id']}/executions/{page['items'][0]['id']}",
        headers=tenant.headers(),
    ).json()
    assert one["decision"]["result"] is False
    assert one["execution_logs"][0]["message"].startswith("organisation.potential_amount = 10")
    everything = live_client.get(
        "/api/v1/executions?status=SKIPPED", headers=tenant.headers()
    ).json()
    assert everything["total"] == 3
    assert (
        live_client.get("/api/v1/executions?status=success", headers=tenant.headers()).json()[
            "total"
        ]
        == 0
    )


def test_get_stats(live_client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(live_client, tenant.headers())
    big = create_org(
        live_client, tenant.headers(), potential_amount=90000, owner_id=tenant.admin_id
    )
    small = create_org(live_client, tenant.headers(), potential_amount=5)
    url = f"/api/v1/workflows/{workflow['id']}/execute"
    for org, times in ((big, 3), (small, 1)):
        for _ in range(times):
            live_client.post(
                url,
                json={"trigger_entity_type": "organisation", "trigger_entity_id": org["id"]},
                headers=tenant.headers(),
            )
    stats = live_client.get(
        f"/api/v1/workflows/{workflow['id']}/stats", headers=tenant.headers()
    ).json()
    assert stats["total_executions"] == 4
    assert stats["success_count"] == 3 and stats["skipped_count"] == 1
    assert stats["failed_count"] == 0 and stats["partial_count"] == 0
    # The skipped run (its conditions said no) did nothing: beside the rate, not in it.
    assert stats["success_rate"] == 100.0
    assert stats["avg_duration_seconds"] > 0
    assert 0 < stats["p50_duration_seconds"] <= stats["p95_duration_seconds"]
    assert stats["last_execution"] is not None
    refreshed = live_client.get(
        f"/api/v1/workflows/{workflow['id']}", headers=tenant.headers()
    ).json()
    assert refreshed["execution_count"] == 4 and refreshed["last_executed_at"] is not None
