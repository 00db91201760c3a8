"""The per-request token check: the same answer as the ORM lookup, revocation at once."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from crmflow.auth.models import ApiToken, User
from crmflow.auth.service import principal_for_token
from crmflow.auth.token_lookup import TokenLookup
from crmflow.db.base import utcnow
from crmflow.db.session import get_engine
from tests.conftest import Tenant


def test_it_agrees_with_the_orm_lookup(db_url: str, tenant: Tenant, session: Session) -> None:
    lookup = TokenLookup(get_engine(db_url, writer=False))
    fast = lookup(tenant.admin_token)
    assert fast is not None
    assert fast == principal_for_token(session, tenant.admin_token)
    assert (fast.user_id, fast.company_id, fast.role) == (
        tenant.admin_id,
        tenant.company_id,
        "admin",
    )
    assert lookup("crmflow_not-a-token") is None


def test_revoked_expired_and_deactivated_are_refused_by_the_next_call(
    db_url: str, tenant: Tenant, writer_session: Session
) -> None:
    lookup = TokenLookup(get_engine(db_url, writer=False))
    admin, editor, viewer = tenant.admin_token, tenant.editor_token, tenant.viewer_token
    assert all(lookup(t) is not None for t in (admin, editor, viewer))
    writer_session.execute(
        update(ApiToken).where(ApiToken.user_id == tenant.admin_id).values(revoked_at=utcnow())
    )
    writer_session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == tenant.editor_id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    writer_session.execute(
        update(User).where(User.email == "viewer@acme.test").values(is_active=False)
    )
    writer_session.commit()
    assert [lookup(t) for t in (admin, editor, viewer)] == [None, None, None]


def test_a_token_revoked_through_the_api_is_refused_by_the_next_request(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers("editor")
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    tokens = client.get("/api/v1/auth/tokens", headers=headers)
    assert tokens.status_code == 200, tokens.text
    [token] = tokens.json()["items"]
    revoked = client.delete(f"/api/v1/auth/tokens/{token['id']}", headers=headers)
    assert revoked.status_code == 204
    refused = client.get("/api/v1/users/me", headers=headers)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_a_user_deactivated_through_the_api_is_refused_by_the_next_request(
    client: TestClient, tenant: Tenant
) -> None:
    viewer = tenant.headers("viewer")
    me = client.get("/api/v1/users/me", headers=viewer)
    assert me.status_code == 200
    gone = client.delete(f"/api/v1/users/{me.json()['id']}", headers=tenant.headers())
    assert gone.status_code == 204, gone.text
    assert client.get("/api/v1/users/me", headers=viewer).status_code == 401
