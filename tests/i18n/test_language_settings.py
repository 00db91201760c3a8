"""Your interface language and your company's language, through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant


def test_a_user_chooses_the_interface_language_and_can_go_back_to_the_browsers(
    client: TestClient, tenant: Tenant
) -> None:
    me = client.get("/api/v1/users/me", headers=tenant.headers("editor"))
    assert me.status_code == 200 and me.json()["locale"] is None
    url = "/api/v1/users/me/preferences"
    chosen = client.patch(url, json={"locale": "fr"}, headers=tenant.headers("editor"))
    assert chosen.status_code == 200, chosen.text
    assert client.get("/api/v1/users/me", headers=tenant.headers("editor")).json()["locale"] == "fr"
    # Others keep theirs.
    assert client.get("/api/v1/users/me", headers=tenant.headers()).json()["locale"] is None
    back = client.patch(url, json={"locale": None}, headers=tenant.headers("editor"))
    assert back.status_code == 200 and back.json()["locale"] is None


def test_bad_preferences_are_refused_naming_the_field(client: TestClient, tenant: Tenant) -> None:
    url = "/api/v1/users/me/preferences"
    for body in ({"locale": "de"}, {"locale": 3}, {}, {"locale": "fr", "theme": "dark"}):
        response = client.patch(url, json=body, headers=tenant.headers())
        assert response.status_code == 422, body
        assert any(
            "locale" in e["loc"] or "theme" in e["loc"] for e in response.json()["detail"]
        ), body


def test_only_an_admin_changes_the_company_language(client: TestClient, tenant: Tenant) -> None:
    company = client.get("/api/v1/company", headers=tenant.headers("viewer"))
    assert company.status_code == 200
    assert company.json()["language"] == "en" and company.json()["id"] == tenant.company_id
    refused = client.patch(
        "/api/v1/company", json={"language": "fr"}, headers=tenant.headers("editor")
    )
    assert refused.status_code == 403
    changed = client.patch("/api/v1/company", json={"language": "fr"}, headers=tenant.headers())
    assert changed.status_code == 200 and changed.json()["language"] == "fr"
    bad = client.patch("/api/v1/company", json={"language": "klingon"}, headers=tenant.headers())
    assert bad.status_code == 422 and "language" in bad.text
    assert "webhook_secret" not in changed.text
