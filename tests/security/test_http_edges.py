"""Edges of the HTTP hygiene defences: template names, disabled metrics, wildcard origins."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from crmflow.config import Settings
from crmflow.main import create_app
from tests.conftest import Tenant


def test_a_template_copy_name_with_control_characters_is_refused(
    client: TestClient, tenant: Tenant
) -> None:
    url = "/api/v1/workflows/templates/alerte-manager-deal-50k/create"
    refused = client.post(url, params={"name": "Alerte \u202egnp.exe"}, headers=tenant.headers())
    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["detail"]
    assert problem["loc"] == "query.name" and "U+202E" in problem["msg"]
    created = client.post(url, params={"name": "Alerte"}, headers=tenant.headers())
    assert created.status_code == 201 and created.json()["name"] == "Alerte"


def test_disabled_metrics_answer_a_json_404(db_url: str) -> None:
    settings = Settings(CRMFLOW_DATABASE_URL=db_url, PROMETHEUS_METRICS_ENABLED=False)
    with TestClient(create_app(settings, start_runtime=False)) as client:
        response = client.get("/metrics")
    assert response.status_code == 404
    assert response.json() == {"detail": "metrics are disabled (PROMETHEUS_METRICS_ENABLED=false)"}


@pytest.mark.parametrize("value", ["*", "https://a.test, *", "a.test", "https://*.a.test"])
def test_allowed_origins_must_be_explicit(value: str) -> None:
    with pytest.raises(ValidationError, match="scheme://host"):
        Settings(CRMFLOW_ALLOWED_ORIGINS=value)
    assert Settings(CRMFLOW_ALLOWED_ORIGINS="https://a.test").origins[-1] == "https://a.test"
