"""POST /events (inbound, idempotent) and the event list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.crm.factories import deal, detail_text, events, organisation

URL = "/api/v1/events"


def test_send_known_and_custom_events(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    org = organisation(client, headers)
    response = client.post(
        URL,
        json={
            "type": "Webhook_Received",
            "entity_type": "organisation",
            "entity_id": org["id"],
            "payload": {"source": "stripe"},
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["type"] == "webhook_received" and event["source"] == "api"
    assert event["payload"] == {"source": "stripe"}
    assert event["actor_user_id"] == tenant.editor_id and event["causation_depth"] == 0
    assert event["dispatched_at"] is None

    custom = client.post(
        URL, json={"type": "invoice.paid", "changes": {"status": ["due", "paid"]}}, headers=headers
    )
    assert custom.status_code == 201 and custom.json()["changes"] == {"status": ["due", "paid"]}
    # Without a payload, an event about a record carries the record's snapshot.
    snap = client.post(
        URL,
        json={"type": "deal_updated", "entity_type": "organisation", "entity_id": org["id"]},
        headers=headers,
    ).json()
    assert snap["payload"]["name"] == org["name"] and snap["payload"]["id"] == org["id"]
    assert client.get(f"{URL}/{event['id']}", headers=headers).json() == event


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "scheduled"}, "type"),
        ({"type": "MANUAL"}, "type"),
        ({"type": "inactivity_delay"}, "type"),
        ({"type": "x"}, "type"),
        ({"type": "has space"}, "type"),
        ({"type": "9lives"}, "type"),
        ({"type": "a" * 61}, "type"),
        ({}, "type"),
        ({"type": "ping", "entity_type": "deal"}, "entity_id"),
        ({"type": "ping", "entity_id": 1}, "entity_type"),
        ({"type": "ping", "entity_type": "planet", "entity_id": 1}, "entity_type"),
        ({"type": "ping", "entity_type": "deal", "entity_id": 987654}, "entity_id"),
        ({"type": "ping", "payload": [1]}, "payload"),
        ({"type": "ping", "changes": {"stage": "won"}}, "changes.stage"),
        ({"type": "ping", "idempotency_key": ""}, "idempotency_key"),
        ({"type": "ping", "extra": 1}, "extra"),
    ],
)
def test_send_rejects_bad_events(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = client.post(URL, json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert field in detail_text(response)
    assert events(client, tenant.headers()) == []


def test_event_about_another_companys_record_is_rejected(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = deal(client, other_tenant.headers())
    response = client.post(
        URL,
        json={"type": "ping", "entity_type": "deal", "entity_id": theirs["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 422
    assert f"entity_id: no deal {theirs['id']} in this company" in detail_text(response)


def test_idempotency_key_in_body_or_header(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    first = client.post(
        URL,
        json={"type": "invoice.paid", "idempotency_key": "inv-1", "payload": {"n": 1}},
        headers=headers,
    )
    assert first.status_code == 201 and "Idempotent-Replay" not in first.headers
    replay = client.post(
        URL,
        json={"type": "invoice.paid", "payload": {"n": 2}},
        headers={**headers, "Idempotency-Key": "inv-1"},
    )
    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replay"] == "true"
    assert replay.json() == first.json()  # the first event, not the second body
    assert len(events(client, headers)) == 1
    mismatch = client.post(
        URL,
        json={"type": "ping", "idempotency_key": "a"},
        headers={**headers, "Idempotency-Key": "b"},
    )
    assert mismatch.status_code == 422 and "idempotency_key" in detail_text(mismatch)


def test_idempotency_keys_are_per_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    body = {"type": "ping", "idempotency_key": "same"}
    assert client.post(URL, json=body, headers=tenant.headers()).status_code == 201
    assert client.post(URL, json=body, headers=other_tenant.headers()).status_code == 201


def test_concurrent_sends_with_one_key_record_one_event(client: TestClient, tenant: Tenant) -> None:
    headers = {**tenant.headers(), "Idempotency-Key": "race"}

    def send(_: int) -> tuple[int, int]:
        response = client.post(URL, json={"type": "ping"}, headers=headers)
        return response.status_code, response.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(16)))
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 15
    assert len({event_id for _, event_id in results}) == 1
    assert len(events(client, tenant.headers())) == 1


def test_list_filters(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    org = organisation(client, headers)
    sale = deal(client, headers)
    client.post(URL, json={"type": "ping"}, headers=headers)

    def types(**params: Any) -> list[str]:
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [e["type"] for e in response.json()["items"]]

    assert types() == ["ping", "deal_created", "organisation_created"]
    assert types(type="DEAL_CREATED") == ["deal_created"]
    assert types(entity_type="organisation", entity_id=org["id"]) == ["organisation_created"]
    assert types(entity_type="deal", entity_id=sale["id"]) == ["deal_created"]
    assert types(dispatched=False) == ["ping", "deal_created", "organisation_created"]
    assert types(dispatched=True) == []
    page = client.get(URL, params={"size": 2, "page": 2}, headers=headers).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert client.get(f"{URL}/999999", headers=headers).status_code == 404


def test_viewer_cannot_send_events(client: TestClient, tenant: Tenant) -> None:
    response = client.post(URL, json={"type": "ping"}, headers=tenant.headers("viewer"))
    assert response.status_code == 403
    assert client.get(URL, headers=tenant.headers("viewer")).status_code == 200
