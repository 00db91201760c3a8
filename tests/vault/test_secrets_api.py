"""The secrets API: admins write, everyone lists names, no response ever holds a value."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.main import create_app
from crmflow.vault import crypto
from crmflow.vault.models import Secret
from tests.conftest import Tenant
from tests.vault.conftest import KEY, OTHER_KEY, add_secret

VALUE = "sk_live_9f8e7d6c5b4a-plaintext"


def test_admin_stores_a_secret_and_gets_metadata_only(client: TestClient, tenant: Tenant) -> None:
    body = add_secret(client, tenant, "BILLING_TOKEN", VALUE, description="billing API")
    assert body["name"] == "BILLING_TOKEN" and body["has_value"] is True
    assert body["description"] == "billing API" and body["last_used_at"] is None
    assert body["created_by"] == tenant.admin_id == body["updated_by"]
    assert "value" not in body and VALUE not in str(body)


def test_the_database_holds_ciphertext_that_only_the_key_opens(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    add_secret(client, tenant, "BILLING_TOKEN", VALUE)
    session.rollback()
    stored = session.scalars(select(Secret.value_encrypted)).one()
    raw_row = session.execute(text("SELECT * FROM secrets")).one()
    assert VALUE not in stored and all(VALUE not in str(column) for column in raw_row)
    assert crypto.decrypt(KEY, company_id=tenant.company_id, name="BILLING_TOKEN", stored=stored)
    with pytest.raises(crypto.SecretUnreadable, match="another CRMFLOW_SECRET_KEY"):
        crypto.decrypt(OTHER_KEY, company_id=tenant.company_id, name="BILLING_TOKEN", stored=stored)


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_every_role_lists_names_never_values(client: TestClient, tenant: Tenant, role: str) -> None:
    for index in range(3):
        add_secret(client, tenant, f"KEY_{index}", f"{VALUE}-{index}")
    response = client.get("/api/v1/secrets?size=2", headers=tenant.headers(role))
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["pages"], page["size"]) == (3, 2, 2)
    assert [item["name"] for item in page["items"]] == ["KEY_0", "KEY_1"]
    assert VALUE not in response.text
    assert client.get("/api/v1/secrets?q=key_2", headers=tenant.headers(role)).json()["total"] == 1


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_write(client: TestClient, tenant: Tenant, role: str) -> None:
    add_secret(client, tenant, "TOKEN", VALUE)
    headers = tenant.headers(role)
    assert (
        client.post(
            "/api/v1/secrets", json={"name": "NEW", "value": "x"}, headers=headers
        ).status_code
        == 403
    )
    assert (
        client.put("/api/v1/secrets/TOKEN", json={"value": "y"}, headers=headers).status_code == 403
    )
    assert client.delete("/api/v1/secrets/TOKEN", headers=headers).status_code == 403


def test_replace_and_delete(client: TestClient, tenant: Tenant, session: Session) -> None:
    add_secret(client, tenant, "TOKEN", VALUE)
    session.rollback()
    before = session.scalars(select(Secret.value_encrypted)).one()
    response = client.put(
        "/api/v1/secrets/TOKEN",
        json={"value": "rotated-value-123", "description": "rotated"},
        headers=tenant.headers("admin"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["description"] == "rotated" and "rotated-value" not in response.text
    session.rollback()
    after = session.scalars(select(Secret.value_encrypted).execution_options()).one()
    assert after != before
    assert (
        crypto.decrypt(KEY, company_id=tenant.company_id, name="TOKEN", stored=after)
        == "rotated-value-123"
    )
    # A description alone keeps the value.
    client.put(
        "/api/v1/secrets/TOKEN", json={"description": "only this"}, headers=tenant.headers()
    ).raise_for_status()
    session.rollback()
    assert session.scalars(select(Secret.value_encrypted)).one() == after
    assert client.delete("/api/v1/secrets/TOKEN", headers=tenant.headers()).status_code == 204
    assert client.delete("/api/v1/secrets/TOKEN", headers=tenant.headers()).status_code == 404
    assert client.put(
        "/api/v1/secrets/TOKEN", json={"value": "v"}, headers=tenant.headers()
    ).json() == {"detail": "secret TOKEN not found"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "1abc", "value": "x"}, "name"),
        ({"name": "_private", "value": "x"}, "name"),
        ({"name": "has-dash", "value": "x"}, "name"),
        ({"name": "A" * 65, "value": "x"}, "name"),
        ({"name": "OK", "value": ""}, "value"),
        ({"name": "OK", "value": "é" * 4097}, "value"),
        ({"name": "OK"}, "value"),
        ({"name": "OK", "value": "x", "description": "line\nbreak"}, "description"),
        ({"name": "OK", "value": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, tenant: Tenant, body: dict[str, str], field: str
) -> None:
    response = client.post("/api/v1/secrets", json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["detail"]] == [field]
    assert "é" * 100 not in response.text  # a refused value is not echoed either


def test_a_bad_name_in_the_path_is_a_422(client: TestClient, tenant: Tenant) -> None:
    response = client.put("/api/v1/secrets/bad-name", json={"value": "x"}, headers=tenant.headers())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == "path.name"


def test_names_are_unique_per_company_whatever_the_case(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    add_secret(client, tenant, "TOKEN", VALUE)
    for name in ("TOKEN", "token"):
        response = client.post(
            "/api/v1/secrets", json={"name": name, "value": "x"}, headers=tenant.headers()
        )
        assert response.status_code == 409
        assert "a secret named TOKEN already exists" in response.json()["detail"]
    add_secret(client, other_tenant, "TOKEN", "another company's value")


def test_companies_never_see_or_touch_each_others_secrets(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    add_secret(client, tenant, "ACME_ONLY", VALUE)
    other = other_tenant.headers()
    assert client.get("/api/v1/secrets", headers=other).json()["total"] == 0
    assert (
        client.put("/api/v1/secrets/ACME_ONLY", json={"value": "x"}, headers=other).status_code
        == 404
    )
    assert client.delete("/api/v1/secrets/ACME_ONLY", headers=other).status_code == 404
    assert client.get("/api/v1/secrets", headers=tenant.headers()).json()["total"] == 1


@pytest.fixture()
def keyless_client(settings: Settings) -> Iterator[TestClient]:
    keyless = settings.model_copy(update={"secret_key": None})
    with TestClient(create_app(keyless, start_runtime=False)) as c:
        yield c


def test_without_a_key_writes_are_refused_naming_the_setting(
    keyless_client: TestClient, tenant: Tenant
) -> None:
    response = keyless_client.post(
        "/api/v1/secrets", json={"name": "TOKEN", "value": VALUE}, headers=tenant.headers()
    )
    assert response.status_code == 409
    assert "CRMFLOW_SECRET_KEY is not configured" in response.json()["detail"]
    assert keyless_client.get("/api/v1/secrets", headers=tenant.headers()).json()["total"] == 0
