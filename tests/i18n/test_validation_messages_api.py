"""Error messages through the API: in French when the request asks for it (the UI sends
`Accept-Language`), with `loc`, `type` and `ctx` unchanged; in English otherwise, as before."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.sla.support import FIVE_MINUTES, SLAS
from tests.workflows.factories import BIG_ORG_WORKFLOW
from tests.workflows.test_definition_errors import CASES

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
# Types the UI words itself from `type` and `ctx` (api/problems.ts): their `msg` may stay English.
WORDED_BY_THE_UI = {"enum", "literal_error", "list_type", "string_too_short", "missing"}


def _items(response: Any) -> list[dict[str, Any]]:
    detail = response.json()["detail"]
    assert isinstance(detail, list), response.text
    return detail


def _same_but_the_message(english: dict[str, Any], french: dict[str, Any]) -> str:
    """Check loc/type/ctx/info are equal and the prefix kept; return the French sentence."""
    assert {k: v for k, v in english.items() if k != "msg"} == {
        k: v for k, v in french.items() if k != "msg"
    }
    prefix = f"{english['loc'] or 'body'}: "
    assert english["msg"].startswith(prefix) and french["msg"].startswith(prefix), french
    return str(french["msg"][len(prefix) :])


@pytest.mark.parametrize(("label", "body", "path"), CASES, ids=[c[0] for c in CASES])
def test_definition_errors_read_in_french(
    client: TestClient, tenant: Tenant, label: str, body: dict[str, Any], path: str
) -> None:
    english = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    french = client.post("/api/v1/workflows", json=body, headers={**tenant.headers(), **FRENCH})
    assert english.status_code == french.status_code == 422, label
    for en_item, fr_item in zip(_items(english), _items(french), strict=True):
        sentence = _same_but_the_message(en_item, fr_item)
        if en_item["type"] not in WORDED_BY_THE_UI:
            assert fr_item["msg"] != en_item["msg"], (label, en_item["msg"])
            assert not sentence.startswith(("unknown", "invalid", "expected", "Input")), sentence


def test_a_definition_error_in_words(client: TestClient, tenant: Tenant) -> None:
    body = {**BIG_ORG_WORKFLOW, "actions": [{"type": "delay", "config": {"duration": "soon"}}]}
    french = client.post("/api/v1/workflows", json=body, headers={**tenant.headers(), **FRENCH})
    [item] = _items(french)
    assert item["loc"] == "actions[0].config.duration" and item["type"] == "value_error"
    assert item["msg"] == (
        "actions[0].config.duration: Value error, durée invalide 'soon' : saisissez une durée "
        "positive comme '3 days', '2h', '1d 2h', '90 minutes', une durée ISO 8601 (P3D, "
        "PT2H30M) ou un nombre de secondes"
    )


def _workflow(client: TestClient, tenant: Tenant) -> int:
    response = client.post("/api/v1/workflows", json=BIG_ORG_WORKFLOW, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_sla_form_errors_read_in_french(client: TestClient, tenant: Tenant) -> None:
    workflow_id = _workflow(client, tenant)
    order = {**FIVE_MINUTES, "workflow_id": workflow_id, "warning_threshold_seconds": 400}
    english = client.post(SLAS, json=order, headers=tenant.headers())
    french = client.post(SLAS, json=order, headers={**tenant.headers(), **FRENCH})
    assert english.status_code == french.status_code == 422
    assert english.json()["detail"] == [
        {
            "msg": "warning_threshold_seconds: must not be above critical_threshold_seconds "
            "(400.0 > 300.0)",
            "loc": "warning_threshold_seconds",
            "type": "value_error",
        }
    ]
    [item] = _items(french)
    assert _same_but_the_message(english.json()["detail"][0], item) == (
        "ne doit pas dépasser critical_threshold_seconds (400.0 > 300.0)"
    )
    step = {**FIVE_MINUTES, "workflow_id": workflow_id, "step_path": "actions/7"}
    [missing] = _items(client.post(SLAS, json=step, headers={**tenant.headers(), **FRENCH}))
    assert missing["loc"] == "step_path"
    assert missing["msg"].startswith(f"step_path: le workflow {workflow_id} n'a pas d'étape "), (
        missing
    )


def test_crm_errors_read_in_french(client: TestClient, tenant: Tenant) -> None:
    deal = {"title": "Renewal", "organisation_id": 424242}
    english = client.post("/api/v1/deals", json=deal, headers=tenant.headers())
    french = client.post("/api/v1/deals", json=deal, headers={**tenant.headers(), **FRENCH})
    assert english.status_code == french.status_code == 422
    [en_item], [fr_item] = _items(english), _items(french)
    assert en_item["msg"] == "organisation_id: no organisation 424242 in this company"
    assert _same_but_the_message(en_item, fr_item) == (
        "organisation 424242 introuvable dans votre entreprise"
    )
    owner = {"name": "Acme", "owner_id": 999999}
    [unknown] = _items(
        client.post("/api/v1/organisations", json=owner, headers={**tenant.headers(), **FRENCH})
    )
    assert unknown == {
        "msg": "owner_id: aucun utilisateur 999999 dans votre entreprise",
        "loc": "owner_id",
        "type": "value_error",
    }


def test_not_found_and_refusals_read_in_french(client: TestClient, tenant: Tenant) -> None:
    url = "/api/v1/workflows/999999"
    assert client.get(url, headers=tenant.headers()).json() == {
        "detail": "workflow 999999 not found"
    }
    missing = client.get(url, headers={**tenant.headers(), **FRENCH})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "workflow 999999 introuvable"}
    # FastAPI's own refusals (HTTPException) keep their status and headers.
    viewer = client.post(
        "/api/v1/workflows", json=BIG_ORG_WORKFLOW, headers={**tenant.headers("viewer"), **FRENCH}
    )
    assert viewer.status_code == 403
    assert viewer.json() == {"detail": "votre rôle (lecteur) ne permet pas de modifier les données"}
    anonymous = client.get("/api/v1/workflows", headers=FRENCH)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert anonymous.json()["detail"].startswith("jeton Bearer")
    method = client.delete("/api/v1/workflows", headers={**tenant.headers(), **FRENCH})
    assert method.status_code == 405 and "GET" in method.headers["Allow"]
    assert method.json() == {"detail": "Méthode non autorisée"}
    english = client.get("/api/v1/workflows")
    assert english.json() == {
        "detail": "missing Bearer token (Authorization: Bearer <token>) or session cookie"
    }


def test_an_english_or_unknown_language_is_answered_in_english(
    client: TestClient, tenant: Tenant
) -> None:
    body = {**BIG_ORG_WORKFLOW, "actions": [{"type": "send_fax"}]}
    plain = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    for language in ("en-GB", "de-DE", "fr;q=0"):
        other = client.post(
            "/api/v1/workflows",
            json=body,
            headers={**tenant.headers(), "Accept-Language": language},
        )
        assert other.content == plain.content, language
    assert plain.json()["detail"][0]["msg"].startswith("actions[0].type: unknown action type")
