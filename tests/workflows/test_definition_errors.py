"""Bad workflow definitions: a 422 naming the JSON path, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.workflows.factories import BIG_ORG_WORKFLOW


def _with(**changes: Any) -> dict[str, Any]:
    return {**BIG_ORG_WORKFLOW, **changes}


TASK = {"type": "create_task", "config": {"title": "x"}}

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("unknown trigger", _with(trigger_type="organisation_deleted"), "trigger_type"),
    (
        "unknown action",
        _with(actions=[TASK, {"type": "send_fax", "config": {}}]),
        "actions[1].type",
    ),
    (
        "unknown operator",
        _with(
            conditions={
                "operator": "AND",
                "rules": [{"field": "organisation.name", "operator": "resembles", "value": "x"}],
            }
        ),
        "conditions.rules[0].operator",
    ),
    (
        "bad relative date",
        _with(
            actions=[
                TASK,
                TASK,
                {"type": "create_task", "config": {"title": "x", "due_date": "next blue moon"}},
            ]
        ),
        "actions[2].config.due_date",
    ),
    (
        "template syntax",
        _with(
            actions=[
                {
                    "type": "send_email",
                    "config": {"to": "a@b.c", "subject": "Hi {{ organisation.name }"},
                }
            ]
        ),
        "actions[0].config.subject",
    ),
    (
        "unknown update field",
        _with(actions=[{"type": "update_field", "config": {"field": "shoe_size", "value": 42}}]),
        "actions[0].config.field",
    ),
    (
        "unknown config key",
        _with(actions=[{"type": "create_task", "config": {"title": "x", "colour": "red"}}]),
        "actions[0].config.colour",
    ),
    (
        "missing required config",
        _with(actions=[{"type": "send_notification", "config": {"level": "info"}}]),
        "actions[0].config.message",
    ),
    (
        "wrong config type",
        _with(actions=[{"type": "create_task", "config": {"title": "x", "priority": "whenever"}}]),
        "actions[0].config.priority",
    ),
    (
        "bad cron",
        _with(trigger_type="scheduled", trigger_config={"cron": "61 25 * * *"}),
        "trigger_config.cron",
    ),
    (
        "bad time zone",
        _with(
            trigger_type="scheduled",
            trigger_config={"frequency": "daily", "timezone": "Mars/Olympus"},
        ),
        "trigger_config.timezone",
    ),
    (
        "unknown trigger config",
        _with(trigger_type="deal_stage_changed", trigger_config={"stage": "won"}),
        "trigger_config.stage",
    ),
    (
        "branch without condition",
        _with(actions=[{"type": "branch", "branches": [{"when": None, "actions": [TASK]}]}]),
        "actions[0].branches[0].when",
    ),
    (
        "nested bad action",
        _with(
            actions=[
                {
                    "type": "branch",
                    "branches": [
                        {
                            "when": {"organisation.category": "x"},
                            "actions": [TASK, {"type": "nope"}],
                        }
                    ],
                }
            ]
        ),
        "actions[0].branches[0].actions[1].type",
    ),
    (
        "duplicate step id",
        _with(actions=[{**TASK, "id": "a"}, {**TASK, "id": "a"}]),
        "actions[1].id",
    ),
    (
        "delay without duration or until",
        _with(actions=[{"type": "delay", "config": {}}]),
        "actions[0].config",
    ),
    (
        "delay with a bad duration",
        _with(actions=[{"type": "delay", "config": {"duration": "soon"}}]),
        "actions[0].config.duration",
    ),
    (
        "delay until something that is not a date",
        _with(actions=[{"type": "delay", "config": {"until": "next tuesday-ish"}}]),
        "actions[0].config.until",
    ),
    (
        "delay with an unknown option",
        _with(actions=[{"type": "delay", "config": {"duration": "1h", "hours": 2}}]),
        "actions[0].config.hours",
    ),
    (
        "approval without approvers",
        _with(actions=[{"type": "approval", "config": {}}]),
        "actions[0].config",
    ),
    (
        "approval with an unknown title",
        _with(actions=[{"type": "approval", "config": {"approvers": ["title:astronaut"]}}]),
        "actions[0].config.approvers[0]",
    ),
    (
        "approval with an unknown user",
        _with(actions=[{"type": "approval", "config": {"approver": "user:nobody@x.test"}}]),
        "actions[0].config.approvers[0]",
    ),
    (
        "approval with an unknown reference kind",
        _with(actions=[{"type": "approval", "config": {"approvers": ["group:sales"]}}]),
        "actions[0].config.approvers",
    ),
    (
        "approval with an unknown role",
        _with(actions=[{"type": "approval", "config": {"approvers": ["role:boss"]}}]),
        "actions[0].config.approvers",
    ),
    (
        "approval quorum without a count",
        _with(actions=[{"type": "approval", "config": {"approver": "manager", "mode": "quorum"}}]),
        "actions[0].config",
    ),
    (
        "approval with a bad timeout",
        _with(actions=[{"type": "approval", "config": {"approver": "manager", "timeout": "?"}}]),
        "actions[0].config.timeout",
    ),
    (
        "approval with a bad on_timeout",
        _with(actions=[{"type": "approval", "config": {"approver": "manager", "on_timeout": "x"}}]),
        "actions[0].config.on_timeout",
    ),
    (
        "bad step inside on_reject",
        _with(
            actions=[
                {
                    "type": "approval",
                    "config": {"approver": "manager"},
                    "on_reject": [{"type": "x"}],
                }
            ]
        ),
        "actions[0].on_reject[0].type",
    ),
    (
        "parallel with no branches",
        _with(actions=[{"type": "parallel", "branches": []}]),
        "actions[0].branches",
    ),
    (
        "bad step inside a parallel branch",
        _with(actions=[{"type": "parallel", "branches": [[TASK], [{"type": "nope"}]]}]),
        "actions[0].branches[1].actions[0].type",
    ),
    (
        "retry on a control step",
        _with(actions=[{"type": "delay", "config": {"duration": "1h"}, "retry": {}}]),
        "actions[0].retry",
    ),
    (
        "unknown run mode",
        _with(run_policy={"mode": "sometimes"}),
        "run_policy.mode",
    ),
    (
        "reenrollment after zero days",
        _with(run_policy={"reenrollment": {"after_days": 0}}),
        "run_policy.reenrollment.after_days",
    ),
    (
        "unknown reenrollment rule",
        _with(run_policy={"reenrollment": "sometimes"}),
        "run_policy.reenrollment",
    ),
    (
        "bad retry duration",
        _with(actions=[{**TASK, "retry": {"initial": "banana"}}]),
        "actions[0].retry.initial",
    ),
    ("actions not a list", _with(actions={"type": "create_task"}), "actions"),
    ("empty name", _with(name=""), "name"),
]


@pytest.mark.parametrize(("label", "body", "path"), CASES, ids=[c[0] for c in CASES])
def test_bad_definition_is_422_naming_the_path(
    client: TestClient, tenant: Tenant, label: str, body: dict[str, Any], path: str
) -> None:
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 422, (label, response.text)
    detail = response.json()["detail"]
    locs = [d.get("loc") for d in detail] if isinstance(detail, list) else []
    assert path in locs or path in response.text, (label, response.text)
    assert client.get("/api/v1/workflows", headers=tenant.headers()).json()["total"] == 0


def test_unknown_approver_title_lists_the_known_ones(client: TestClient, tenant: Tenant) -> None:
    body = _with(actions=[{"type": "approval", "config": {"approver": "astronaut"}}])
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 422
    assert "unknown approver title 'astronaut'" in response.text
    assert "director" in response.text and "manager" in response.text


def test_malformed_json_is_422(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/api/v1/workflows",
        content=b"{not json",
        headers={**tenant.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_bad_update_writes_nothing(client: TestClient, tenant: Tenant) -> None:
    created = client.post(
        "/api/v1/workflows", json=BIG_ORG_WORKFLOW, headers=tenant.headers()
    ).json()
    response = client.put(
        f"/api/v1/workflows/{created['id']}",
        json={"name": "changed", "actions": [{"type": "send_fax"}]},
        headers=tenant.headers(),
    )
    assert response.status_code == 422 and "actions[0].type" in response.text
    again = client.get(f"/api/v1/workflows/{created['id']}", headers=tenant.headers()).json()
    assert again["name"] == BIG_ORG_WORKFLOW["name"] and again["version"] == 1


def test_trigger_types_and_statuses_accept_any_case(client: TestClient, tenant: Tenant) -> None:
    body = _with(
        trigger_type="ORGANISATION_CREATED",
        status="Active",
        actions=[{"type": "CREATE_TASK", "config": {"title": "x"}}],
    )
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["trigger_type"], data["status"], data["actions"][0]["type"]) == (
        "organisation_created",
        "active",
        "create_task",
    )
    listed = client.get(
        "/api/v1/workflows?trigger_type=Organisation_Created", headers=tenant.headers()
    ).json()
    assert listed["total"] == 1
