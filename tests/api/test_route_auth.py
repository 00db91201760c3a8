"""Every /api/v1 route refuses callers without a valid Bearer token (401).

The test walks `app.routes`, so routes added later are covered without editing it.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute
from starlette.websockets import WebSocketDisconnect

from crmflow.auth.deps import bearer

# The only way to obtain a token must itself be reachable without one; an inbound webhook is
# called by other systems that hold no crmflow token: its unguessable URL token (and optional
# HMAC signature) is the credential (tests/events/test_inbound_hooks.py covers it).
PUBLIC_ROUTES = {
    ("POST", "/api/v1/auth/login"),
    ("GET", "/api/v1/auth/sign-in-help"),
    ("POST", "/api/v1/hooks/{token}"),
}
BAD_CREDENTIALS = [
    None,
    "Bearer not-a-real-token",
    "Bearer ",
    "Basic cm9vdDpyb290",
    "not-a-scheme",
]
PATH_PARAM = re.compile(r"\{[^}]+\}")
# Routes the walk must see: if a router stopped being enumerable, they would escape the checks.
WORKFLOW_ROUTES = {
    ("GET", "/api/v1/workflows/templates/list"),
    ("POST", "/api/v1/workflows/templates/{template_id}/create"),
    ("GET", "/api/v1/workflows"),
    ("POST", "/api/v1/workflows"),
    ("GET", "/api/v1/workflows/{workflow_id}"),
    ("PUT", "/api/v1/workflows/{workflow_id}"),
    ("DELETE", "/api/v1/workflows/{workflow_id}"),
    ("POST", "/api/v1/workflows/{workflow_id}/activate"),
    ("POST", "/api/v1/workflows/{workflow_id}/duplicate"),
    ("POST", "/api/v1/workflows/{workflow_id}/execute"),
    ("GET", "/api/v1/workflows/{workflow_id}/executions"),
    ("GET", "/api/v1/workflows/{workflow_id}/executions/{execution_id}"),
    ("GET", "/api/v1/workflows/{workflow_id}/stats"),
    ("GET", "/api/v1/workflows/{workflow_id}/versions"),
    ("GET", "/api/v1/executions"),
    ("GET", "/api/v1/executions/{execution_id}"),
}


def _api_routes(app: FastAPI) -> list[tuple[BaseRoute, str]]:
    """Return (route, full path) for every route under /api/v1, through included routers."""
    try:  # FastAPI >= 0.16x keeps included routers lazily; this walks them with their prefixes
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI copies included routes into app.routes
        pairs = [(route, str(getattr(route, "path", ""))) for route in app.routes]
    else:
        pairs = [(c.original_route, str(c.path or "")) for c in iter_route_contexts(app.routes)]
    return [(route, path) for route, path in pairs if path.startswith("/api/v1")]


def _http_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route, path in _api_routes(app):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                found.append((method, path))
    return found


def test_no_route_under_api_escapes_the_checks(app: FastAPI) -> None:
    # A mounted sub-application or plain Starlette route could not be enumerated below.
    odd = [
        path
        for route, path in _api_routes(app)
        if not isinstance(route, APIRoute | APIWebSocketRoute)
    ]
    assert not odd, f"routes the auth checks cannot enumerate: {odd}"


def test_the_walk_sees_the_workflow_and_execution_routes(app: FastAPI) -> None:
    missing = WORKFLOW_ROUTES - set(_http_routes(app))
    assert not missing, f"routes the auth checks do not see: {sorted(missing)}"


def test_every_api_route_requires_a_token(client: TestClient, app: FastAPI) -> None:
    routes = _http_routes(app)
    assert ("GET", "/api/v1/organisations") in routes  # the walk sees the routers
    failures = []
    for method, path in routes:
        if (method, path) in PUBLIC_ROUTES:
            continue
        url = PATH_PARAM.sub("1", path)
        for credentials in BAD_CREDENTIALS:
            headers = {"Authorization": credentials} if credentials else {}
            response = client.request(method, url, headers=headers)
            if response.status_code != 401 or "detail" not in response.json():
                failures.append(f"{method} {path} with {credentials!r}: {response.status_code}")
    assert not failures, "routes reachable without a valid token:\n" + "\n".join(failures)


def test_public_routes_exist_and_routes_document_bearer_auth(app: FastAPI) -> None:
    routes = set(_http_routes(app))
    assert routes >= PUBLIC_ROUTES
    schema = app.openapi()
    for method, path in routes - PUBLIC_ROUTES:
        operation = schema["paths"][path][method.lower()]
        assert {bearer.scheme_name: []} in operation.get("security", []), (method, path)


def test_every_api_websocket_refuses_a_caller_without_token(
    client: TestClient, app: FastAPI
) -> None:
    for route, path in _api_routes(app):
        if not isinstance(route, APIWebSocketRoute):
            continue
        url = PATH_PARAM.sub("1", path)
        try:
            with client.websocket_connect(url) as socket:
                message = socket.receive()
                assert message["type"] == "websocket.close", (path, message)
        except WebSocketDisconnect:
            pass  # closed before accepting
