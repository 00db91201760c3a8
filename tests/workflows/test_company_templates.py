"""A company's own template copies everything its workflows are made of, run policy included."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.workflows.factories import create_workflow

POLICY = {"mode": "single", "reenrollment": {"after_days": 30}}


def test_a_company_template_keeps_its_run_policy_in_the_list_and_in_copies(
    client: TestClient, tenant: Tenant
) -> None:
    body = {
        "name": "One follow-up at a time",
        "trigger_type": "organisation_created",
        "actions": [{"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}}],
        "run_policy": POLICY,
    }
    template = create_workflow(client, tenant.headers(), body)
    marked = client.put(
        f"/api/v1/workflows/{template['id']}", json={"is_template": True}, headers=tenant.headers()
    )
    assert marked.status_code == 200, marked.text
    listed = client.get("/api/v1/workflows/templates/list", headers=tenant.headers()).json()
    [mine] = [t for t in listed if t["id"] == str(template["id"])]
    assert mine["definition"]["run_policy"] == marked.json()["run_policy"]
    copy = client.post(
        f"/api/v1/workflows/templates/{template['id']}/create", headers=tenant.headers()
    )
    assert copy.status_code == 201, copy.text
    assert copy.json()["run_policy"] == marked.json()["run_policy"]
    assert copy.json()["run_policy"]["mode"] == "single"
