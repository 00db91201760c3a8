"""Warnings a demanding user needs, the comparison of two versions, and the back-test."""

from __future__ import annotations

import time
from copy import deepcopy
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.db.base import utcnow
from crmflow.simulation.backtest import fail_interrupted_backtests
from crmflow.simulation.models import WorkflowSimulation
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, run, start_workflow
from tests.simulation.test_simulation_api import URL, simulate


def _deal(client: TestClient, tenant: Tenant, org_id: int, stage: str, amount: int) -> int:
    response = client.post(
        "/api/v1/deals",
        json={
            "title": f"deal {amount}",
            "organisation_id": org_id,
            "stage": stage,
            "amount": amount,
        },
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_mistyped_stage_is_named_at_save_and_in_simulation(
    client: TestClient, tenant: Tenant
) -> None:
    org = new_org(client, tenant)
    _deal(client, tenant, org["id"], "negotiation", 1000)
    _deal(client, tenant, org["id"], "qualification", 2000)
    body = {
        "name": "stage",
        "trigger_type": "deal_stage_changed",
        "trigger_config": {"to": "négociation"},
        "actions": [
            {
                "type": "send_email",
                "config": {
                    "to": "jean.dupont@example.com",
                    "subject": "Hi {{ deal.nme }}",
                },
            },
            {"type": "create_task", "config": {"title": "Call {{ organisation.email }}"}},
            {"type": "stop"},
            {"type": "create_task", "config": {"title": "never"}},
        ],
    }
    # A malformed address is an error, at save and in a simulated draft, named at its path.
    bad = deepcopy(body)
    bad["actions"][0]["config"] |= {"to": "jean.dupont@@example", "cc": ["pas-un-email"]}
    refused = client.post("/api/v1/workflows", json=bad, headers=tenant.headers())
    assert refused.status_code == 422 and "actions[0].config.to" in refused.text
    invalid = simulate(client, tenant, {"definition": bad})
    assert invalid["status"] == "invalid"
    assert invalid["validation_errors"][0]["path"] == "actions[0].config.to"
    saved = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert saved.status_code == 201, saved.text
    assert any("négociation" in w and "'negotiation'" in w for w in saved.json()["warnings"])
    result = simulate(client, tenant, {"definition": body, "input_data": {"stage": "negotiation"}})
    codes = {(w["code"], w["path"]) for w in result["warnings"]}
    assert ("unknown_value", "trigger_config.to") in codes
    assert ("missing_variable", "actions[1].config.title") not in codes  # no run: no text
    assert ("unreachable_step", "actions[3]") in codes
    assert ("unknown_field", "actions[0].config.subject") not in codes
    assert result["would_trigger"] is False  # the trigger wants "négociation"
    assert "négociation" in result["trigger_data"]["decision"]["explanation"]
    triggered = simulate(
        client,
        tenant,
        {"definition": body, "input_data": {"stage": "négociation", "amout": 5}},
    )
    codes = {(w["code"], w["path"]) for w in triggered["warnings"]}
    assert triggered["would_trigger"] is True
    assert ("missing_variable", "actions[1].config.title") in codes
    [typo] = [w for w in triggered["warnings"] if w["code"] == "unknown_input"]
    assert typo["path"] == "input_data.amout" and "'amount'" in typo["message"]
    # An approver title nobody holds is an error in a draft, named at its path.
    body["actions"][1] = {"type": "approval", "config": {"approvers": ["title:ceo"]}}
    invalid = simulate(client, tenant, {"definition": body})
    assert invalid["status"] == "invalid"
    assert invalid["validation_errors"][0]["path"] == "actions[1].config.approvers[0]"


def test_compare_lists_the_steps_whose_fate_differs(client: TestClient, tenant: Tenant) -> None:
    workflow = start_workflow(
        client, tenant, {"actions": [{"type": "create_task", "config": {"title": "v1"}}]}
    )
    draft = {
        "trigger_type": "organisation_created",
        "actions": [
            {
                "type": "create_task",
                "config": {"title": "v2"},
                "when": {"organisation.industry": {"$eq": "tech"}},
            },
            {"type": "send_notification", "config": {"message": "new", "user": "owner"}},
        ],
    }
    response = client.post(
        f"{URL}compare",
        json={
            "workflow_id": workflow["id"],
            "definition": draft,
            "input_data": {"industry": "retail"},
        },
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
    differences = response.json()["report"]["differences"]
    by_path = {d["path"]: d for d in differences}
    assert by_path["actions/0"]["a"] == "success" and by_path["actions/0"]["b"] == "skipped"
    assert by_path["actions/1"]["a"] == "not reached" and by_path["actions/1"]["b"] == "success"


def _wait(client: TestClient, tenant: Tenant, simulation_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"{URL}{simulation_id}/", headers=tenant.headers()).json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError("back-test did not finish")


def test_backtest_replays_history_and_diffs_with_the_current_version(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    workflow = start_workflow(
        client,
        tenant,
        {
            "trigger_type": "deal_created",
            "conditions": {"deal.amount": {"$gt": 10000}},
            "actions": [{"type": "create_task", "config": {"title": "big deal"}}],
        },
    )
    org = new_org(client, tenant)
    for amount in (5000, 20000, 60000, 80000):
        _deal(client, tenant, org["id"], "qualification", amount)
    run(writer_session, dispatch(writer_session))
    draft = {
        "trigger_type": "deal_created",
        "conditions": {"deal.amount": {"$gt": 50000}},
        "actions": [
            {
                "type": "branch",
                "branches": [{"when": {"deal.amount": {"$gt": 70000}}, "actions": []}],
                "else": [],
            },
            {"type": "approval", "config": {"approvers": ["manager"]}},
        ],
    }
    started = client.post(
        f"{URL}backtest",
        json={"workflow_id": workflow["id"], "definition": draft, "days": 30},
        headers=tenant.headers(),
    )
    assert started.status_code == 202, started.text
    done = _wait(client, tenant, started.json()["id"])
    assert done["status"] == "completed" and done["progress"] == 100.0, done
    report = done["report"]
    assert report["events_considered"] == 4 and report["triggered"] == 2
    assert report["skipped"]["conditions"] == {"deal.amount > 50000": 2}
    assert report["outcomes"] == {"success": 2}
    assert report["branches"]["actions/0"] == {"branch 0": 1, "else": 1}
    assert report["approvers"]["actions/1"] == {"manager@acme.test": 2}
    assert report["diff"]["same"] == 3 and report["diff"]["only_current"] == 1
    assert len(report["samples"]["success"]) == 2


def test_a_backtest_interrupted_by_a_stop_is_failed_at_the_next_start(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    common = {"company_id": tenant.company_id, "mode": "backtest", "input_data": {"days": 30}}
    stale = WorkflowSimulation(**common, status="running", progress=40.0)
    live = WorkflowSimulation(**common, status="running", progress=10.0)
    done = WorkflowSimulation(**common, status="completed", progress=100.0)
    writer_session.add_all([stale, live, done])
    writer_session.flush()
    stale.updated_at = utcnow() - timedelta(minutes=6)
    done.updated_at = utcnow() - timedelta(days=1)
    writer_session.commit()
    assert fail_interrupted_backtests(writer_session) == 1
    body = client.get(f"{URL}{stale.id}/", headers=tenant.headers()).json()
    assert body["status"] == "failed" and "interrupted" in body["error"]
    assert body["progress"] == 40.0  # how far it got stays visible
    assert client.get(f"{URL}{live.id}/", headers=tenant.headers()).json()["status"] == "running"
    assert client.get(f"{URL}{done.id}/", headers=tenant.headers()).json()["status"] == "completed"


def test_a_webhook_target_the_ssrf_guard_refuses_is_named(
    client: TestClient, tenant: Tenant
) -> None:
    body = {
        "trigger_type": "organisation_created",
        "actions": [
            {"type": "call_webhook", "config": {"url": "http://169.254.169.254/latest/meta-data"}},
            {"type": "call_webhook", "config": {"url": "http://{{ organisation.website }}/hook"}},
            {"type": "call_webhook", "config": {"url": "https://hooks.example.com/ok"}},
        ],
    }
    result = simulate(
        client, tenant, {"definition": body, "input_data": {"name": "A", "website": "127.0.0.1"}}
    )
    blocked = {w["path"]: w["message"] for w in result["warnings"] if w["code"] == "blocked_url"}
    # The literal metadata address, and the loopback one the template renders to for this input;
    # a public name is not resolved during a simulation (no DNS lookup), so it is not judged.
    assert set(blocked) == {"actions[0].config.url", "actions[1].config.url"}
    assert "169.254.169.254" in blocked["actions[0].config.url"]
    assert result["outcome"] == "success"  # the calls were never made
