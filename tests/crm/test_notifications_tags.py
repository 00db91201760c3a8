"""Notifications (the caller's own) and tags (company list, rename, delete) through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.crm.service import create_notification
from tests.conftest import Tenant
from tests.crm.factories import deal, detail_text, events, organisation

NOTIFICATIONS = "/api/v1/notifications"
TAGS = "/api/v1/tags"


def _notify(session: Session, tenant: Tenant, user_id: int, title: str) -> int:
    note = create_notification(
        session,
        company_id=tenant.company_id,
        user_id=user_id,
        level="WARNING",
        title=title,
        message=f"about {title}",
        link="/deals/1",
    )
    session.commit()
    return note.id


def test_notifications_are_the_callers_own(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    first = _notify(session, tenant, tenant.editor_id, "first")
    second = _notify(session, tenant, tenant.editor_id, "second")
    admins = _notify(session, tenant, tenant.admin_id, "for the admin")
    editor = tenant.headers("editor")

    page = client.get(NOTIFICATIONS, headers=editor).json()
    assert [n["id"] for n in page["items"]] == [second, first] and page["total"] == 2
    assert page["items"][0]["level"] == "warning" and page["items"][0]["read_at"] is None
    assert client.get(f"{NOTIFICATIONS}/unread-count", headers=editor).json() == {"count": 2}
    assert client.get(f"{NOTIFICATIONS}/{admins}", headers=editor).status_code == 404
    assert client.post(f"{NOTIFICATIONS}/{admins}/read", headers=editor).status_code == 404

    read = client.post(f"{NOTIFICATIONS}/{first}/read", headers=editor).json()
    assert read["read_at"] is not None
    again = client.post(f"{NOTIFICATIONS}/{first}/read", headers=editor).json()
    assert again["read_at"] == read["read_at"]  # the first read time is kept
    unread = client.get(NOTIFICATIONS, params={"unread": True}, headers=editor).json()
    assert [n["id"] for n in unread["items"]] == [second]
    seen = client.get(NOTIFICATIONS, params={"unread": False}, headers=editor).json()
    assert [n["id"] for n in seen["items"]] == [first]

    assert client.post(f"{NOTIFICATIONS}/read-all", headers=editor).json() == {"count": 1}
    assert client.get(f"{NOTIFICATIONS}/unread-count", headers=editor).json() == {"count": 0}
    unread_again = client.patch(f"{NOTIFICATIONS}/{second}", json={"read": False}, headers=editor)
    assert unread_again.json()["read_at"] is None
    assert client.delete(f"{NOTIFICATIONS}/{second}", headers=editor).status_code == 204
    assert client.get(NOTIFICATIONS, headers=editor).json()["total"] == 1
    # The admin's notification was not touched by the editor's read-all.
    admin_view = client.get(f"{NOTIFICATIONS}/{admins}", headers=tenant.headers()).json()
    assert admin_view["read_at"] is None


def test_viewers_manage_their_own_notifications(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    viewer = tenant.headers("viewer")
    me = client.get("/api/v1/users/me", headers=viewer).json()
    note = _notify(session, tenant, me["id"], "hello")
    assert client.post(f"{NOTIFICATIONS}/{note}/read", headers=viewer).status_code == 200
    assert client.post(f"{NOTIFICATIONS}/read-all", headers=viewer).status_code == 200


def test_tag_crud(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers("editor")
    created = client.post(TAGS, json={"name": " VIP ", "color": "#ff0000"}, headers=headers)
    assert created.status_code == 201
    tag = created.json()
    assert tag["name"] == "vip" and tag["color"] == "#ff0000"
    duplicate = client.post(TAGS, json={"name": "vip"}, headers=headers)
    assert duplicate.status_code == 409 and "name" in detail_text(duplicate)
    assert client.post(TAGS, json={"name": ""}, headers=headers).status_code == 422
    client.post(TAGS, json={"name": "partner"}, headers=headers)
    listed = client.get(TAGS, headers=headers).json()
    assert [t["name"] for t in listed["items"]] == ["partner", "vip"]
    assert [
        t["name"] for t in client.get(TAGS, params={"q": "VI"}, headers=headers).json()["items"]
    ] == ["vip"]
    recoloured = client.patch(f"{TAGS}/{tag['id']}", json={"color": None}, headers=headers)
    assert recoloured.status_code == 200 and recoloured.json()["color"] is None
    clash = client.patch(f"{TAGS}/{tag['id']}", json={"name": "Partner"}, headers=headers)
    assert clash.status_code == 409
    assert client.get(f"{TAGS}/{tag['id']}", headers=headers).json()["name"] == "vip"


def test_tagging_a_record_creates_the_tag(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    organisation(client, headers, tags=["Renewal"])
    assert [t["name"] for t in client.get(TAGS, headers=headers).json()["items"]] == ["renewal"]


def test_rename_and_delete_rewrite_records(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    org = organisation(client, headers, tags=["vip", "gold"])
    sale = deal(client, headers, tags=["vip"])
    untouched = organisation(client, headers, name="Other", tags=["vipish"])
    vip = next(t for t in client.get(TAGS, headers=headers).json()["items"] if t["name"] == "vip")

    renamed = client.patch(f"{TAGS}/{vip['id']}", json={"name": "key-account"}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    org_url = f"/api/v1/organisations/{org['id']}"
    assert client.get(org_url, headers=headers).json()["tags"] == ["key-account", "gold"]
    assert client.get(f"/api/v1/deals/{sale['id']}", headers=headers).json()["tags"] == [
        "key-account"
    ]
    assert client.get(f"/api/v1/organisations/{untouched['id']}", headers=headers).json()[
        "tags"
    ] == ["vipish"]
    [org_event] = events(client, headers, type="organisation_updated")
    assert org_event["changes"] == {"tags": [["vip", "gold"], ["key-account", "gold"]]}
    assert len(events(client, headers, type="deal_updated")) == 1

    assert client.delete(f"{TAGS}/{vip['id']}", headers=headers).status_code == 204
    assert client.get(org_url, headers=headers).json()["tags"] == ["gold"]
    assert client.get(f"{TAGS}/{vip['id']}", headers=headers).status_code == 404


def test_viewer_cannot_write_tags(client: TestClient, tenant: Tenant) -> None:
    tag = client.post(TAGS, json={"name": "vip"}, headers=tenant.headers()).json()
    viewer = tenant.headers("viewer")
    assert client.post(TAGS, json={"name": "x"}, headers=viewer).status_code == 403
    assert (
        client.patch(f"{TAGS}/{tag['id']}", json={"name": "x"}, headers=viewer).status_code == 403
    )
    assert client.delete(f"{TAGS}/{tag['id']}", headers=viewer).status_code == 403
