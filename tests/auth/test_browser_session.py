"""Browser sessions: the cookie set on sign-in, CSRF proof, sign-out and sign-out everywhere."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from crmflow.auth.browser_session import CSRF_COOKIE, SESSION_COOKIE, csrf_value
from crmflow.auth.service import create_user
from tests.conftest import Tenant
from tests.live.support import WS_PATH, hello, receive

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/users/me"
TOKENS = "/api/v1/auth/tokens"
PASSWORD = "correct horse"


@pytest.fixture()
def pat(writer_session: Session, tenant: Tenant) -> str:
    """An editor of the tenant who signs in with a password; returns the email."""
    create_user(
        writer_session,
        company_id=tenant.company_id,
        email="pat@acme.test",
        name="Pat",
        role="editor",
        password=PASSWORD,
    )
    writer_session.commit()
    return "pat@acme.test"


def _set_cookies(response_headers: list[str]) -> dict[str, dict[str, str | bool]]:
    """Parse every Set-Cookie header into {name: {value, attributes...}}."""
    found: dict[str, dict[str, str | bool]] = {}
    for header in response_headers:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            found[name] = {"value": morsel.value, **{k: v for k, v in morsel.items() if v}}
            # SimpleCookie drops flags without a value on some versions; read them off the header.
            found[name]["httponly"] = "httponly" in header.lower()
            found[name]["secure"] = "; secure" in header.lower()
    return found


def _sign_in(client: TestClient, email: str) -> dict[str, dict[str, str | bool]]:
    response = client.post(LOGIN, json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return _set_cookies(response.headers.get_list("set-cookie"))


def _csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies[CSRF_COOKIE]}


def test_sign_in_sets_an_httponly_samesite_session_cookie(client: TestClient, pat: str) -> None:
    response = client.post(LOGIN, json={"email": pat, "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookies = _set_cookies(response.headers.get_list("set-cookie"))
    session, csrf = cookies[SESSION_COOKIE], cookies[CSRF_COOKIE]
    assert session["value"] == response.json()["access_token"]
    assert session["httponly"] is True and session["samesite"] == "lax"
    assert session["path"] == "/" and session["max-age"] == str(720 * 3600)
    assert session["secure"] is False  # plain http: a Secure cookie would never come back
    # The CSRF cookie is readable by the page (no HttpOnly) and is not the session token.
    assert csrf["httponly"] is False and csrf["samesite"] == "lax"
    assert csrf["value"] == csrf_value(str(session["value"])) != session["value"]


def test_the_cookie_is_secure_over_https(app: FastAPI, pat: str) -> None:
    with TestClient(app, base_url="https://testserver") as secure_client:
        cookies = _sign_in(secure_client, pat)
    assert cookies[SESSION_COOKIE]["secure"] is True
    assert cookies[CSRF_COOKIE]["secure"] is True


def test_the_cookie_signs_in_and_writes_need_the_csrf_header(client: TestClient, pat: str) -> None:
    _sign_in(client, pat)
    me = client.get(ME)  # no Authorization header: the cookie alone
    assert me.status_code == 200 and me.json()["email"] == pat
    missing = client.post(TOKENS, json={"name": "ci"})
    assert missing.status_code == 403
    assert "missing X-CSRF-Token header" in missing.json()["detail"]
    wrong = client.post(TOKENS, json={"name": "ci"}, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    assert "X-CSRF-Token does not match" in wrong.json()["detail"]
    # The csrf value of another session does not pass either (a planted cookie cannot help).
    other = client.post(TOKENS, json={"name": "ci"}, headers={"X-CSRF-Token": csrf_value("x")})
    assert other.status_code == 403
    for method, path in (
        ("PUT", "/api/v1/workflows/1"),
        ("PATCH", "/api/v1/users/1"),
        ("DELETE", f"{TOKENS}/1"),
    ):
        refused = client.request(method, path, json={})
        assert refused.status_code == 403, (method, refused.status_code)
    created = client.post(TOKENS, json={"name": "ci"}, headers=_csrf(client))
    assert created.status_code == 201, created.text


def test_bearer_requests_need_no_csrf_proof(client: TestClient, tenant: Tenant, pat: str) -> None:
    created = client.post(TOKENS, json={"name": "ci"}, headers=tenant.headers("viewer"))
    assert created.status_code == 201, created.text
    _sign_in(client, pat)  # a session cookie beside the header: the Bearer token wins
    again = client.post(TOKENS, json={"name": "ci2"}, headers=tenant.headers("viewer"))
    assert again.status_code == 201, again.text
    assert client.get(ME, headers=tenant.headers("viewer")).json()["email"] == "viewer@acme.test"


def test_sign_out_revokes_the_session_and_clears_the_cookies(client: TestClient, pat: str) -> None:
    token = _sign_in(client, pat)[SESSION_COOKIE]["value"]
    refused = client.post("/api/v1/auth/sign-out")
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    out = client.post("/api/v1/auth/sign-out", headers=_csrf(client))
    assert out.status_code == 204
    cleared = _set_cookies(out.headers.get_list("set-cookie"))
    assert cleared[SESSION_COOKIE]["max-age"] == "0" and cleared[CSRF_COOKIE]["max-age"] == "0"
    assert SESSION_COOKIE not in client.cookies
    assert client.get(ME).status_code == 401
    # Revoked, not just forgotten: the same token presented again is refused.
    assert client.get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_sign_out_everywhere_revokes_every_session_but_not_api_tokens(
    app: FastAPI, client: TestClient, tenant: Tenant, pat: str
) -> None:
    with TestClient(app) as other_browser:
        _sign_in(other_browser, pat)
        _sign_in(client, pat)
        assert other_browser.get(ME).status_code == 200
        api_token = client.post(TOKENS, json={"name": "ci"}, headers=_csrf(client)).json()["token"]
        out = client.post("/api/v1/auth/sign-out-everywhere", headers=_csrf(client))
        assert out.status_code == 200, out.text
        assert out.json() == {"revoked_sessions": 2}
        assert client.get(ME).status_code == 401
        refused = other_browser.get(ME)
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    bearer = {"Authorization": f"Bearer {api_token}"}
    assert client.get(ME, headers=bearer).json()["email"] == pat
    # Others' sessions are untouched.
    assert client.get(ME, headers=tenant.headers("admin")).status_code == 200


def test_an_api_token_is_exchanged_for_a_session_of_its_own(
    client: TestClient, tenant: Tenant
) -> None:
    started = client.post("/api/v1/auth/session", headers=tenant.headers("editor"))
    assert started.status_code == 200, started.text
    assert started.json()["user"]["email"] == "editor@acme.test"
    cookies = _set_cookies(started.headers.get_list("set-cookie"))
    assert cookies[SESSION_COOKIE]["value"] != tenant.editor_token
    assert cookies[SESSION_COOKIE]["httponly"] is True
    assert client.get(ME).json()["email"] == "editor@acme.test"
    assert client.post("/api/v1/auth/sign-out", headers=_csrf(client)).status_code == 204
    assert client.get(ME).status_code == 401
    # Signing out of the browser never revokes the API token it was started with.
    assert client.get(ME, headers=tenant.headers("editor")).status_code == 200
    # Nor does signing out with an API token as the Bearer credential.
    assert client.post("/api/v1/auth/sign-out", headers=tenant.headers("editor")).status_code == 204
    assert client.get(ME, headers=tenant.headers("editor")).status_code == 200
    refused = client.post("/api/v1/auth/session")
    assert refused.status_code == 401


def test_api_tokens_may_not_take_the_sessions_name(client: TestClient, tenant: Tenant) -> None:
    response = client.post(TOKENS, json={"name": " Sign-In "}, headers=tenant.headers("viewer"))
    assert response.status_code == 422
    assert "name" in str(response.json()["detail"]) and "reserved" in response.text


def test_the_notification_socket_accepts_the_session_cookie(client: TestClient, pat: str) -> None:
    _sign_in(client, pat)
    with client.websocket_connect(WS_PATH) as ws:
        assert hello(ws) == 0
    client.post("/api/v1/auth/sign-out-everywhere", headers=_csrf(client))
    client.cookies.set(SESSION_COOKIE, "revoked-or-unknown")
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(WS_PATH) as ws:
        receive(ws)
    assert refused.value.code == 4401


def test_the_document_declares_the_csrf_refusal_on_writes_only(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "403" in paths["/api/v1/auth/tokens"]["post"]["responses"]
    assert "403" in paths["/api/v1/auth/tokens/{token_id}"]["delete"]["responses"]
    assert "403" not in paths["/api/v1/auth/tokens"]["get"]["responses"]
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["APIKeyCookie"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": schemes["APIKeyCookie"]["description"],
    }
    assert "X-CSRF-Token" in schemes["APIKeyCookie"]["description"]
