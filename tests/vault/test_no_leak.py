"""No response, for any role, and no export ever holds a secret or a credential typed in clear.

The GET routes are walked from the app, so a route added later is checked without editing this.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crmflow.cli import app as cli_app
from crmflow.config import get_settings
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.vault.masking import MASK
from crmflow.workflows.models import Workflow
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org
from tests.vault.conftest import KEY, EchoReceiver, add_secret, deliver

TOKEN = "tok_live_never_shown_42"
LITERAL = "literal-api-key-never-shown"
PATH_PARAM = re.compile(r"\{([^}]+)\}")


def _definition(port: int) -> dict[str, Any]:
    return {
        "name": "Push to billing",
        "trigger_type": "organisation_created",
        "is_template": True,
        "actions": [
            {
                "id": "hook",
                "type": "call_webhook",
                "config": {
                    "url": f"http://127.0.0.1:{port}/deals",
                    "headers": {
                        "Authorization": "Bearer {{ secrets.BILLING_TOKEN }}",
                        "X-Api-Key": LITERAL,
                    },
                    "max_attempts": 1,
                },
            }
        ],
    }


def _get_routes(app: FastAPI) -> list[str]:
    from fastapi.routing import iter_route_contexts

    return sorted(
        str(c.path)
        for c in iter_route_contexts(app.routes)
        if isinstance(c.original_route, APIRoute)
        and "GET" in c.original_route.methods
        and str(c.path).startswith("/api/v1")
    )


@pytest.fixture()
def ran(
    client: TestClient,
    tenant: Tenant,
    writer_session: Session,
    db_url: str,
    receiver: EchoReceiver,
) -> dict[str, Any]:
    """A template workflow with a secret and a literal credential, saved twice and run once."""
    add_secret(client, tenant, "BILLING_TOKEN", TOKEN)
    created = client.post(
        "/api/v1/workflows", json=_definition(receiver.server_port), headers=tenant.headers()
    )
    assert created.status_code == 201, created.text
    workflow = created.json()
    # The editor saves what it was shown (the mask): the stored credential is kept.
    changed = client.put(
        f"/api/v1/workflows/{workflow['id']}",
        json={"name": "Push to billing v2", "actions": workflow["actions"]},
        headers=tenant.headers("editor"),
    )
    assert changed.status_code == 200, changed.text
    client.post(
        f"/api/v1/workflows/{workflow['id']}/activate", headers=tenant.headers()
    ).raise_for_status()
    org = new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    run_batch(writer_session, [execution_id], RunOptions(secret_key=KEY))
    assert deliver(db_url) == 1
    outcome = run_batch(writer_session, [execution_id], RunOptions(secret_key=KEY)).outcome
    assert outcome == {execution_id: "success"}
    [request] = receiver.requests
    assert request["authorization"] == f"Bearer {TOKEN}"
    return {
        "workflow_id": workflow["id"],
        "execution_id": execution_id,
        "organisation_id": org["id"],
        "template_id": str(workflow["id"]),
        "action_type": "call_webhook",
        "name": "BILLING_TOKEN",
    }


def test_the_saved_definition_keeps_the_credential_and_warns(
    client: TestClient, tenant: Tenant, session: Session, ran: dict[str, Any]
) -> None:
    session.rollback()
    stored = session.get(Workflow, ran["workflow_id"], populate_existing=True)
    assert stored is not None
    assert stored.actions[0]["config"]["headers"]["X-Api-Key"] == LITERAL
    shown = client.get(f"/api/v1/workflows/{ran['workflow_id']}", headers=tenant.headers()).json()
    headers = shown["actions"][0]["config"]["headers"]
    assert headers == {"Authorization": "Bearer {{ secrets.BILLING_TOKEN }}", "X-Api-Key": MASK}
    [warning] = shown["warnings"]
    assert warning.startswith("actions[0].config.headers.X-Api-Key: a credential is written")


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_no_get_route_returns_a_secret_or_a_clear_credential(
    app: FastAPI, client: TestClient, tenant: Tenant, ran: dict[str, Any], role: str
) -> None:
    params = {**ran}
    answered: dict[str, int] = {}
    for path in _get_routes(app):
        url = PATH_PARAM.sub(lambda m: str(params.get(m.group(1), 1)), path)
        response = client.get(url, headers=tenant.headers(role))
        answered[path] = response.status_code
        assert TOKEN not in response.text, url
        assert LITERAL not in response.text, url
    # The walk reached the routes that show definitions, versions, steps and templates.
    for path in (
        "/api/v1/workflows/{workflow_id}",
        "/api/v1/workflows/{workflow_id}/versions",
        "/api/v1/workflows/templates/list",
        "/api/v1/executions/{execution_id}",
        "/api/v1/workflows/{workflow_id}/executions/{execution_id}",
        "/api/v1/secrets",
    ):
        assert answered[path] == 200, path
    versions = client.get(
        f"/api/v1/workflows/{ran['workflow_id']}/versions", headers=tenant.headers(role)
    ).json()
    assert len(versions) == 2
    for version in versions:
        headers = version["definition"]["actions"][0]["config"]["headers"]
        assert headers["X-Api-Key"] == MASK
    detail = client.get(
        f"/api/v1/executions/{ran['execution_id']}", headers=tenant.headers(role)
    ).json()
    [step] = detail["steps"]
    assert step["input"]["headers"] == {"Authorization": MASK, "X-Api-Key": MASK}


def test_the_export_masks_clear_credentials_and_keeps_references(
    ran: dict[str, Any], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMFLOW_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["workflows", "export", "--company", "Acme"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and LITERAL not in result.output
    [exported] = json.loads(result.output)["workflows"]
    assert exported["actions"][0]["config"]["headers"] == {
        "Authorization": "Bearer {{ secrets.BILLING_TOKEN }}",
        "X-Api-Key": MASK,
    }
