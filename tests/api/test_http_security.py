"""HTTP hygiene: security headers on every response, the docs' own CSP, CORS only when configured,
and /metrics behind CRMFLOW_METRICS_TOKEN when it is set."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from crmflow.config import Settings
from crmflow.main import create_app
from tests.conftest import Tenant

STATIC_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
APP_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", "ws://localhost:8000"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
ALLOWED = "https://crm.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization",
}


def directives(policy: str) -> dict[str, list[str]]:
    """Parse a Content-Security-Policy header into {directive: sources}."""
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} twice in {policy}"
        parsed[name] = sources
    return parsed


def assert_secured(response: object, what: str) -> dict[str, list[str]]:
    """Assert the four fixed headers and a CSP; return the parsed CSP."""
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in STATIC_HEADERS.items():
        assert headers.get(name) == value, f"{what}: {name}={headers.get(name)!r}"
        assert len(headers.get_list(name)) == 1, f"{what}: {name} repeated"
    assert len(headers.get_list("content-security-policy")) == 1, what
    return directives(headers["content-security-policy"])


def _settings(db_url: str, **extra: str) -> Settings:
    return Settings(
        CRMFLOW_DATABASE_URL=db_url,
        CRMFLOW_ADMIN_EMAIL="root@example.com",
        CRMFLOW_ADMIN_TOKEN="root-token",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture()
def crash_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app with a crashing route, getting Starlette's plain 500 answer."""
    app = create_app(settings, start_runtime=False)

    @app.post("/crash-for-test", include_in_schema=False)
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_every_kind_of_response_carries_the_headers_and_the_strict_policy(
    client: TestClient, crash_client: TestClient, tenant: Tenant
) -> None:
    created = client.post(
        "/api/v1/organisations", headers=tenant.headers(), json={"name": "Secured"}
    )
    responses = {
        "UI page": client.get("/"),
        "UI deep link": client.get("/workflows/1"),
        "health": client.get("/healthz"),
        "openapi": client.get("/openapi.json"),
        "metrics": client.get("/metrics"),
        "API 200": client.get("/api/v1/organisations", headers=tenant.headers()),
        "API 201": created,
        "API 401": client.get("/api/v1/organisations"),
        "API 404": client.get("/api/v1/nope"),
        "API 405": client.delete("/api/v1/organisations"),
        "API 422": client.post("/api/v1/organisations", headers=tenant.headers(), json={}),
        "preflight without CORS": client.options(
            "/api/v1/organisations", headers={"Origin": ALLOWED, **PREFLIGHT}
        ),
        "unhandled 500": crash_client.post("/crash-for-test"),
    }
    assert created.status_code == 201, created.text
    assert responses["unhandled 500"].status_code == 500
    for what, response in responses.items():
        assert assert_secured(response, what) == APP_POLICY, what


def test_a_public_https_url_puts_its_wss_origin_in_connect_src(db_url: str) -> None:
    app = create_app(
        _settings(db_url, CRMFLOW_PUBLIC_URL="https://crm.example.com:8443/base/"),
        start_runtime=False,
    )
    with TestClient(app) as client:
        policy = assert_secured(client.get("/healthz"), "healthz")
    assert policy["connect-src"] == ["'self'", "wss://crm.example.com:8443"]


def _references(html: str) -> dict[str, list[str]]:
    """What a docs page loads: script, stylesheet and icon URLs, and its inline scripts."""
    return {
        "scripts": re.findall(r'<script[^>]*\bsrc="([^"]+)"', html),
        "styles": re.findall(r'<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"', html)
        + re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html),
        "icons": re.findall(r'<link[^>]*rel="shortcut icon"[^>]*href="([^"]+)"', html),
        "inline": re.findall(r"<script>(.*?)</script>", html, re.DOTALL),
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _allows(sources: list[str], url: str) -> bool:
    return "'self'" in sources if url.startswith("/") else _origin(url) in sources


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_docs_pages_policy_allows_exactly_what_their_html_loads(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = assert_secured(response, path)
    refs = _references(response.text)
    assert refs["scripts"] or refs["inline"], f"{path}: nothing to check in {response.text}"
    for url in refs["scripts"]:
        assert _allows(policy["script-src"], url), (url, policy["script-src"])
    for url in refs["styles"]:
        assert _allows(policy["style-src"], url), (url, policy["style-src"])
    for url in refs["icons"]:
        assert _allows(policy["img-src"], url), (url, policy["img-src"])
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in refs["inline"]
    }
    assert hashes <= set(policy["script-src"]), (hashes, policy["script-src"])
    # The inline script is allowed by its hash alone: no blanket inline or eval, no framing.
    assert {"'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"}.isdisjoint(policy["script-src"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]


def test_a_changed_inline_script_is_not_allowed_by_the_docs_policy(client: TestClient) -> None:
    policy = directives(client.get("/docs").headers["content-security-policy"])
    tampered = client.get("/docs").text.replace("deepLinking", "deepLinkinG")
    code = re.findall(r"<script>(.*?)</script>", tampered, re.DOTALL)[0]
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert f"'sha256-{digest}'" not in policy["script-src"]


def test_the_ui_policy_is_not_loosened_by_the_docs_one(client: TestClient) -> None:
    docs = directives(client.get("/docs").headers["content-security-policy"])
    ui = directives(client.get("/").headers["content-security-policy"])
    assert "https://cdn.jsdelivr.net" in docs["script-src"]
    assert ui["script-src"] == ["'self'"] and ui["style-src"] == ["'self'"]


# --- CORS ----------------------------------------------------------------------------------------


def _cors_headers(response: object) -> dict[str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    return {k: v for k, v in headers.items() if k.lower().startswith("access-control-")}


def test_no_cors_headers_at_all_by_default(client: TestClient, tenant: Tenant) -> None:
    preflight = client.options("/api/v1/organisations", headers={"Origin": ALLOWED, **PREFLIGHT})
    simple = client.get("/api/v1/organisations", headers={"Origin": ALLOWED, **tenant.headers()})
    assert simple.status_code == 200
    assert _cors_headers(preflight) == {}
    assert _cors_headers(simple) == {}


@pytest.fixture()
def cors_client(db_url: str) -> Iterator[TestClient]:
    settings = _settings(db_url, CRMFLOW_ALLOWED_ORIGINS=f" {ALLOWED}/ , http://localhost:5173")
    with TestClient(create_app(settings, start_runtime=False)) as c:
        yield c


def test_an_allowed_origin_gets_the_cors_headers_without_credentials(
    cors_client: TestClient, tenant: Tenant
) -> None:
    for origin in (ALLOWED, "http://localhost:5173"):
        preflight = cors_client.options(
            "/api/v1/organisations", headers={"Origin": origin, **PREFLIGHT}
        )
        assert preflight.status_code == 200, preflight.text
        cors = _cors_headers(preflight)
        assert cors["access-control-allow-origin"] == origin
        assert "authorization" in cors["access-control-allow-headers"].lower()
        assert "POST" in cors["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in cors
        assert_secured(preflight, f"preflight from {origin}")
    simple = cors_client.get(
        "/api/v1/organisations", headers={"Origin": ALLOWED, **tenant.headers()}
    )
    assert simple.status_code == 200
    assert simple.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-credentials" not in simple.headers


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://crm.example.com.evil.example",
        "http://crm.example.com",  # other scheme
        "https://crm.example.com:8443",  # other port
        "null",
    ],
)
def test_another_origin_gets_no_cors_headers(
    cors_client: TestClient, tenant: Tenant, origin: str
) -> None:
    preflight = cors_client.options(
        "/api/v1/organisations", headers={"Origin": origin, **PREFLIGHT}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    simple = cors_client.get(
        "/api/v1/organisations", headers={"Origin": origin, **tenant.headers()}
    )
    assert "access-control-allow-origin" not in simple.headers


# --- /metrics ------------------------------------------------------------------------------------


def test_metrics_are_open_when_no_token_is_set(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "# HELP" in response.text


@pytest.fixture()
def metrics_client(db_url: str) -> Iterator[TestClient]:
    settings = _settings(db_url, CRMFLOW_METRICS_TOKEN="scrape-me-4f9a")
    with TestClient(create_app(settings, start_runtime=False)) as c:
        yield c


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer ",
        "Bearer scrape-me",
        "Bearer scrape-me-4f9a-and-more",
        "Bearer SCRAPE-ME-4F9A",
        "Basic c2NyYXBlLW1lLTRmOWE=",
        "scrape-me-4f9a",
        "Bearer root-token",  # an API token is not the metrics token
    ],
)
def test_metrics_need_the_metrics_token_when_it_is_set(
    metrics_client: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = metrics_client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "# HELP" not in response.text
    assert_secured(response, "metrics 401")


def test_metrics_answer_the_right_token(metrics_client: TestClient) -> None:
    for header in ("Bearer scrape-me-4f9a", "bearer scrape-me-4f9a"):
        response = metrics_client.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 200, header
        assert "# HELP" in response.text
