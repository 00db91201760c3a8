"""Reusable workflow definitions and helpers for API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

BIG_ORG_WORKFLOW: dict[str, Any] = {
    "name": "Big organisation alert",
    "description": "notify the owner of big accounts",
    "trigger_type": "organisation_created",
    "conditions": {
        "operator": "AND",
        "rules": [{"field": "organisation.potential_amount", "operator": ">", "value": 50000}],
    },
    "actions": [
        {
            "id": "task",
            "type": "create_task",
            "config": {"title": "Call {{ organisation.name }}", "due_date": "+3 days"},
        },
        {
            "type": "send_notification",
            "config": {
                "user": "owner",
                "level": "warning",
                "message": "{{ organisation.name }} is worth {{ organisation.potential_amount }}",
            },
        },
    ],
}


def create_workflow(
    client: TestClient,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
    *,
    active: bool = False,
) -> dict[str, Any]:
    """Create a workflow through the API (and activate it) and return its JSON."""
    response = client.post("/api/v1/workflows", json=body or BIG_ORG_WORKFLOW, headers=headers)
    assert response.status_code == 201, response.text
    workflow = response.json()
    if active:
        response = client.post(
            f"/api/v1/workflows/{workflow['id']}/activate",
            json={"status": "active"},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        workflow = response.json()
    return workflow


def create_org(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    """Create an organisation through the API and return its JSON."""
    body = {"name": "Initech", **fields}
    response = client.post("/api/v1/organisations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
