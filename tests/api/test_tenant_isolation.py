"""Company B gets 404 for every id of company A, exactly as for a missing id.

Data-driven: add a `Resource` to RESOURCES to cover a new kind of record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.crm.service import create_notification
from tests.conftest import Tenant
from tests.crm.factories import activity, contact, deal, organisation, task

# A creator makes one record in company A and returns its id.
Creator = Callable[[TestClient, Session, Tenant], int]


@dataclass(frozen=True)
class Resource:
    """A kind of record: how to create one, its URL, and what company B may try on it."""

    name: str
    url: str  # the record's URL, with {id}
    create: Creator
    patch_body: dict[str, Any] | None = None  # None: the resource has no PATCH
    deletable: bool = True
    list_url: str | None = None  # a list that must not show the record to company B
    more_calls: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)


def _notification(client: TestClient, session: Session, tenant: Tenant) -> int:
    note = create_notification(
        session,
        company_id=tenant.company_id,
        user_id=tenant.admin_id,
        level="info",
        title="hello",
        message="world",
    )
    session.commit()
    return note.id


def _tag(client: TestClient, session: Session, tenant: Tenant) -> int:
    response = client.post("/api/v1/tags", json={"name": "vip"}, headers=tenant.headers())
    assert response.status_code == 201, response.text
    tag_id: int = response.json()["id"]
    return tag_id


def _event(client: TestClient, session: Session, tenant: Tenant) -> int:
    response = client.post("/api/v1/events", json={"type": "ping"}, headers=tenant.headers())
    assert response.status_code == 201, response.text
    event_id: int = response.json()["id"]
    return event_id


def _activity(client: TestClient, session: Session, tenant: Tenant) -> int:
    org = organisation(client, tenant.headers())
    return int(activity(client, tenant.headers(), "organisation", org["id"])["id"])


WORKFLOW = {
    "name": "w",
    "trigger_type": "organisation_created",
    "actions": [{"type": "create_task", "config": {"title": "t"}}],
}


def _workflow(client: TestClient, headers: dict[str, str], **fields: Any) -> int:
    response = client.post("/api/v1/workflows", json={**WORKFLOW, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    workflow_id: int = response.json()["id"]
    return workflow_id


def _start(client: TestClient, headers: dict[str, str], workflow_id: int, **body: Any) -> int:
    """Start a manual run without waiting (no runtime here: it stays pending); return its id."""
    response = client.post(
        f"/api/v1/workflows/{workflow_id}/execute?wait=0", json=body, headers=headers
    )
    assert response.status_code == 202, response.text
    execution_id: int = response.json()["id"]
    return execution_id


def _execution(client: TestClient, session: Session, tenant: Tenant) -> int:
    return _start(client, tenant.headers(), _workflow(client, tenant.headers()))


RESOURCES = [
    Resource(
        "organisation",
        "/api/v1/organisations/{id}",
        lambda c, s, t: organisation(c, t.headers())["id"],
        {"name": "Hijacked"},
        list_url="/api/v1/organisations",
    ),
    Resource(
        "contact",
        "/api/v1/contacts/{id}",
        lambda c, s, t: contact(c, t.headers())["id"],
        {"first_name": "Hijacked"},
        list_url="/api/v1/contacts",
    ),
    Resource(
        "deal",
        "/api/v1/deals/{id}",
        lambda c, s, t: deal(c, t.headers())["id"],
        {"stage": "lost"},
        list_url="/api/v1/deals",
    ),
    Resource(
        "task",
        "/api/v1/tasks/{id}",
        lambda c, s, t: task(c, t.headers())["id"],
        {"status": "done"},
        list_url="/api/v1/tasks",
    ),
    Resource(
        "activity",
        "/api/v1/activities/{id}",
        _activity,
        {"subject": "Hijacked"},
        list_url="/api/v1/activities",
    ),
    Resource(
        "notification",
        "/api/v1/notifications/{id}",
        _notification,
        {"read": True},
        list_url="/api/v1/notifications",
        more_calls=[("POST", "/api/v1/notifications/{id}/read", None)],
    ),
    Resource("tag", "/api/v1/tags/{id}", _tag, {"name": "hijacked"}, list_url="/api/v1/tags"),
    Resource(
        "user",
        "/api/v1/users/{id}",
        lambda c, s, t: t.editor_id,
        {"role": "viewer"},
        list_url="/api/v1/users",
    ),
    Resource(
        "event", "/api/v1/events/{id}", _event, None, deletable=False, list_url="/api/v1/events"
    ),
    Resource(
        "workflow",
        "/api/v1/workflows/{id}",
        lambda c, s, t: _workflow(c, t.headers()),
        None,  # updated with PUT, below
        list_url="/api/v1/workflows",
        more_calls=[
            ("PUT", "/api/v1/workflows/{id}", {"name": "Hijacked"}),
            ("POST", "/api/v1/workflows/{id}/activate", {"status": "active"}),
            ("POST", "/api/v1/workflows/{id}/activate", None),
            ("POST", "/api/v1/workflows/{id}/execute?wait=0", {}),
            ("POST", "/api/v1/workflows/{id}/duplicate", None),
            ("POST", "/api/v1/workflows/{id}/duplicate", {"name": "Stolen"}),
            ("GET", "/api/v1/workflows/{id}/executions", None),
            ("GET", "/api/v1/workflows/{id}/stats", None),
            ("GET", "/api/v1/workflows/{id}/versions", None),
        ],
    ),
    Resource(
        "execution",
        "/api/v1/executions/{id}",
        _execution,
        None,
        deletable=False,
        list_url="/api/v1/executions",
    ),
]


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.name for r in RESOURCES])
def test_other_company_gets_404(
    client: TestClient,
    session: Session,
    tenant: Tenant,
    other_tenant: Tenant,
    resource: Resource,
) -> None:
    record_id = resource.create(client, session, tenant)
    url = resource.url.format(id=record_id)
    before = client.get(url, headers=tenant.headers())
    assert before.status_code == 200, before.text
    intruder = other_tenant.headers()  # an admin: the most privileged role of company B

    calls: list[tuple[str, str, dict[str, Any] | None]] = [("GET", resource.url, None)]
    if resource.patch_body is not None:
        calls.append(("PATCH", resource.url, resource.patch_body))
    if resource.deletable:
        calls.append(("DELETE", resource.url, None))
    calls += resource.more_calls
    missing_id = 2**31 - 7
    for method, template, body in calls:
        theirs = client.request(method, template.format(id=record_id), json=body, headers=intruder)
        missing = client.request(
            method, template.format(id=missing_id), json=body, headers=intruder
        )
        assert theirs.status_code == 404, (method, template, theirs.text)
        # Indistinguishable from an id that does not exist (only the id in the text differs).
        assert theirs.json()["detail"].replace(str(record_id), "?") == missing.json()[
            "detail"
        ].replace(str(missing_id), "?")

    if resource.list_url:
        listed = client.get(resource.list_url, params={"size": 500}, headers=intruder).json()
        assert record_id not in [item["id"] for item in listed["items"]] or (
            resource.name == "user"
            and all(item["email"].endswith("@globex.test") for item in listed["items"])
        )
    after = client.get(url, headers=tenant.headers())
    assert after.status_code == 200 and after.json() == before.json()


def _count(client: TestClient, url: str, headers: dict[str, str]) -> int:
    response = client.get(url, params={"size": 1}, headers=headers)
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def test_workflow_execution_is_only_reachable_through_its_own_company_and_workflow(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine, theirs = tenant.headers(), other_tenant.headers()
    workflow_a = _workflow(client, mine)
    other_workflow_a = _workflow(client, mine)
    execution_a = _start(client, mine, workflow_a)
    workflow_b = _workflow(client, theirs)
    url = "/api/v1/workflows/{}/executions/{}"
    assert client.get(url.format(workflow_a, execution_a), headers=mine).status_code == 200

    not_found = f"execution {execution_a} not found"
    for workflow_id, headers in [
        (workflow_a, theirs),  # A's workflow and execution, asked by B
        (workflow_b, theirs),  # B's own workflow with A's execution
        (other_workflow_a, mine),  # the right company, but another workflow
    ]:
        response = client.get(url.format(workflow_id, execution_a), headers=headers)
        assert response.status_code == 404, (workflow_id, response.text)
        assert response.json()["detail"] == not_found
    # B sees nothing of A's runs through its own workflow or a filter on A's workflow id.
    assert _count(client, f"/api/v1/workflows/{workflow_b}/executions", theirs) == 0
    assert _count(client, f"/api/v1/executions?workflow_id={workflow_a}", theirs) == 0
    assert _count(client, "/api/v1/executions", theirs) == 0
    assert _count(client, "/api/v1/executions", mine) == 1


@pytest.mark.parametrize("entity_type", ["organisation", "contact", "deal", "task", "activity"])
def test_manual_runs_never_cross_companies(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, entity_type: str
) -> None:
    mine, theirs = tenant.headers(), other_tenant.headers()
    creators: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
        "organisation": lambda h: organisation(client, h),
        "contact": lambda h: contact(client, h),
        "deal": lambda h: deal(client, h),
        "task": lambda h: task(client, h),
        "activity": lambda h: activity(client, h, "organisation", organisation(client, h)["id"]),
    }
    record_a = creators[entity_type](mine)["id"]
    record_b = creators[entity_type](theirs)["id"]
    workflow_a = _workflow(client, mine, status="active")
    workflow_b = _workflow(client, theirs, status="active")

    # B cannot run A's workflow, on its own records, on A's, or on nothing.
    for body in [
        {"trigger_entity_type": entity_type, "trigger_entity_id": record_b},
        {"trigger_entity_type": entity_type, "trigger_entity_id": record_a},
        {},
    ]:
        response = client.post(
            f"/api/v1/workflows/{workflow_a}/execute?wait=0", json=body, headers=theirs
        )
        assert response.status_code == 404, (body, response.text)
        assert response.json()["detail"] == f"workflow {workflow_a} not found"

    # Nor its own workflow on A's record: a 422 naming the field, and nothing created.
    response = client.post(
        f"/api/v1/workflows/{workflow_b}/execute?wait=0",
        json={"trigger_entity_type": entity_type, "trigger_entity_id": record_a},
        headers=theirs,
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == "trigger_entity_id"
    expected = f"trigger_entity_id: no {entity_type} {record_a} in this company"
    assert error["msg"] == expected, error
    # The same answer as for an id that does not exist at all.
    missing = client.post(
        f"/api/v1/workflows/{workflow_b}/execute?wait=0",
        json={"trigger_entity_type": entity_type, "trigger_entity_id": 2**31 - 7},
        headers=theirs,
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == "trigger_entity_id"

    assert _count(client, "/api/v1/executions", theirs) == 0
    assert _count(client, "/api/v1/executions", mine) == 0
    a_workflow = client.get(f"/api/v1/workflows/{workflow_a}", headers=mine).json()
    assert a_workflow["execution_count"] == 0 and a_workflow["last_executed_at"] is None

    # Sanity: each company can run its own workflow on its own record.
    own = _start(
        client, theirs, workflow_b, trigger_entity_type=entity_type, trigger_entity_id=record_b
    )
    assert client.get(f"/api/v1/executions/{own}", headers=theirs).status_code == 200
    assert client.get(f"/api/v1/executions/{own}", headers=mine).status_code == 404


def test_template_workflows_stay_in_their_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    mine, theirs = tenant.headers(), other_tenant.headers()
    template_a = _workflow(client, mine, name="A's secret playbook", is_template=True)
    listed = client.get("/api/v1/workflows/templates/list", headers=theirs)
    assert listed.status_code == 200, listed.text
    assert str(template_a) not in [t["id"] for t in listed.json()]
    assert "A's secret playbook" not in listed.text
    assert str(template_a) in [
        t["id"] for t in client.get("/api/v1/workflows/templates/list", headers=mine).json()
    ]
    stolen = client.post(f"/api/v1/workflows/templates/{template_a}/create", headers=theirs)
    assert stolen.status_code == 404, stolen.text
    assert _count(client, "/api/v1/workflows", theirs) == 0
