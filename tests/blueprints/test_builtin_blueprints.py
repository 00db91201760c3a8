"""Each built-in blueprint instantiates into a valid workflow that does what its page says."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant

URL = "/api/v1/workflow/process-templates/"
SIMULATE = "/api/v1/workflow/workflow-simulations/"

# slug -> (inputs, a record that should start it, the steps that run, the steps skipped)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], list[str], list[str]]] = {
    "relance-deal-inactif": (
        {},
        {"pipeline_stage": "proposition"},
        ["Email au commercial", "Créer tâche de relance", "Notification warning"],
        [],
    ),
    "onboarding-nouveau-client": ({}, {"stage": "signed"}, [], []),
    "alerte-manager-deal-50k": ({}, {"potential_amount": 80000}, [], []),
    "passation-deal-signe": (
        {"client_tag": "client-2026"},
        {"stage": "signed", "amount": 12000, "organisation.name": "Acme"},
        ["Tâche de passation", "Étiqueter client", "Prévenir le manager"],
        [],
    ),
    "relance-lead-dormant": (
        {"days": 21},
        {"pipeline_stage": "qualification"},
        ["Étiqueter nurture", "Relancer le lead", "Attendre", "Rappel"],
        [],
    ),
    "rappel-renouvellement": (
        {"remind_after": "300 days"},
        {"stage": "signed"},
        ["Jusqu'au rappel", "Préparer le renouvellement", "Email au commercial"],
        [],
    ),
    "approbation-remise": (
        {"cfo_title": "director", "director_above": 20000},
        {"amount": 15000, "discount_percent": 25},
        ["Manager Approval", "Remise approuvée"],
        ["Director Approval", "CFO Approval"],
    ),
    "escalade-sla-deal": (
        {"days": 10, "stages": ["negotiation"]},
        {"stage": "negotiation", "amount": 30000},
        ["Alerte manager", "Tâche d'escalade", "Email au manager"],
        [],
    ),
}


def _blueprints(client: TestClient, tenant: Tenant) -> dict[str, dict[str, Any]]:
    items = client.get(URL, params={"size": 100}, headers=tenant.headers()).json()["items"]
    return {item["slug"]: item for item in items if item["builtin"]}


def test_every_builtin_has_a_case() -> None:
    from crmflow.blueprints.builtin import BUILTIN_BLUEPRINTS

    assert {b["slug"] for b in BUILTIN_BLUEPRINTS} == set(CASES)


@pytest.mark.parametrize("slug", sorted(CASES))
def test_a_builtin_instantiates_and_simulates_as_documented(
    client: TestClient, tenant: Tenant, slug: str
) -> None:
    inputs, record, ran, skipped = CASES[slug]
    blueprint = _blueprints(client, tenant)[slug]
    made = client.post(
        f"{URL}{blueprint['id']}/instantiate", json={"inputs": inputs}, headers=tenant.headers()
    )
    assert made.status_code == 201, made.text
    workflow = made.json()
    assert workflow["status"] == "draft" and workflow["trigger_type"] == blueprint["trigger_type"]
    assert workflow["template_slug"] == slug
    # No placeholder is left behind.
    assert "inputs." not in str(workflow["actions"]) + str(workflow["conditions"])
    assert "inputs." not in str(made.json()["warnings"])
    simulated = client.post(
        SIMULATE,
        json={"workflow_id": workflow["id"], "input_data": record},
        headers=tenant.headers(),
    )
    assert simulated.status_code == 201, simulated.text
    result = simulated.json()
    assert result["status"] == "completed", result
    statuses = {step["name"]: step["status"] for step in result["execution_path"]}
    for name in ran:
        assert statuses.get(name) in ("success", "waiting"), (name, str(result["execution_path"]))
    for name in skipped:
        assert statuses.get(name) == "skipped", (name, statuses)


def test_the_remise_blueprint_follows_the_amount_like_the_seed_example(
    client: TestClient, tenant: Tenant
) -> None:
    blueprint = _blueprints(client, tenant)["approbation-remise"]
    workflow = client.post(
        f"{URL}{blueprint['id']}/instantiate",
        json={"inputs": {"cfo_title": "director"}},
        headers=tenant.headers(),
    ).json()

    def chain(amount: int) -> list[list[str]]:
        result = client.post(
            SIMULATE,
            json={
                "workflow_id": workflow["id"],
                "input_data": {"amount": amount, "discount_percent": 20},
            },
            headers=tenant.headers(),
        ).json()
        return [level["approvers"] for level in result["approval_chain"]]

    assert chain(5000) == [["manager"]]
    assert chain(75000) == [["manager"], ["title:director"], ["title:director"]]
