"""Organisations through the HTTP API: CRUD, filters, pagination, bad input, events."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.crm.factories import detail_text, events, organisation, total

URL = "/api/v1/organisations"


def test_crud_round_trip(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    created = organisation(
        client,
        headers,
        name="  Acme Corp ",
        category="Institutional",
        pipeline_stage="LEAD",
        potential_amount="75000",
        email="hello@acme.test",
        tags=["VIP", " vip ", "Partner"],
        custom_fields={"segment": "b2b"},
    )
    assert created["name"] == "Acme Corp"
    assert created["category"] == "institutional" and created["pipeline_stage"] == "lead"
    assert created["potential_amount"] == 75000.0
    assert created["owner_id"] == tenant.editor_id  # defaults to the caller
    assert created["tags"] == ["vip", "partner"]
    assert created["custom_fields"] == {"segment": "b2b"}
    assert created["created_at"].endswith("Z")
    assert "company_id" not in created

    got = client.get(f"{URL}/{created['id']}", headers=tenant.headers("viewer"))
    assert got.status_code == 200 and got.json() == created

    patched = client.patch(
        f"{URL}/{created['id']}", json={"name": "Acme SA", "owner_id": None}, headers=headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Acme SA" and patched.json()["owner_id"] is None
    assert patched.json()["category"] == "institutional"  # untouched fields stay

    assert client.delete(f"{URL}/{created['id']}", headers=headers).status_code == 204
    assert client.get(f"{URL}/{created['id']}", headers=headers).status_code == 404
    assert client.delete(f"{URL}/{created['id']}", headers=headers).status_code == 404


def test_list_filters_and_sort(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    a = organisation(
        client,
        headers,
        name="Alpha Bank",
        category="bank",
        tags=["vip"],
        owner_id=tenant.editor_id,
        pipeline_stage="won",
    )
    b = organisation(client, headers, name="beta insurance", category="insurer", tags=["vip_x"])
    c = organisation(client, headers, name="Gamma 100%", category="bank")

    def ids(**params: Any) -> list[int]:
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [c["id"], b["id"], a["id"]]  # newest first
    assert ids(sort="name") == [a["id"], b["id"], c["id"]]
    assert ids(sort="-name") == [c["id"], b["id"], a["id"]]
    assert ids(q="BANK") == [a["id"]]
    assert ids(q="100%") == [c["id"]]  # LIKE wildcards are literal
    assert ids(q="_") == []
    assert ids(category="BANK") == [c["id"], a["id"]]
    assert ids(owner_id=tenant.editor_id) == [a["id"]]
    assert ids(pipeline_stage="Won") == [a["id"]]
    assert ids(tag="VIP") == [a["id"]]  # exact tag, not a prefix of vip_x
    assert ids(tag="vip_x") == [b["id"]]
    bad = client.get(URL, params={"sort": "password"}, headers=headers)
    assert bad.status_code == 422 and "sort" in detail_text(bad)


def test_pagination(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    for n in range(5):
        organisation(client, headers, name=f"Org {n}")
    page = client.get(URL, params={"page": 3, "size": 2, "sort": "name"}, headers=headers).json()
    assert (page["total"], page["page"], page["size"], page["pages"]) == (5, 3, 2, 3)
    assert [item["name"] for item in page["items"]] == ["Org 4"]
    beyond = client.get(URL, params={"page": 9, "size": 2}, headers=headers).json()
    assert beyond["items"] == [] and beyond["total"] == 5
    for params in ({"page": 0}, {"size": 0}, {"size": 501}, {"page": "x"}):
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 422, params


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"name": 12}, "name"),
        ({"name": "A", "potential_amount": -1}, "potential_amount"),
        ({"name": "A", "potential_amount": "lots"}, "potential_amount"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A", "tags": "vip"}, "tags"),
        ({"name": "A", "tags": [""]}, "tags"),
        ({"name": "A", "custom_fields": []}, "custom_fields"),
        ({"name": "A", "custom_fields": {"bad key!": 1}}, "custom_fields"),
        ({"name": "A", "owner_id": "me"}, "owner_id"),
        ({"name": "A", "owner_id": 999999}, "owner_id"),
        ({"name": "A", "owner_id": 2**70}, "owner_id"),
        ({"name": "A", "unknown": 1}, "unknown"),
    ],
)
def test_create_rejects_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    headers = tenant.headers()
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert field in detail_text(response)
    assert total(client, headers, "organisation") == 0
    assert events(client, headers) == []


def test_create_rejects_malformed_json_and_foreign_owner(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    headers = tenant.headers()
    malformed = client.post(
        URL, content=b'{"name": "A",', headers={**headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 422
    not_object = client.post(URL, json=["A"], headers=headers)
    assert not_object.status_code == 422
    foreign = client.post(
        URL, json={"name": "A", "owner_id": other_tenant.admin_id}, headers=headers
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["msg"] == (
        f"owner_id: no user {other_tenant.admin_id} in this company"
    )
    assert total(client, headers, "organisation") == 0
    assert events(client, headers) == []


def test_patch_rejects_bad_input_without_writing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    headers = tenant.headers()
    org = organisation(client, headers, potential_amount=10)
    before = events(client, headers)
    for body, field in [
        ({"owner_id": other_tenant.editor_id}, "owner_id"),
        ({"name": "Renamed", "potential_amount": -5}, "potential_amount"),
        ({"name": None}, "name"),
        ({"tags": None}, "tags"),
        ({"name": "Renamed", "nope": True}, "nope"),
    ]:
        response = client.patch(f"{URL}/{org['id']}", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert field in detail_text(response)
    assert client.get(f"{URL}/{org['id']}", headers=headers).json() == org
    assert events(client, headers) == before
    missing = client.patch(f"{URL}/999999", json={"name": "x"}, headers=headers)
    assert missing.status_code == 404


def test_create_and_update_record_events(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    org = organisation(client, headers, name="Acme", potential_amount=1000)
    [created] = events(client, headers)
    assert created["type"] == "organisation_created"
    assert (created["entity_type"], created["entity_id"]) == ("organisation", org["id"])
    assert created["actor_user_id"] == tenant.editor_id
    assert created["source"] == "crm" and created["causation_depth"] == 0
    assert created["dispatched_at"] is None  # no runtime in these tests
    payload = created["payload"]
    assert payload["name"] == "Acme" and payload["potential_amount"] == 1000.0
    assert payload["id"] == org["id"] and payload["company_id"] == tenant.company_id
    assert payload["created_at"].endswith("Z") and payload["last_activity_at"] is None

    response = client.patch(
        f"{URL}/{org['id']}",
        json={"potential_amount": "75000", "name": "Acme", "custom_fields": {"tier": 1}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    updated = events(client, headers, type="organisation_updated")
    assert len(updated) == 1
    assert updated[0]["changes"] == {
        "potential_amount": [1000.0, 75000.0],
        "custom_fields.tier": [None, 1],
    }
    assert updated[0]["payload"]["potential_amount"] == 75000.0
    assert updated[0]["payload"]["updated_at"] == response.json()["updated_at"]


def test_noop_update_records_nothing(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    org = organisation(client, headers, name="Acme", category="bank", tags=["a"])
    for body in (
        {},
        {"name": "Acme", "category": "BANK", "tags": ["A"]},
        {"custom_fields": {"missing": None}},
    ):
        response = client.patch(f"{URL}/{org['id']}", json=body, headers=headers)
        assert response.status_code == 200
        assert response.json()["updated_at"] == org["updated_at"]
    assert [e["type"] for e in events(client, headers)] == ["organisation_created"]


def test_custom_fields_are_merged(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    org = organisation(client, headers, custom_fields={"a": 1, "b": {"x": [1, 2]}})
    merged = client.patch(
        f"{URL}/{org['id']}", json={"custom_fields": {"a": None, "c": "new"}}, headers=headers
    ).json()
    assert merged["custom_fields"] == {"b": {"x": [1, 2]}, "c": "new"}
    [update] = events(client, headers, type="organisation_updated")
    assert update["changes"] == {"custom_fields.a": [1, None], "custom_fields.c": [None, "new"]}
    cleared = client.patch(f"{URL}/{org['id']}", json={"custom_fields": None}, headers=headers)
    assert cleared.json()["custom_fields"] == {}


def test_viewer_cannot_write(client: TestClient, tenant: Tenant) -> None:
    org = organisation(client, tenant.headers())
    viewer = tenant.headers("viewer")
    assert client.post(URL, json={"name": "X"}, headers=viewer).status_code == 403
    assert client.patch(f"{URL}/{org['id']}", json={"name": "X"}, headers=viewer).status_code == 403
    assert client.delete(f"{URL}/{org['id']}", headers=viewer).status_code == 403
    assert client.get(f"{URL}/{org['id']}", headers=viewer).json()["name"] == "Initech"
