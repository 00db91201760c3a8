"""Shared set-up for SLA tests: create an SLA through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant

SLAS = "/api/v1/workflow/workflow-slas/"
# The seed's Example 2.
FIVE_MINUTES = {
    "name": "5-Minute SLA",
    "target_duration_seconds": 300,
    "warning_threshold_seconds": 240,
    "critical_threshold_seconds": 300,
    "slo_window_hours": 24,
    "slo_target_percentage": 99.0,
}


def create_sla(
    client: TestClient, tenant: Tenant, workflow_id: int, **fields: Any
) -> dict[str, Any]:
    """Create an SLA (the seed's Example 2 unless `fields` say otherwise); return it."""
    response = client.post(
        SLAS, json={**FIVE_MINUTES, "workflow_id": workflow_id, **fields}, headers=tenant.headers()
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
