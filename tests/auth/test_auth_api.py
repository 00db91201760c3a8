"""Sign-in, API tokens and user administration through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.auth.service import create_user
from tests.conftest import Tenant
from tests.crm.factories import detail_text

USERS = "/api/v1/users"
TOKENS = "/api/v1/auth/tokens"
SECRET_FIELDS = ("password", "password_hash", "token_hash", "webhook_secret")


def _no_secrets(body: Any) -> None:
    text = str(body)
    for name in SECRET_FIELDS:
        assert name not in text, name
    assert "scrypt$" not in text


def test_login_issues_a_working_token(client: TestClient, tenant: Tenant, session: Session) -> None:
    create_user(
        session,
        company_id=tenant.company_id,
        email="pat@acme.test",
        name="Pat",
        role="editor",
        password="correct horse",
    )
    session.commit()
    response = client.post(
        "/api/v1/auth/login", json={"email": " PAT@acme.test ", "password": "correct horse"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["user"]["email"] == "pat@acme.test"
    _no_secrets(body["user"])
    me = client.get(f"{USERS}/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["name"] == "Pat"
    for credentials in (
        {"email": "pat@acme.test", "password": "wrong"},
        {"email": "nobody@acme.test", "password": "correct horse"},
        {"email": "editor@acme.test", "password": "no password set"},
    ):
        failed = client.post("/api/v1/auth/login", json=credentials)
        assert failed.status_code == 401
    assert client.post("/api/v1/auth/login", json={"email": "x"}).status_code == 422


def test_token_lifecycle(client: TestClient, tenant: Tenant) -> None:
    viewer = tenant.headers("viewer")  # any role may manage its own tokens
    created = client.post(TOKENS, json={"name": "ci"}, headers=viewer)
    assert created.status_code == 201, created.text
    token = created.json()
    _no_secrets(token)
    assert token["token"].startswith("cfw_") and token["name"] == "ci"
    new_headers = {"Authorization": f"Bearer {token['token']}"}
    assert client.get(f"{USERS}/me", headers=new_headers).json()["role"] == "viewer"
    listed = client.get(TOKENS, headers=viewer).json()
    assert token["id"] in [t["id"] for t in listed["items"]]
    assert all("token" not in t for t in listed["items"])
    _no_secrets(listed)
    # Someone else's token is invisible to a non-admin.
    assert (
        client.delete(f"{TOKENS}/{token['id']}", headers=tenant.headers("editor")).status_code
        == 404
    )
    assert client.delete(f"{TOKENS}/{token['id']}", headers=viewer).status_code == 204
    assert client.get(f"{USERS}/me", headers=new_headers).status_code == 401
    revoked = next(
        t for t in client.get(TOKENS, headers=viewer).json()["items"] if t["id"] == token["id"]
    )
    assert revoked["revoked_at"] is not None
    assert (
        client.get(TOKENS, params={"user_id": tenant.admin_id}, headers=viewer).status_code == 404
    )
    admin_view = client.get(
        TOKENS, params={"user_id": tenant.editor_id}, headers=tenant.headers()
    ).json()
    assert admin_view["total"] == 1


def test_users_are_listed_per_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    page = client.get(USERS, headers=tenant.headers("viewer")).json()
    assert page["total"] == 5
    assert {u["email"].split("@")[1] for u in page["items"]} == {"acme.test"}
    _no_secrets(page)
    managers = client.get(USERS, params={"title": "Manager"}, headers=tenant.headers()).json()
    assert [u["id"] for u in managers["items"]] == [tenant.manager_id]
    editors = client.get(USERS, params={"role": "EDITOR", "q": "dir"}, headers=tenant.headers())
    assert [u["id"] for u in editors.json()["items"]] == [tenant.director_id]
    one = client.get(f"{USERS}/{tenant.manager_id}", headers=tenant.headers("viewer")).json()
    assert one["titles"] == ["manager"] and one["manager_id"] == tenant.director_id
    assert (
        client.get(f"{USERS}/{other_tenant.admin_id}", headers=tenant.headers()).status_code == 404
    )


def test_admin_creates_and_updates_users(client: TestClient, tenant: Tenant) -> None:
    admin = tenant.headers()
    created = client.post(
        USERS,
        json={
            "email": "New@Acme.test",
            "name": "Newbie",
            "role": "EDITOR",
            "titles": ["Sales", " CFO "],
            "manager_id": tenant.manager_id,
            "password": "long enough",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    _no_secrets(user)
    assert (user["email"], user["role"], user["titles"]) == (
        "new@acme.test",
        "editor",
        ["sales", "cfo"],
    )
    login = client.post(
        "/api/v1/auth/login", json={"email": "new@acme.test", "password": "long enough"}
    )
    assert login.status_code == 200

    patched = client.patch(
        f"{USERS}/{user['id']}",
        json={"role": "viewer", "titles": ["ops"], "manager_id": None},
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["role"], patched.json()["titles"]) == ("viewer", ["ops"])
    assert patched.json()["manager_id"] is None

    user_headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.delete(f"{USERS}/{user['id']}", headers=admin).status_code == 204
    assert client.get(f"{USERS}/me", headers=user_headers).status_code == 401
    assert client.get(f"{USERS}/{user['id']}", headers=admin).json()["is_active"] is False
    reactivated = client.patch(f"{USERS}/{user['id']}", json={"is_active": True}, headers=admin)
    assert reactivated.json()["is_active"] is True


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "not-an-email"}, 422, "email"),
        ({"email": "a@b.test", "role": "owner"}, 422, "role"),
        ({"email": "a@b.test", "password": "short"}, 422, "password"),
        ({"email": "a@b.test", "manager_id": 999999}, 422, "manager_id"),
        ({"email": "admin@acme.test"}, 409, "email"),
        ({"email": "a@b.test", "password_hash": "x"}, 422, "password_hash"),
    ],
)
def test_create_user_rejects_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], status: int, field: str
) -> None:
    response = client.post(USERS, json=body, headers=tenant.headers())
    assert response.status_code == status, response.text
    assert field in detail_text(response)
    assert client.get(USERS, headers=tenant.headers()).json()["total"] == 5


def test_user_updates_are_checked(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    admin = tenant.headers()
    cases = [
        (tenant.editor_id, {"manager_id": other_tenant.manager_id}, 422, "manager_id"),
        (tenant.director_id, {"manager_id": tenant.editor_id}, 422, "manager_id"),  # a cycle
        (tenant.editor_id, {"manager_id": tenant.editor_id}, 422, "manager_id"),
        (tenant.editor_id, {"email": "manager@acme.test"}, 409, "email"),
        (tenant.editor_id, {"role": None}, 422, "role"),
        (tenant.admin_id, {"role": "editor"}, 409, "role"),
        (tenant.admin_id, {"is_active": False}, 409, "is_active"),
    ]
    for user_id, body, status, field in cases:
        response = client.patch(f"{USERS}/{user_id}", json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
        assert field in detail_text(response)
    assert client.delete(f"{USERS}/{tenant.admin_id}", headers=admin).status_code == 409
    editor = client.get(f"{USERS}/{tenant.editor_id}", headers=admin).json()
    assert editor["manager_id"] == tenant.manager_id and editor["role"] == "editor"


def test_only_admins_manage_users(client: TestClient, tenant: Tenant) -> None:
    for role in ("editor", "viewer"):
        headers = tenant.headers(role)
        assert client.post(USERS, json={"email": "x@acme.test"}, headers=headers).status_code == 403
        assert (
            client.patch(
                f"{USERS}/{tenant.manager_id}", json={"name": "x"}, headers=headers
            ).status_code
            == 403
        )
        assert client.delete(f"{USERS}/{tenant.manager_id}", headers=headers).status_code == 403
