"""Tasks and activities through the HTTP API: CRUD, task_completed, last_activity_at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.crm.factories import (
    activity,
    contact,
    deal,
    detail_text,
    events,
    organisation,
    task,
    total,
)

TASKS = "/api/v1/tasks"
ACTIVITIES = "/api/v1/activities"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_task_crud_and_filters(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    sale = deal(client, headers)
    before = datetime.now(UTC)
    first = task(
        client,
        headers,
        due_date="+3 days",
        related_type="DEAL",
        related_id=sale["id"],
        priority="HIGH",
    )
    due = datetime.fromisoformat(first["due_date"])
    assert before + timedelta(days=3) <= due <= datetime.now(UTC) + timedelta(days=3)
    assert first["assignee_id"] == tenant.editor_id and first["status"] == "open"
    assert first["priority"] == "high" and first["related_type"] == "deal"
    second = task(
        client,
        headers,
        title="Send contract",
        assignee_id=tenant.manager_id,
        status="In_Progress",
        due_date="2030-05-01T09:30:00+02:00",
    )
    assert second["status"] == "in_progress"
    assert second["due_date"] == "2030-05-01T07:30:00Z"

    def ids(**params: Any) -> list[int]:
        return [t["id"] for t in client.get(TASKS, params=params, headers=headers).json()["items"]]

    assert ids(status="in_progress") == [second["id"]]
    assert ids(assignee_id=tenant.manager_id) == [second["id"]]
    assert ids(related_type="deal", related_id=sale["id"]) == [first["id"]]
    assert ids(priority="high") == [first["id"]]
    assert ids(sort="due_date") == [first["id"], second["id"]]
    assert client.get(TASKS, params={"status": "bogus"}, headers=headers).status_code == 422

    patched = client.patch(
        f"{TASKS}/{first['id']}",
        json={"title": "Call back today", "priority": "urgent"},
        headers=headers,
    )
    assert patched.status_code == 200 and patched.json()["priority"] == "urgent"
    assert client.delete(f"{TASKS}/{second['id']}", headers=headers).status_code == 204
    assert ids() == [first["id"]]
    # Task creation and ordinary updates record no event.
    assert [e["type"] for e in events(client, headers)] == ["deal_created"]


def test_completing_a_task_records_task_completed(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    todo = task(client, headers)
    done = client.patch(f"{TASKS}/{todo['id']}", json={"status": "DONE"}, headers=headers).json()
    assert done["status"] == "done" and done["completed_at"] is not None
    [event] = events(client, headers)
    assert event["type"] == "task_completed" and event["entity_id"] == todo["id"]
    assert event["changes"]["status"] == ["open", "done"]
    assert event["changes"]["completed_at"] == [None, done["completed_at"]]
    assert event["payload"]["status"] == "done"
    assert event["actor_user_id"] == tenant.editor_id
    # Done again: nothing changes, nothing recorded; reopening clears completed_at silently.
    client.patch(f"{TASKS}/{todo['id']}", json={"status": "done"}, headers=headers)
    reopened = client.patch(f"{TASKS}/{todo['id']}", json={"status": "open"}, headers=headers)
    assert reopened.json()["completed_at"] is None
    assert len(events(client, headers)) == 1
    created_done = task(client, headers, status="done")
    assert events(client, headers)[-1]["entity_id"] == created_done["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "T", "status": "finished"}, "status"),
        ({"title": "T", "priority": 3}, "priority"),
        ({"title": "T", "due_date": "next tuesday"}, "due_date"),
        ({"title": "T", "assignee_id": 777777}, "assignee_id"),
        ({"title": "T", "related_type": "deal"}, "related_id"),
        ({"title": "T", "related_id": 1}, "related_type"),
        ({"title": "T", "related_type": "deal", "related_id": 999999}, "related_id"),
        ({"title": "T", "related_type": "workflow", "related_id": 1}, "related_type"),
        ({"title": "T", "source_step_key": "x"}, "source_step_key"),
    ],
)
def test_task_rejects_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = client.post(TASKS, json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert field in detail_text(response)
    assert total(client, tenant.headers(), "task") == 0


def test_task_rejects_another_companys_assignee_and_record(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = deal(client, other_tenant.headers())
    for body, field in [
        ({"title": "T", "assignee_id": other_tenant.editor_id}, "assignee_id"),
        ({"title": "T", "related_type": "deal", "related_id": theirs["id"]}, "related_id"),
    ]:
        response = client.post(TASKS, json=body, headers=tenant.headers())
        assert response.status_code == 422 and field in detail_text(response)
    mine = task(client, tenant.headers())
    response = client.patch(
        f"{TASKS}/{mine['id']}",
        json={"assignee_id": other_tenant.admin_id},
        headers=tenant.headers(),
    )
    assert response.status_code == 422
    assert client.get(f"{TASKS}/{mine['id']}", headers=tenant.headers()).json() == mine


def test_activity_moves_last_activity_on_record_and_organisation(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers("editor")
    org = organisation(client, headers)
    sale = deal(client, headers, organisation_id=org["id"])
    person = contact(client, headers, organisation_id=org["id"])
    recent = datetime.now(UTC) - timedelta(hours=1)
    logged = activity(
        client,
        headers,
        "deal",
        sale["id"],
        kind="CALL",
        subject="Intro call",
        occurred_at=_iso(recent),
    )
    assert logged["kind"] == "call" and logged["user_id"] == tenant.editor_id
    for url in (f"/api/v1/deals/{sale['id']}", f"/api/v1/organisations/{org['id']}"):
        assert client.get(url, headers=headers).json()["last_activity_at"] == _iso(recent)

    # An older activity on the contact moves the contact, not the organisation backwards.
    older = recent - timedelta(days=3)
    activity(client, headers, "contact", person["id"], occurred_at=_iso(older))
    assert client.get(f"/api/v1/contacts/{person['id']}", headers=headers).json()[
        "last_activity_at"
    ] == _iso(older)
    assert client.get(f"/api/v1/organisations/{org['id']}", headers=headers).json()[
        "last_activity_at"
    ] == _iso(recent)

    logged_events = events(client, headers, type="activity_logged")
    assert logged_events[0]["entity_id"] == logged["id"]
    assert logged_events[0]["entity_type"] == "activity"
    assert logged_events[0]["payload"]["entity_type"] == "deal"
    assert logged_events[0]["payload"]["occurred_at"] == _iso(recent)

    default_time = activity(client, headers, "organisation", org["id"])
    org_now = client.get(f"/api/v1/organisations/{org['id']}", headers=headers).json()
    assert org_now["last_activity_at"] == default_time["occurred_at"]


def test_activity_crud_and_filters(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    org = organisation(client, headers)
    sale = deal(client, headers)
    first = activity(
        client,
        headers,
        "organisation",
        org["id"],
        kind="meeting",
        occurred_at="2030-01-01T10:00:00Z",
    )
    second = activity(
        client,
        headers,
        "deal",
        sale["id"],
        kind="email",
        occurred_at="2030-01-02T10:00:00Z",
        user_id=tenant.manager_id,
    )

    def ids(**params: Any) -> list[int]:
        response = client.get(ACTIVITIES, params=params, headers=headers)
        return [a["id"] for a in response.json()["items"]]

    assert ids() == [second["id"], first["id"]]
    assert ids(entity_type="organisation", entity_id=org["id"]) == [first["id"]]
    assert ids(kind="email") == [second["id"]]
    assert ids(user_id=tenant.manager_id) == [second["id"]]
    assert ids(sort="occurred_at") == [first["id"], second["id"]]

    later = client.patch(
        f"{ACTIVITIES}/{first['id']}",
        json={"occurred_at": "2031-01-01", "subject": "Kick-off"},
        headers=headers,
    )
    assert later.status_code == 200 and later.json()["subject"] == "Kick-off"
    assert (
        client.get(f"/api/v1/organisations/{org['id']}", headers=headers).json()["last_activity_at"]
        == "2031-01-01T00:00:00Z"
    )
    assert (
        client.patch(
            f"{ACTIVITIES}/{first['id']}", json={"kind": None}, headers=headers
        ).status_code
        == 422
    )
    assert client.delete(f"{ACTIVITIES}/{first['id']}", headers=headers).status_code == 204
    assert ids() == [second["id"]]
    assert len(events(client, headers, type="activity_logged")) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"entity_type": "deal", "entity_id": 999999}, "entity_id"),
        ({"entity_type": "planet", "entity_id": 1}, "entity_type"),
        ({"entity_id": 1}, "entity_type"),
        ({"entity_type": "organisation", "entity_id": 1, "kind": "telepathy"}, "kind"),
        ({"entity_type": "organisation", "entity_id": 1, "occurred_at": "soon"}, "occurred_at"),
        ({"entity_type": "organisation", "entity_id": 1, "user_id": 999999}, "user_id"),
    ],
)
def test_activity_rejects_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    org = organisation(client, tenant.headers())
    body = {**body, "entity_id": org["id"]} if body.get("entity_id") == 1 else body
    response = client.post(ACTIVITIES, json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert field in detail_text(response)
    assert total(client, tenant.headers(), "activity") == 0
    assert [e["type"] for e in events(client, tenant.headers())] == ["organisation_created"]
    assert (
        client.get(f"/api/v1/organisations/{org['id']}", headers=tenant.headers()).json()[
            "last_activity_at"
        ]
        is None
    )


def test_activity_on_another_companys_record_is_rejected(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = organisation(client, other_tenant.headers())
    response = client.post(
        ACTIVITIES,
        json={"entity_type": "organisation", "entity_id": theirs["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 422
    assert f"entity_id: no organisation {theirs['id']} in this company" in detail_text(response)
    assert (
        client.get(f"/api/v1/organisations/{theirs['id']}", headers=other_tenant.headers()).json()[
            "last_activity_at"
        ]
        is None
    )


def test_viewer_cannot_write_tasks_or_activities(client: TestClient, tenant: Tenant) -> None:
    org = organisation(client, tenant.headers())
    todo = task(client, tenant.headers())
    note = activity(client, tenant.headers(), "organisation", org["id"])
    viewer = tenant.headers("viewer")
    assert client.post(TASKS, json={"title": "x"}, headers=viewer).status_code == 403
    assert (
        client.patch(f"{TASKS}/{todo['id']}", json={"status": "done"}, headers=viewer).status_code
        == 403
    )
    assert client.delete(f"{TASKS}/{todo['id']}", headers=viewer).status_code == 403
    assert (
        client.post(
            ACTIVITIES, json={"entity_type": "organisation", "entity_id": org["id"]}, headers=viewer
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"{ACTIVITIES}/{note['id']}", json={"subject": "x"}, headers=viewer
        ).status_code
        == 403
    )
    assert client.delete(f"{ACTIVITIES}/{note['id']}", headers=viewer).status_code == 403
