"""Save-time rules for secrets in definitions, masks sent back, and write-only custom fields."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.vault.masking import MASK
from crmflow.workflows.models import Workflow
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, steps
from tests.vault.conftest import KEY, EchoReceiver, add_secret

HOOK_URL = "https://billing.example.com/deals"


def _hook(headers: dict[str, str], url: str = HOOK_URL) -> dict[str, Any]:
    return {"type": "call_webhook", "config": {"url": url, "headers": headers}}


def _save(client: TestClient, tenant: Tenant, actions: list[Any], **extra: Any) -> Any:
    body = {"name": "w", "trigger_type": "organisation_created", "actions": actions, **extra}
    return client.post("/api/v1/workflows", json=body, headers=tenant.headers("editor"))


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        (
            {"actions": [{"type": "create_task", "config": {"title": "{{ secrets.TOKEN }}"}}]},
            "actions[0].config.title",
            "secrets can only be used in the config of call_webhook and custom webhook steps",
        ),
        (
            {
                "actions": [
                    {
                        "type": "approval",
                        "config": {"approvers": ["manager"], "message": "{{ secrets.TOKEN }}"},
                    }
                ]
            },
            "actions[0].config.message",
            "secrets can only be used",
        ),
        (
            {"conditions": {"secrets.TOKEN": {"$starts_with": "a"}}, "actions": []},
            "conditions.rules[0].field",
            "conditions cannot read secrets",
        ),
        (
            {
                "actions": [
                    {
                        "type": "send_notification",
                        "when": {"secrets.TOKEN": "x"},
                        "config": {"message": "hi"},
                    }
                ]
            },
            "actions[0].when.rules[0].field",
            "conditions cannot read secrets",
        ),
        (
            {"actions": [_hook({"Authorization": "{{ secrets[trigger.data.name] }}"})]},
            "actions[0].config.headers.Authorization",
            "write the secret's name: {{ secrets.NAME }}",
        ),
        (
            {"actions": [_hook({"Authorization": "{{ secrets." + "A" * 65 + " }}"})]},
            "actions[0].config.headers.Authorization",
            "invalid secret name",
        ),
        (
            {"actions": [_hook({"Authorization": MASK})]},
            "actions[0].config.headers.Authorization",
            "stands for a stored credential",
        ),
    ],
)
def test_misused_secrets_are_refused_at_save(
    client: TestClient, tenant: Tenant, body: dict[str, Any], loc: str, message: str
) -> None:
    response = client.post(
        "/api/v1/workflows",
        json={"name": "w", "trigger_type": "organisation_created", **body},
        headers=tenant.headers("editor"),
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == loc
    assert message in error["msg"]


def test_a_secret_created_after_the_workflow_is_fine_at_save(
    client: TestClient, tenant: Tenant
) -> None:
    response = _save(client, tenant, [_hook({"Authorization": "Bearer {{ secrets.LATER }}"})])
    assert response.status_code == 201, response.text
    assert response.json()["warnings"] == []
    headers = response.json()["actions"][0]["config"]["headers"]
    assert headers == {"Authorization": "Bearer {{ secrets.LATER }}"}


def test_a_mask_is_only_kept_on_the_same_call(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    created = _save(
        client,
        tenant,
        [_hook({"X-Api-Key": "clear-key-123", "X-Account": "acme"})],
    ).json()
    assert created["actions"][0]["config"]["headers"]["X-Api-Key"] == MASK
    url = f"/api/v1/workflows/{created['id']}"
    moved = [_hook({"X-Api-Key": MASK}, url="https://elsewhere.example.com/steal")]
    response = client.put(url, json={"actions": moved}, headers=tenant.headers("editor"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == "actions[0].config.headers.X-Api-Key"
    # Moved one step down, the mask has no stored credential to stand for either.
    shifted = [{"type": "stop"}, _hook({"X-Api-Key": MASK})]
    assert client.put(url, json={"actions": shifted}, headers=tenant.headers()).status_code == 422
    # Same place, same URL (header names in any case): kept; a typed value replaces it.
    same = [_hook({"x-api-key": MASK, "X-Account": "acme2"})]
    assert client.put(url, json={"actions": same}, headers=tenant.headers()).status_code == 200
    session.rollback()
    stored = session.get(Workflow, created["id"], populate_existing=True)
    assert stored is not None
    assert stored.actions[0]["config"]["headers"] == {
        "x-api-key": "clear-key-123",
        "X-Account": "acme2",
    }
    retyped = [_hook({"X-Api-Key": "new-key-456"})]
    assert client.put(url, json={"actions": retyped}, headers=tenant.headers()).status_code == 200
    session.rollback()
    stored = session.get(Workflow, created["id"], populate_existing=True)
    assert stored is not None
    assert stored.actions[0]["config"]["headers"] == {"X-Api-Key": "new-key-456"}


def _erp_entry(client: TestClient, tenant: Tenant, url: str) -> None:
    body = {
        "name": "Sync to ERP",
        "action_type": "erp_sync",
        "input_schema": {
            "type": "object",
            "properties": {
                "amount": {"type": "number"},
                "api_key": {"type": "string", "writeOnly": True},
            },
            "additionalProperties": False,
        },
        "config": {"url": url},
    }
    response = client.post("/api/v1/workflow/action-catalog", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text


def test_a_write_only_custom_field_takes_a_reference_and_records_the_mask(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    receiver: EchoReceiver,
) -> None:
    _erp_entry(client, tenant, f"http://127.0.0.1:{receiver.server_port}/orders")
    literal = _save(client, tenant, [{"type": "erp_sync", "config": {"api_key": "clear"}}])
    assert literal.status_code == 422
    assert literal.json()["detail"][0]["loc"] == "actions[0].config.api_key"
    assert "a write-only field takes a reference" in literal.json()["detail"][0]["msg"]

    add_secret(client, tenant, "ERP_KEY", "erp-secret-value-77")
    step = {"type": "erp_sync", "config": {"amount": 3, "api_key": "{{ secrets.ERP_KEY }}"}}
    created = _save(client, tenant, [step])
    assert created.status_code == 201, created.text
    client.post(
        f"/api/v1/workflows/{created.json()['id']}/activate", headers=tenant.headers()
    ).raise_for_status()
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    run_batch(writer_session, [execution_id], RunOptions(secret_key=KEY))
    record = steps(session, execution_id)["actions/0"]
    assert record.input == {"amount": 3, "api_key": MASK}
    assert "erp-secret-value-77" not in json.dumps(record.input)
