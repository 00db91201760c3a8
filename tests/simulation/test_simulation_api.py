"""The simulation API: the seed's Example 1, decisions and examples, warnings, bad input."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.auth.service import create_user
from tests.approvals.test_approval_flow import DISCOUNT_APPROVAL
from tests.conftest import Tenant
from tests.engine.flow_support import start_workflow

URL = "/api/v1/workflow/workflow-simulations/"


def simulate(client: TestClient, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(URL, json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _cfo(writer_session: Session, tenant: Tenant) -> None:
    create_user(writer_session, company_id=tenant.company_id, email="cfo@acme.test", titles=["cfo"])
    writer_session.commit()


def test_example_1_chain_follows_the_amount(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    _cfo(writer_session, tenant)
    workflow = start_workflow(client, tenant, DISCOUNT_APPROVAL)
    small = simulate(
        client, tenant, {"workflow_id": workflow["id"], "input_data": {"amount": 5000}}
    )
    large = simulate(
        client, tenant, {"workflow_id": workflow["id"], "input_data": {"amount": 75000}}
    )

    def chain(result: dict[str, Any]) -> list[list[str]]:
        return [level["approvers"] for level in result["approval_chain"]]

    assert small["status"] == "completed" and small["outcome"] == "success"
    assert chain(small) == [["manager"]]
    assert [u["email"] for u in small["approval_chain"][0]["users"]] == ["manager@acme.test"]
    assert chain(large) == [["manager"], ["title:director"], ["title:cfo"]]
    assert [lvl["users"][0]["email"] for lvl in large["approval_chain"]] == [
        "manager@acme.test",
        "director@acme.test",
        "cfo@acme.test",
    ]
    # Both thresholds appear among the decisions, each with an example that takes each way.
    whens = {p["name"]: p for p in large["branch_explorations"] if p["kind"] == "when"}
    assert "10000" in whens["Director Approval"]["alternatives"][0]["predicate"]
    assert "50000" in whens["CFO Approval"]["alternatives"][0]["predicate"]
    for point in large["branch_explorations"]:
        for alternative in point["alternatives"]:
            assert alternative["reachable"] and alternative["example"] is not None, point
    skipped = {s["name"]: s for s in small["execution_path"]}
    assert skipped["Director Approval"]["status"] == "skipped"
    assert "10000" in skipped["Director Approval"]["decision"]["explanation"]
    assert small["predicted_duration_ms"]["p50"] >= 0
    listed = client.get(URL, params={"workflow_id": workflow["id"]}, headers=tenant.headers())
    assert listed.status_code == 200 and listed.json()["total"] == 2
    detail = client.get(f"{URL}{large['id']}/", headers=tenant.headers())
    assert detail.status_code == 200 and detail.json()["approval_chain"] == large["approval_chain"]


def test_simulations_are_counted_in_the_metrics(client: TestClient, tenant: Tenant) -> None:
    def count(status: str) -> float:
        body = client.get("/metrics").text
        line = next(
            (
                row
                for row in body.splitlines()
                if row.startswith(f'workflow_simulation_total{{status="{status}"}}')
            ),
            None,
        )
        return float(line.split()[-1]) if line else 0.0

    completed, invalid = count("completed"), count("invalid")
    simulate(client, tenant, {"definition": {"trigger_type": "deal_created"}})
    simulate(
        client,
        tenant,
        {"definition": {"trigger_type": "deal_created", "actions": [{"type": "nope"}]}},
    )
    assert count("completed") == completed + 1 and count("invalid") == invalid + 1
    assert "workflow_simulation_duration_seconds_count" in client.get("/metrics").text


def test_another_company_sees_and_reaches_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    workflow = start_workflow(client, tenant, {"actions": []})
    mine = simulate(client, tenant, {"workflow_id": workflow["id"]})
    org = client.post(
        "/api/v1/organisations", json={"name": "Secret"}, headers=tenant.headers()
    ).json()
    other = other_tenant.headers()
    assert client.get(f"{URL}{mine['id']}/", headers=other).status_code == 404
    assert client.get(URL, headers=other).json()["total"] == 0
    theirs = client.post(URL, json={"workflow_id": workflow["id"]}, headers=other)
    assert theirs.status_code == 404
    # A record of another company is not found, by type and id.
    draft = {"definition": {"trigger_type": "organisation_created"}}
    peek = client.post(
        URL, json={**draft, "entity_type": "organisation", "entity_id": org["id"]}, headers=other
    )
    assert peek.status_code == 422 and "entity_id" in peek.text and "Secret" not in peek.text
    backtest = client.post(f"{URL}backtest", json={"workflow_id": workflow["id"]}, headers=other)
    assert backtest.status_code == 404


def test_each_action_predicts_what_it_would_change(client: TestClient, tenant: Tenant) -> None:
    workflow = start_workflow(
        client,
        tenant,
        {
            "actions": [
                {"type": "update_field", "config": {"field": "pipeline_stage", "value": "won"}},
                {"type": "add_tag", "config": {"tags": ["vip", "partner"]}},
                {"type": "remove_tag", "config": {"tag": "partner"}},
                {"type": "assign_user", "config": {"user": "title:director"}},
                {"type": "send_email", "config": {"to": "owner", "subject": "Hi"}},
            ]
        },
    )
    org = client.post(
        "/api/v1/organisations",
        json={"name": "Tagged", "tags": ["partner"], "pipeline_stage": "lead"},
        headers=tenant.headers(),
    ).json()
    result = simulate(
        client,
        tenant,
        {"workflow_id": workflow["id"], "entity_type": "organisation", "entity_id": org["id"]},
    )
    outputs = [s["output"] for s in result["execution_path"]]
    assert outputs[0]["changes"] == {"pipeline_stage": ["lead", "won"]}
    assert outputs[0]["entity_id"] == org["id"]
    assert outputs[1]["tags"] == ["partner", "vip"]
    assert outputs[2]["tags"] == []  # each step sees the record as it is (nothing changed)
    assert outputs[3]["user"] == "director@acme.test"
    assert outputs[4]["to"] == ["admin@acme.test"]  # the record's owner is its creator
    refreshed = client.get(f"/api/v1/organisations/{org['id']}", headers=tenant.headers()).json()
    assert refreshed["tags"] == ["partner"] and refreshed["pipeline_stage"] == "lead"


RICH = {
    "name": "rich",
    "trigger_type": "deal_stage_changed",
    "trigger_config": {"to": ["negotiation", "won"]},
    "conditions": {"deal.currency": {"$in": ["EUR", "USD"]}},
    "actions": [
        {
            "name": "big",
            "type": "create_task",
            "config": {"title": "t"},
            "when": {
                "$or": [{"deal.amount": {"$gte": 100000}}, {"deal.discount_percent": {"$gt": 20}}]
            },
        },
        {
            "name": "route",
            "type": "branch",
            "branches": [
                {
                    "when": {"deal.amount": {"$gt": 50000}},
                    "actions": [
                        {
                            "name": "vip",
                            "type": "add_tag",
                            "config": {"tag": "vip"},
                            "when": {"deal.title": {"$contains": "Renewal"}},
                        },
                    ],
                },
                # Never taken: anything above 100,000 is above 50,000, and the first branch wins.
                {"when": {"deal.amount": {"$gt": 100000}}, "actions": []},
                {"when": {"deal.stage": {"$changed_from": "proposition"}}, "actions": []},
            ],
            "else": [{"type": "stop", "config": {"status": "skipped"}}],
        },
    ],
}


def test_every_reachable_alternative_is_taken_by_its_example_and_dead_ones_are_named(
    client: TestClient, tenant: Tenant
) -> None:
    first = simulate(client, tenant, {"definition": RICH})
    assert first["status"] == "completed", first["validation_errors"]
    checked = 0
    for point in first["branch_explorations"]:
        for alternative in point["alternatives"]:
            if not alternative["reachable"]:
                continue
            again = simulate(client, tenant, {"definition": RICH, **alternative["example"]})
            [same] = [p for p in again["branch_explorations"] if p["path"] == point["path"]]
            assert same["reached"] and same["taken"] == alternative["outcome"], (point, alternative)
            checked += 1
    route = next(p for p in first["branch_explorations"] if p["name"] == "route")
    dead = [a["outcome"] for a in route["alternatives"] if not a["reachable"]]
    assert dead == ["branch 1"]
    assert any(
        w["code"] == "unreachable_branch" and "branch 1" in w["message"] for w in first["warnings"]
    )
    # trigger 2 + conditions 2 + `big` 2 + route 3 reachable of 4 + `vip` 2
    assert checked == 11
