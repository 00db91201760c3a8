"""Version history: the readable diff (steps added, removed, moved, changed field by field)
and restoring an old version as a new one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.workflows.factories import create_workflow

V1 = {
    "name": "Onboarding",
    "trigger_type": "organisation_created",
    "actions": [
        {
            "id": "welcome",
            "name": "Welcome",
            "type": "send_email",
            "config": {"to": "owner", "subject": "Welcome"},
        },
        {"name": "Call", "type": "create_task", "config": {"title": "Call them"}},
        {"name": "Tag", "type": "add_tag", "config": {"tag": "new"}},
        {
            "type": "call_webhook",
            "config": {
                "url": "https://erp.example.com/x",
                "headers": {"Authorization": "Bearer s3cret"},
            },
        },
    ],
}
V2_ACTIONS = [
    {
        "name": "Call",
        "type": "create_task",
        "config": {"title": "Call them today", "priority": "high"},
    },
    {
        "id": "welcome",
        "name": "Welcome",
        "type": "send_email",
        "config": {"to": "owner", "subject": "Welcome aboard"},
    },
    {"name": "Notify", "type": "send_notification", "config": {"message": "new customer"}},
    {
        "type": "call_webhook",
        "config": {"url": "https://erp.example.com/y", "headers": {"Authorization": "Bearer n3w"}},
    },
]


def _put(client: TestClient, tenant: Tenant, workflow_id: int, body: dict[str, Any]) -> None:
    response = client.put(f"/api/v1/workflows/{workflow_id}", json=body, headers=tenant.headers())
    assert response.status_code == 200, response.text


def test_the_diff_names_steps_added_removed_moved_and_changed(
    client: TestClient, tenant: Tenant
) -> None:
    workflow = create_workflow(client, tenant.headers(), V1)
    _put(
        client,
        tenant,
        workflow["id"],
        {**V1, "actions": V2_ACTIONS, "conditions": {"organisation.industry": {"$eq": "tech"}}},
    )
    response = client.get(
        f"/api/v1/workflows/{workflow['id']}/versions/2/diff", headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    diff = response.json()
    assert (diff["from_version"], diff["to_version"], diff["identical"]) == (1, 2, False)
    assert [f["field"] for f in diff["fields"]] == ["conditions"]
    assert diff["added"] == [{"path": "actions[2]", "step": "Notify"}]
    assert diff["removed"] == [{"path": "actions[2]", "step": "Tag"}]
    moves = {m["step"]: (m["from"], m["to"]) for m in diff["moved"]}
    assert moves == {"Call": ("actions[1]", "actions[0]"), "Welcome": ("actions[0]", "actions[1]")}
    changed = {
        c["step"]: {f["field"]: (f["old"], f["new"]) for f in c["changes"]} for c in diff["changed"]
    }
    assert changed["Welcome"] == {"config.subject": ("Welcome", "Welcome aboard")}
    assert changed["Call"] == {
        "config.title": ("Call them", "Call them today"),
        "config.priority": (None, "high"),
    }
    # The webhook (no id, no name: matched by position) changed its URL and its secret header,
    # which the diff shows masked, never in clear.
    webhook = changed["call_webhook"]
    assert webhook["config.url"] == ("https://erp.example.com/x", "https://erp.example.com/y")
    assert "s3cret" not in response.text and "n3w" not in response.text
    first = client.get(
        f"/api/v1/workflows/{workflow['id']}/versions/1/diff", headers=tenant.headers()
    )
    assert first.json()["from_version"] is None and len(first.json()["added"]) == 4


def test_restoring_an_old_version_makes_a_new_version(client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(client, tenant.headers(), V1)
    _put(client, tenant, workflow["id"], {**V1, "actions": V2_ACTIONS})
    restored = client.post(
        f"/api/v1/workflows/{workflow['id']}/versions/1/restore", headers=tenant.headers()
    )
    assert restored.status_code == 200, restored.text
    versions = client.get(
        f"/api/v1/workflows/{workflow['id']}/versions", headers=tenant.headers()
    ).json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[0]["change_note"] == "restored version 1"
    same = client.get(
        f"/api/v1/workflows/{workflow['id']}/versions/3/diff?against=1", headers=tenant.headers()
    ).json()
    assert same["identical"], same  # the secret header came back too (compared masked)
    assert [a.get("name") for a in restored.json()["actions"]] == ["Welcome", "Call", "Tag", None]


def test_unknown_versions_other_companies_and_viewers_are_refused(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    workflow = create_workflow(client, tenant.headers(), V1)
    base = f"/api/v1/workflows/{workflow['id']}/versions"
    assert client.get(f"{base}/9/diff", headers=tenant.headers()).status_code == 404
    assert client.get(f"{base}/1/diff?against=7", headers=tenant.headers()).status_code == 404
    assert client.post(f"{base}/9/restore", headers=tenant.headers()).status_code == 404
    assert client.get(f"{base}/1/diff", headers=other_tenant.headers()).status_code == 404
    assert client.post(f"{base}/1/restore", headers=other_tenant.headers()).status_code == 404
    assert client.post(f"{base}/1/restore", headers=tenant.headers("viewer")).status_code == 403
    assert client.get(f"{base}/0/diff", headers=tenant.headers()).status_code == 422


def test_a_restore_keeps_positions_only_where_the_same_step_still_is(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers()
    first = [
        {"type": "add_tag", "name": "A", "config": {"tag": "a"}},
        {"type": "add_tag", "name": "B", "config": {"tag": "b"}},
    ]
    layout = {
        "positions": {
            "trigger": {"x": 5.0, "y": 5.0},
            "actions/0": {"x": 10.0, "y": 100.0},
            "actions/1": {"x": 20.0, "y": 200.0},
        }
    }
    body = {"name": "Layout", "trigger_type": "manual", "actions": first, "graph_layout": layout}
    created = client.post("/api/v1/workflows", json=body, headers=headers).json()
    # Version 2 (through the API, without a layout) puts a new step first.
    second = [{"type": "create_task", "name": "New", "config": {"title": "t"}}, *first]
    updated = client.put(
        f"/api/v1/workflows/{created['id']}", json={"actions": second}, headers=headers
    ).json()
    assert updated["graph_layout"]["positions"] == {"trigger": {"x": 5.0, "y": 5.0}}
    # Positions placed on version 2, then version 1 restored: only unchanged places keep theirs.
    client.put(
        f"/api/v1/workflows/{created['id']}",
        json={
            "graph_layout": {
                "positions": {"actions/0": {"x": 1.0, "y": 1.0}, "actions/2": {"x": 3.0, "y": 3.0}}
            }
        },
        headers=headers,
    )
    restored = client.post(
        f"/api/v1/workflows/{created['id']}/versions/1/restore", headers=headers
    ).json()
    assert restored["version"] == 3
    assert restored["graph_layout"] is None
