"""A simulation writes nothing but its own row and calls nobody, for every built-in action and
control step, on SQLite and PostgreSQL; and every branch of the seed templates is reachable."""

from __future__ import annotations

import hashlib
import smtplib
import socket
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crmflow.db.base import Base
from crmflow.engine.plugins import all_actions
from crmflow.outbound import http as outbound_http
from crmflow.outbound import smtp as outbound_smtp
from crmflow.workflows.templates import BUILTIN_TEMPLATES, _definition
from tests.conftest import Tenant
from tests.engine.flow_support import new_org, start_workflow
from tests.simulation.test_simulation_api import URL, simulate

CONTROL_STEPS: list[dict[str, Any]] = [
    {"type": "delay", "config": {"duration": "2 days"}},
    {"type": "approval", "config": {"approvers": ["manager"], "timeout": "1 day"}},
    {
        "type": "branch",
        "branches": [{"when": {"organisation.name": {"$eq": "Initech"}}, "actions": []}],
        "else": [{"type": "create_task", "config": {"title": "else"}}],
    },
    {
        "type": "parallel",
        "branches": [
            [{"type": "send_notification", "config": {"message": "left", "user": "owner"}}],
            [{"type": "create_task", "config": {"title": "right"}}],
        ],
    },
    {"type": "stop", "config": {"status": "success", "reason": "done"}},
]


def _fingerprint(session: Session) -> dict[str, str]:
    """A digest of every row of every table but the simulations' own."""
    out = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "workflow_simulations":
            continue
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return out


@pytest.fixture()
def network_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every outbound connection, DNS lookup, SMTP session or HTTP request attempted."""
    calls: list[str] = []

    def counted(name: str, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(socket, "create_connection", counted("connect", socket.create_connection))
    monkeypatch.setattr(socket, "getaddrinfo", counted("dns", socket.getaddrinfo))
    monkeypatch.setattr(smtplib.SMTP, "connect", counted("smtp", smtplib.SMTP.connect))
    # Not httpx itself: the TestClient speaks to the app through it.
    monkeypatch.setattr(outbound_http, "send", counted("http", outbound_http.send))
    monkeypatch.setattr(outbound_smtp, "send", counted("email", outbound_smtp.send))
    # The outbox sends through a session it reuses, not through `send`.
    monkeypatch.setattr(
        outbound_smtp.Connection, "send", counted("email", outbound_smtp.Connection.send)
    )
    return calls


def test_every_builtin_action_and_control_step_is_simulated_without_effects(
    client: TestClient, tenant: Tenant, session: Session, network_calls: list[str]
) -> None:
    actions = [{"type": a.type, "config": dict(a.example)} for a in all_actions()]
    assert {"send_email", "call_webhook", "create_task", "update_field"} <= {
        a["type"] for a in actions
    }
    workflow = start_workflow(client, tenant, {"actions": [*actions, *CONTROL_STEPS]})
    org = new_org(client, tenant, name="Globex")
    session.rollback()
    before = _fingerprint(session)
    network_calls.clear()
    for body in (
        {"workflow_id": workflow["id"], "entity_type": "organisation", "entity_id": org["id"]},
        {"workflow_id": workflow["id"], "input_data": {"name": "Made up", "industry": "tech"}},
    ):
        result = simulate(client, tenant, body)
        assert result["status"] == "completed" and result["would_trigger"], result
        statuses = {s["path"]: s["status"] for s in result["execution_path"]}
        top = [statuses.get(f"actions/{i}") for i in range(len(actions) + len(CONTROL_STEPS))]
        # Every action and control step was reached and would succeed (nothing held it up).
        assert top == ["success"] * len(top), result["execution_path"]
        outputs = {s["path"]: s["output"] or {} for s in result["execution_path"]}
        # Each action said what it would do (its dry run), and did not do it.
        assert all(outputs[f"actions/{i}"].get("dry_run") for i in range(len(actions)))
    session.rollback()
    assert _fingerprint(session) == before  # zero rows changed in every table
    assert network_calls == []  # zero connections, lookups, emails or HTTP requests
    count = session.execute(text("SELECT count(*) FROM workflow_simulations")).scalar()
    assert count == 2


def test_every_branch_outcome_of_the_seed_templates_is_reached_by_its_example(
    client: TestClient, tenant: Tenant
) -> None:
    reached = total = 0
    for slug, template in BUILTIN_TEMPLATES.items():
        definition = _definition(template)
        first = simulate(client, tenant, {"definition": definition})
        assert first["status"] == "completed", (slug, first["validation_errors"])
        for point in first["branch_explorations"]:
            for alternative in point["alternatives"]:
                total += 1
                example = alternative["example"]
                assert example is not None, (slug, point["path"], alternative)
                again = simulate(
                    client,
                    tenant,
                    {"definition": definition, **example},
                )
                [same] = [p for p in again["branch_explorations"] if p["path"] == point["path"]]
                assert same["reached"] and same["taken"] == alternative["outcome"], (
                    slug,
                    point["path"],
                    alternative,
                    same,
                )
                reached += 1
    assert total > 0 and reached == total  # 100%


def test_bad_requests_name_the_field(client: TestClient, tenant: Tenant) -> None:
    cases = [
        ({}, "workflow_id"),
        ({"workflow_id": 999999}, "workflow"),
        ({"definition": {"trigger_type": "deal_created"}, "entity_type": "deal"}, "entity_id"),
        ({"definition": {"trigger_type": "deal_created"}, "input_data": "x"}, "input_data"),
        ({"definition": {"trigger_type": "deal_created", "bogus": 1}}, "definition.bogus"),
        (
            {
                "definition": {"trigger_type": "deal_created"},
                "entity_type": "deal",
                "entity_id": 9999,
            },
            "entity_id",
        ),
    ]
    for body, field in cases:
        response = client.post(URL, json=body, headers=tenant.headers())
        assert 400 <= response.status_code < 500, (body, response.text)
        assert field in response.text, (body, response.text)
    viewer = client.post(
        URL, json={"definition": {"trigger_type": "deal_created"}}, headers=tenant.headers("viewer")
    )
    assert viewer.status_code == 403


def test_an_invalid_draft_is_reported_not_walked(client: TestClient, tenant: Tenant) -> None:
    result = simulate(
        client,
        tenant,
        {"definition": {"trigger_type": "deal_created", "actions": [{"type": "no_such_action"}]}},
    )
    assert result["status"] == "invalid" and result["execution_path"] == []
    [error] = result["validation_errors"]
    assert error["path"].startswith("actions[0]") and "no_such_action" in error["message"]
