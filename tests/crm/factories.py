"""Create CRM records through the HTTP API and read back events (shared by API tests)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

PATHS = {
    "organisation": "/api/v1/organisations",
    "contact": "/api/v1/contacts",
    "deal": "/api/v1/deals",
    "task": "/api/v1/tasks",
    "activity": "/api/v1/activities",
    "tag": "/api/v1/tags",
}


def create(
    client: TestClient, headers: dict[str, str], resource: str, /, **body: Any
) -> dict[str, Any]:
    """POST a record and return its JSON (asserting 201)."""
    response = client.post(PATHS[resource], json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def organisation(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """Create an organisation (default name Initech)."""
    return create(client, headers, "organisation", **{"name": "Initech", **body})


def contact(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """Create a contact (default Ada Lovelace)."""
    return create(
        client, headers, "contact", **{"first_name": "Ada", "last_name": "Lovelace", **body}
    )


def deal(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """Create a deal (default title Big deal)."""
    return create(client, headers, "deal", **{"title": "Big deal", **body})


def task(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """Create a task (default title Call back)."""
    return create(client, headers, "task", **{"title": "Call back", **body})


def activity(
    client: TestClient, headers: dict[str, str], entity_type: str, entity_id: int, **body: Any
) -> dict[str, Any]:
    """Log an activity on a record."""
    return create(client, headers, "activity", entity_type=entity_type, entity_id=entity_id, **body)


def events(client: TestClient, headers: dict[str, str], **filters: Any) -> list[dict[str, Any]]:
    """Return the caller's company events matching filters, oldest first."""
    response = client.get("/api/v1/events", params={"size": 500, **filters}, headers=headers)
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["items"]))


def total(client: TestClient, headers: dict[str, str], resource: str, **filters: Any) -> int:
    """Return the list total of a resource."""
    response = client.get(PATHS[resource], params=filters, headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["total"]
    return count


def detail_text(response: Any) -> str:
    """Return the error detail as one string (to check that it names the field)."""
    return str(response.json()["detail"])
