"""Contacts and deals through the HTTP API: CRUD, references, stage events."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.crm.factories import contact, deal, detail_text, events, organisation, total

CONTACTS = "/api/v1/contacts"
DEALS = "/api/v1/deals"


def test_contact_crud_emits_no_events(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    org = organisation(client, headers)
    person = contact(
        client,
        headers,
        email="ADA@Example.com",
        organisation_id=org["id"],
        job_title="CTO",
        tags=["Decision maker"],
    )
    assert person["organisation_id"] == org["id"] and person["owner_id"] == tenant.editor_id
    assert person["tags"] == ["decision maker"]
    patched = client.patch(
        f"{CONTACTS}/{person['id']}",
        json={"phone": "+33 1 23", "last_name": "King"},
        headers=headers,
    )
    assert patched.status_code == 200 and patched.json()["last_name"] == "King"
    listed = client.get(
        CONTACTS, params={"q": "king", "organisation_id": org["id"]}, headers=headers
    ).json()
    assert [c["id"] for c in listed["items"]] == [person["id"]]
    assert [e["type"] for e in events(client, headers)] == ["organisation_created"]
    assert client.delete(f"{CONTACTS}/{person['id']}", headers=headers).status_code == 204
    assert total(client, headers, "contact") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "", "last_name": ""}, "first_name"),
        ({"first_name": "A", "organisation_id": 424242}, "organisation_id"),
        ({"first_name": "A", "email": "nope"}, "email"),
        ({"first_name": "A", "phone": "1" * 51}, "phone"),
        ({"first_name": ["A"]}, "first_name"),
    ],
)
def test_contact_rejects_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = client.post(CONTACTS, json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert field in detail_text(response)
    assert total(client, tenant.headers(), "contact") == 0


def test_deleting_an_organisation_unlinks_its_contacts_and_deals(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers()
    org = organisation(client, headers)
    person = contact(client, headers, organisation_id=org["id"])
    sale = deal(client, headers, organisation_id=org["id"], contact_id=person["id"])
    assert client.delete(f"/api/v1/organisations/{org['id']}", headers=headers).status_code == 204
    assert (
        client.get(f"{CONTACTS}/{person['id']}", headers=headers).json()["organisation_id"] is None
    )
    assert client.get(f"{DEALS}/{sale['id']}", headers=headers).json()["organisation_id"] is None


def test_deal_crud_and_filters(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    org = organisation(client, headers)
    person = contact(client, headers, organisation_id=org["id"])
    sale = deal(
        client,
        headers,
        amount=50000,
        discount_percent=12.5,
        organisation_id=org["id"],
        contact_id=person["id"],
        close_date="2030-01-31",
    )
    assert sale["stage"] == "qualification"
    assert sale["close_date"] == "2030-01-31T00:00:00Z"
    assert sale["owner_id"] == tenant.editor_id
    other = deal(client, headers, title="Small", stage="Proposal", owner_id=tenant.admin_id)

    def ids(**params: Any) -> list[int]:
        return [d["id"] for d in client.get(DEALS, params=params, headers=headers).json()["items"]]

    assert ids(stage="PROPOSAL") == [other["id"]]
    assert ids(organisation_id=org["id"]) == [sale["id"]]
    assert ids(owner_id=tenant.admin_id) == [other["id"]]
    assert ids(contact_id=person["id"]) == [sale["id"]]
    assert ids(sort="amount") == [sale["id"], other["id"]]  # nulls last
    assert ids(sort="title") == [sale["id"], other["id"]]
    assert client.delete(f"{DEALS}/{other['id']}", headers=headers).status_code == 204
    assert ids() == [sale["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "D", "amount": -0.01}, "amount"),
        ({"title": "D", "discount_percent": 100.5}, "discount_percent"),
        ({"title": "D", "discount_percent": -1}, "discount_percent"),
        ({"title": "D", "stage": ""}, "stage"),
        ({"title": "D", "close_date": "someday"}, "close_date"),
        ({"title": "D", "contact_id": 31337}, "contact_id"),
        ({"amount": 5}, "title"),
    ],
)
def test_deal_rejects_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = client.post(DEALS, json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert field in detail_text(response)
    assert total(client, tenant.headers(), "deal") == 0
    assert events(client, tenant.headers()) == []


def test_deal_with_another_companys_organisation_is_rejected(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = organisation(client, other_tenant.headers())
    response = client.post(
        DEALS, json={"title": "D", "organisation_id": theirs["id"]}, headers=tenant.headers()
    )
    assert response.status_code == 422
    assert detail_text(response).count(f"organisation_id: no organisation {theirs['id']}") == 1
    mine = deal(client, tenant.headers())
    patch = client.patch(
        f"{DEALS}/{mine['id']}", json={"organisation_id": theirs["id"]}, headers=tenant.headers()
    )
    assert patch.status_code == 422 and "organisation_id" in detail_text(patch)


def test_stage_change_records_update_and_stage_events(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    sale = deal(client, headers, amount=1000)
    response = client.patch(
        f"{DEALS}/{sale['id']}", json={"stage": "Negotiation", "amount": 1500}, headers=headers
    )
    assert response.status_code == 200 and response.json()["stage"] == "negotiation"
    recorded = events(client, headers)
    assert [e["type"] for e in recorded] == ["deal_created", "deal_updated", "deal_stage_changed"]
    expected = {"stage": ["qualification", "negotiation"], "amount": [1000.0, 1500.0]}
    for event in recorded[1:]:
        assert event["changes"] == expected
        assert event["payload"]["stage"] == "negotiation"
        assert (event["entity_type"], event["entity_id"]) == ("deal", sale["id"])

    client.patch(f"{DEALS}/{sale['id']}", json={"amount": 2000}, headers=headers)
    client.patch(f"{DEALS}/{sale['id']}", json={"stage": "NEGOTIATION"}, headers=headers)  # no-op
    assert [e["type"] for e in events(client, headers)][3:] == ["deal_updated"]
