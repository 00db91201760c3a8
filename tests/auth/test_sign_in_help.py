"""GET /api/v1/auth/sign-in-help: the demo's accounts in demo mode, nothing otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.auth.service import create_user
from crmflow.auth.sign_in_help import DEMO_PASSWORD
from crmflow.config import Settings
from crmflow.main import create_app
from tests.conftest import Tenant

HELP = "/api/v1/auth/sign-in-help"


@pytest.fixture()
def demo_users(writer_session: Session, tenant: Tenant) -> None:
    """Two demo accounts as the demo loader makes them, and one that is not the demo's."""
    for email, name, role in (
        ("alice@demo.crmflow", "Alice Martin", "editor"),
        ("viewer@demo.crmflow", "Victor Lemoine", "viewer"),
        ("real@acme.test", "Real Person", "admin"),
    ):
        create_user(
            writer_session,
            company_id=tenant.company_id,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
        )
    writer_session.commit()


@pytest.fixture()
def demo_client(settings: Settings) -> Iterator[TestClient]:
    demo = settings.model_copy(update={"demo": True})
    with TestClient(create_app(demo, start_runtime=False)) as c:
        yield c


def test_outside_demo_mode_the_help_says_nothing(client: TestClient, demo_users: None) -> None:
    response = client.get(HELP)  # no credentials: the sign-in page asks before anyone signs in
    assert response.status_code == 200
    assert response.json() == {"demo": False, "users": [], "password": None, "admin": None}
    for secret in ("root-token", "demo.crmflow", "root@example.com"):
        assert secret not in response.text


def test_in_demo_mode_the_help_lists_the_demo_accounts_and_the_admin_token(
    demo_client: TestClient, demo_users: None
) -> None:
    response = demo_client.get(HELP)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "demo": True,
        "users": [
            {"email": "alice@demo.crmflow", "name": "Alice Martin", "role": "editor"},
            {"email": "viewer@demo.crmflow", "name": "Victor Lemoine", "role": "viewer"},
        ],
        "password": DEMO_PASSWORD,
        "admin": {"email": "root@example.com", "token": "root-token"},
    }
    # What it says works: the listed password signs a listed user in.
    login = demo_client.post(
        "/api/v1/auth/login", json={"email": "alice@demo.crmflow", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 200, login.text


def test_demo_mode_without_demo_users_offers_no_password(demo_client: TestClient) -> None:
    body = demo_client.get(HELP).json()
    assert body["demo"] is True and body["users"] == [] and body["password"] is None
