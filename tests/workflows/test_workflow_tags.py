"""Workflow tags: limits (422 naming the field), no new version, filter, counts, export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.workflows.factories import BIG_ORG_WORKFLOW, create_workflow

URL = "/api/v1/workflows"
JSON = {"Content-Type": "application/json"}


def _tagged(client: TestClient, tenant: Tenant, name: str, tags: list[str]) -> dict[str, Any]:
    return create_workflow(
        client, tenant.headers(), {**BIG_ORG_WORKFLOW, "name": name, "tags": tags}
    )


def _names(client: TestClient, tenant: Tenant, query: str) -> list[str]:
    response = client.get(f"{URL}?sort=name&{query}", headers=tenant.headers("viewer"))
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("tags", "loc"),
    [
        ([""], "tags[0]"),
        (["   "], "tags[0]"),
        (["x" * 41], "tags[0]"),
        (["ok", "bad\u0007bell"], "tags[1]"),
        (["a\u202eb"], "tags[0]"),
        (["north,south"], "tags[0]"),
        (["Sales", " sales "], "tags"),
        ([f"t{i}" for i in range(21)], "tags"),
        ("sales", "tags"),
        ([7], "tags[0]"),
    ],
)
def test_bad_tags_are_422_naming_the_field(
    client: TestClient, tenant: Tenant, tags: Any, loc: str
) -> None:
    body = {**BIG_ORG_WORKFLOW, "tags": tags}
    created = client.post(URL, json=body, headers=tenant.headers())
    assert created.status_code == 422, created.text
    assert [item["loc"] for item in created.json()["detail"]] == [loc]
    workflow = create_workflow(client, tenant.headers())
    updated = client.put(f"{URL}/{workflow['id']}", json={"tags": tags}, headers=tenant.headers())
    assert updated.status_code == 422, updated.text
    assert [item["loc"] for item in updated.json()["detail"]] == [loc]


def test_tags_are_trimmed_kept_in_order_and_make_no_new_version(
    client: TestClient, tenant: Tenant
) -> None:
    twenty = [f"t{i}" for i in range(20)]
    full = _tagged(client, tenant, "full", twenty)
    assert full["tags"] == twenty
    workflow = _tagged(client, tenant, "w", ["  Urgent ", "Été 2026"])
    assert workflow["tags"] == ["Urgent", "Été 2026"] and workflow["version"] == 1
    changed = client.put(
        f"{URL}/{workflow['id']}", json={"tags": ["Été 2026", "leads"]}, headers=tenant.headers()
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["tags"] == ["Été 2026", "leads"]
    assert changed.json()["version"] == 1  # metadata, like the name: no new version
    versions = client.get(f"{URL}/{workflow['id']}/versions", headers=tenant.headers()).json()
    assert len(versions["items"] if isinstance(versions, dict) else versions) == 1
    untouched = client.put(
        f"{URL}/{workflow['id']}", json={"description": "x"}, headers=tenant.headers()
    )
    assert untouched.json()["tags"] == ["Été 2026", "leads"]
    cleared = client.put(f"{URL}/{workflow['id']}", json={"tags": []}, headers=tenant.headers())
    assert cleared.json()["tags"] == []
    refused = client.put(f"{URL}/{workflow['id']}", json={"tags": None}, headers=tenant.headers())
    assert refused.status_code == 422 and "tags" in refused.text


def test_a_tag_takes_the_company_spelling(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _tagged(client, tenant, "first", ["Sales"])
    second = _tagged(client, tenant, "second", ["SALES", "new"])
    assert second["tags"] == ["Sales", "new"]
    elsewhere = create_workflow(
        client, other_tenant.headers(), {**BIG_ORG_WORKFLOW, "tags": ["SALES"]}
    )
    assert elsewhere["tags"] == ["SALES"]  # another company's spelling is its own


def test_filter_holds_every_tag_given_and_counts_per_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _tagged(client, tenant, "a", ["sales", "urgent"])
    _tagged(client, tenant, "b", ["Sales"])
    _tagged(client, tenant, "c", ["urgent"])
    _tagged(client, tenant, "d", [])
    create_workflow(client, other_tenant.headers(), {**BIG_ORG_WORKFLOW, "tags": ["sales", "x"]})
    assert _names(client, tenant, "tag=sales") == ["a", "b"]
    assert _names(client, tenant, "tag=SALES") == ["a", "b"]  # ignoring case
    assert _names(client, tenant, "tag=sales&tag=urgent") == ["a"]  # AND
    assert _names(client, tenant, "tag=sales,%20urgent") == ["a"]
    assert _names(client, tenant, "tag=x") == []  # the other company's tag
    assert _names(client, tenant, "tag=") == ["a", "b", "c", "d"]
    assert _names(client, tenant, "tag=urgent&status=draft") == ["a", "c"]
    counts = client.get(f"{URL}/tags", headers=tenant.headers("viewer"))
    assert counts.status_code == 200, counts.text
    assert counts.json() == [{"name": "sales", "count": 2}, {"name": "urgent", "count": 1 + 1}]
    too_long = client.get(f"{URL}?tag={'y' * 41}", headers=tenant.headers())
    assert too_long.status_code == 422 and "tag" in too_long.json()["detail"][0]["loc"]
    too_many = client.get(
        f"{URL}?tag={','.join(str(i) for i in range(21))}", headers=tenant.headers()
    )
    assert too_many.status_code == 422 and "tag" in too_many.json()["detail"][0]["loc"]


def test_tags_travel_with_export_import_and_duplicate(client: TestClient, tenant: Tenant) -> None:
    workflow = _tagged(client, tenant, "exported", ["b-tag", "A-tag"])
    first = client.get(f"{URL}/{workflow['id']}/export", headers=tenant.headers())
    assert json.loads(first.content)["workflows"][0]["tags"] == ["b-tag", "A-tag"]
    imported = client.post(f"{URL}/import", content=first.content, headers=JSON | tenant.headers())
    assert imported.status_code == 201, imported.text
    (copy,) = imported.json()
    assert copy["tags"] == ["b-tag", "A-tag"]
    again = client.get(f"{URL}/{copy['id']}/export", headers=tenant.headers())
    assert again.content == first.content
    duplicate = client.post(f"{URL}/{workflow['id']}/duplicate", headers=tenant.headers())
    assert duplicate.json()["tags"] == ["b-tag", "A-tag"]
    untagged = create_workflow(client, tenant.headers())
    export = client.get(f"{URL}/{untagged['id']}/export", headers=tenant.headers())
    assert "tags" not in json.loads(export.content)["workflows"][0]  # older files unchanged
    bad = json.loads(first.content)
    bad["workflows"][0]["tags"] = ["ok", "OK"]
    refused = client.post(f"{URL}/import", json=bad, headers=tenant.headers())
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == "workflows.0.tags", refused.text
    assert "'OK' is given twice" in refused.text


def test_deleting_a_workflow_removes_its_tags(client: TestClient, tenant: Tenant) -> None:
    workflow = _tagged(client, tenant, "gone", ["solo"])
    assert client.delete(f"{URL}/{workflow['id']}", headers=tenant.headers()).status_code == 204
    assert client.get(f"{URL}/tags", headers=tenant.headers()).json() == []
