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
