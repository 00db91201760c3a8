"""A company's custom action is a step type: checked against its schema, run as its webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.db.session import get_session_factory
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.outbound.delivery import deliver_webhooks
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, execution, start_workflow, steps
from tests.outbound.test_webhook_action import Receiver

URL = "/api/v1/workflow/action-catalog"


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _entry(client: TestClient, tenant: Tenant, url: str) -> None:
    body = {
        "name": "Sync to ERP",
        "action_type": "erp_sync",
        "description": "Push the deal to the ERP",
        "latency_class": "slow",
        "side_effects": ["erp_order_created"],
        "input_schema": {
            "type": "object",
            "properties": {"amount": {"type": "number", "minimum": 0}, "ref": {"type": "string"}},
            "required": ["amount"],
            "additionalProperties": False,
        },
        "output_schema": {"type": "object"},
        "config": {"url": url, "method": "post", "headers": {"X-Source": "crmflow"}},
    }
    response = client.post(URL, json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text


def _workflow(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "erp",
        "trigger_type": "organisation_created",
        "actions": [{"id": "erp", "type": "erp_sync", "config": config}],
    }


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({"amount": -1}, "actions[0].config.amount"),
        ({}, "actions[0].config"),
        ({"amount": 1, "colour": "red"}, "actions[0].config"),
    ],
)
def test_custom_step_configs_are_checked_against_the_input_schema(
    client: TestClient, tenant: Tenant, config: dict[str, Any], path: str
) -> None:
    _entry(client, tenant, "https://erp.example.com/orders")
    response = client.post("/api/v1/workflows", json=_workflow(config), headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert path in response.text


def test_another_company_cannot_use_the_custom_type(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _entry(client, tenant, "https://erp.example.com/orders")
    body = _workflow({"amount": 1})
    assert client.post("/api/v1/workflows", json=body, headers=tenant.headers()).status_code == 201
    refused = client.post("/api/v1/workflows", json=body, headers=other_tenant.headers())
    assert refused.status_code == 422 and "unknown action type 'erp_sync'" in refused.text


def test_a_custom_step_posts_its_config_to_the_fixed_url(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: Receiver,
) -> None:
    _entry(client, tenant, f"http://127.0.0.1:{receiver.server_port}/orders")
    start_workflow(
        client, tenant, _workflow({"amount": "{{ organisation.potential_amount }}", "ref": "x"})
    )
    client.post(
        "/api/v1/organisations",
        json={"name": "Initech", "potential_amount": 1200},
        headers=tenant.headers(),
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {
        execution_id: "waiting"
    }
    settings = Settings(CRMFLOW_DATABASE_URL=db_url, CRMFLOW_WEBHOOK_ALLOWLIST="127.0.0.1")
    assert deliver_webhooks(get_session_factory(db_url), settings) == 1
    [request] = receiver.requests
    assert request["path"] == "/orders" and request["headers"]["X-Source"] == "crmflow"
    assert json.loads(request["body"]) == {"amount": 1200.0, "ref": "x"}
    run_key = execution(writer_session, execution_id).run_key
    assert request["headers"]["Idempotency-Key"] == f"{run_key}:actions/0"
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {
        execution_id: "success"
    }
    assert steps(session, execution_id)["actions/0"].output["json"]["id"] == "ext-42"


def test_a_rendered_config_that_breaks_the_schema_fails_the_step(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    _entry(client, tenant, "https://erp.example.com/orders")
    start_workflow(client, tenant, _workflow({"amount": "{{ organisation.name }}"}))
    client.post(
        "/api/v1/organisations", json={"name": "Initech"}, headers=tenant.headers()
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    # The step failed and the run went on (on_error: continue): completed with errors.
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {
        execution_id: "partial"
    }
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "failed" and "config.amount" in (record.error or "")
