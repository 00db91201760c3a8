"""POST /workflows/bulk (per-id results, company-scoped, limits) and POST /workflows/export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from tests.conftest import Tenant
from tests.workflows.factories import BIG_ORG_WORKFLOW, create_workflow

URL = "/api/v1/workflows"
JSON = {"Content-Type": "application/json"}


def _bulk(client: TestClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = client.post(f"{URL}/bulk", json=body, headers=tenant.headers("editor"))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _get(client: TestClient, tenant: Tenant, workflow_id: int) -> dict[str, Any]:
    response = client.get(f"{URL}/{workflow_id}", headers=tenant.headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _three(client: TestClient, tenant: Tenant) -> list[int]:
    return [
        create_workflow(client, tenant.headers(), {**BIG_ORG_WORKFLOW, "name": f"w{i}"})["id"]
        for i in range(3)
    ]


def test_activate_then_deactivate_each_with_results(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    ids = _three(client, tenant)
    foreign = create_workflow(client, other_tenant.headers())["id"]
    done = _bulk(client, tenant, ids=[*ids, foreign, ids[0], 999999], action="activate")
    assert (done["action"], done["succeeded"], done["failed"]) == ("activate", 3, 2)
    assert done["results"][:3] == [
        {"id": ids[i], "ok": True, "name": f"w{i}", "error": None} for i in range(3)
    ]
    # Each id once; another company's id is "not found", its name never shown.
    assert done["results"][3:] == [
        {"id": foreign, "ok": False, "name": None, "error": f"workflow {foreign} not found"},
        {"id": 999999, "ok": False, "name": None, "error": "workflow 999999 not found"},
    ]
    assert {_get(client, tenant, i)["status"] for i in ids} == {"active"}
    assert _get(client, other_tenant, foreign)["status"] == "draft"
    off = _bulk(client, tenant, ids=ids[:2], action="deactivate")
    assert off["succeeded"] == 2
    assert [_get(client, tenant, i)["status"] for i in ids] == ["inactive", "inactive", "active"]


def test_activation_checks_the_definition_like_the_single_endpoint(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    approval = {
        **BIG_ORG_WORKFLOW,
        "name": "needs a director",
        "actions": [{"type": "approval", "config": {"approvers": ["title:director"]}}],
    }
    blocked = create_workflow(client, tenant.headers(), approval)["id"]
    fine = create_workflow(client, tenant.headers())["id"]
    writer_session.execute(
        update(User).where(User.id == tenant.director_id).values(is_active=False)
    )
    writer_session.commit()
    done = _bulk(client, tenant, ids=[blocked, fine], action="activate")
    assert done["succeeded"] == 1
    failure = done["results"][0]
    assert failure["ok"] is False and failure["name"] == "needs a director"
    assert "actions[0]" in failure["error"] and "director" in failure["error"], failure
    assert _get(client, tenant, blocked)["status"] == "draft"
    single = client.post(f"{URL}/{blocked}/activate", headers=tenant.headers())
    assert single.status_code == 422 and failure["error"] in single.text


def test_tag_actions_and_delete(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    ids = _three(client, tenant)
    foreign = create_workflow(
        client, other_tenant.headers(), {**BIG_ORG_WORKFLOW, "tags": ["keep"]}
    )["id"]
    client.put(f"{URL}/{ids[0]}", json={"tags": ["Hot"]}, headers=tenant.headers())
    added = _bulk(client, tenant, ids=[*ids, foreign], action="add_tag", tag=" hot ")
    assert added["succeeded"] == 3 and added["failed"] == 1
    assert [_get(client, tenant, i)["tags"] for i in ids] == [["Hot"], ["Hot"], ["Hot"]]
    assert _get(client, other_tenant, foreign)["tags"] == ["keep"]
    assert [_get(client, tenant, i)["version"] for i in ids] == [1, 1, 1]
    removed = _bulk(client, tenant, ids=ids[1:], action="remove_tag", tag="HOT")
    assert removed["succeeded"] == 2
    assert [_get(client, tenant, i)["tags"] for i in ids] == [["Hot"], [], []]
    deleted = _bulk(client, tenant, ids=[ids[0], ids[1], foreign], action="delete")
    assert [r["ok"] for r in deleted["results"]] == [True, True, False]
    assert client.get(f"{URL}/{ids[0]}", headers=tenant.headers()).status_code == 404
    assert _get(client, tenant, ids[2])["name"] == "w2"
    assert _get(client, other_tenant, foreign)["id"] == foreign


def test_adding_a_21st_tag_fails_for_that_workflow_only(client: TestClient, tenant: Tenant) -> None:
    full = create_workflow(
        client, tenant.headers(), {**BIG_ORG_WORKFLOW, "tags": [f"t{i}" for i in range(20)]}
    )["id"]
    other = create_workflow(client, tenant.headers())["id"]
    done = _bulk(client, tenant, ids=[full, other], action="add_tag", tag="one more")
    assert done["results"][0]["ok"] is False and "20" in done["results"][0]["error"]
    assert done["results"][1]["ok"] is True
    again = _bulk(client, tenant, ids=[full], action="add_tag", tag="T3")
    assert again["succeeded"] == 1  # holds it already: nothing to add
    assert len(_get(client, tenant, full)["tags"]) == 20


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"ids": [], "action": "delete"}, "ids"),
        ({"ids": list(range(1, 502)), "action": "delete"}, "ids"),
        ({"ids": [1], "action": "archive"}, "action"),
        ({"ids": [1], "action": "add_tag"}, "tag"),
        ({"ids": [1], "action": "remove_tag", "tag": "  "}, "tag"),
        ({"ids": [1], "action": "delete", "tag": "x"}, "tag"),
        ({"ids": [1], "action": "add_tag", "tag": "a,b"}, "tag"),
        ({"ids": ["x"], "action": "delete"}, "ids[0]"),
        ({"ids": [1], "action": "delete", "force": True}, "force"),
    ],
)
def test_bad_bulk_requests_are_422_naming_the_field(
    client: TestClient, tenant: Tenant, body: dict[str, Any], loc: str
) -> None:
    response = client.post(f"{URL}/bulk", json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert [item["loc"] for item in response.json()["detail"]] == [loc]


def test_five_hundred_ids_are_accepted_and_viewers_are_refused(
    client: TestClient, tenant: Tenant
) -> None:
    done = _bulk(client, tenant, ids=list(range(1_000_000, 1_000_500)), action="deactivate")
    assert done["failed"] == 500 and len(done["results"]) == 500
    viewer = client.post(
        f"{URL}/bulk", json={"ids": [1], "action": "delete"}, headers=tenant.headers("viewer")
    )
    assert viewer.status_code == 403


def test_export_of_several_is_one_importable_file(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    ids = _three(client, tenant)
    client.put(f"{URL}/{ids[2]}", json={"tags": ["x"]}, headers=tenant.headers())
    response = client.post(
        f"{URL}/export", json={"ids": [ids[2], ids[0]]}, headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert [w["name"] for w in document["workflows"]] == ["w2", "w0"]
    single = client.get(f"{URL}/{ids[2]}/export", headers=tenant.headers())
    assert document["workflows"][0] == json.loads(single.content)["workflows"][0]
    imported = client.post(
        f"{URL}/import", content=response.content, headers=JSON | other_tenant.headers()
    )
    assert imported.status_code == 201, imported.text
    assert [(w["name"], w["tags"]) for w in imported.json()] == [("w2", ["x"]), ("w0", [])]
    foreign = imported.json()[0]["id"]
    missing = client.post(
        f"{URL}/export", json={"ids": [ids[0], foreign]}, headers=tenant.headers()
    )
    assert missing.status_code == 404 and str(foreign) in missing.text
    too_many = client.post(
        f"{URL}/export", json={"ids": list(range(1, 102))}, headers=tenant.headers()
    )
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["loc"] == "ids"
