"""While the database is unreachable every request answers 503 with a reason; then it recovers.

The database is a real PostgreSQL behind a TCP proxy that the test cuts and restores (needs
the machine's PostgreSQL: fails, never skips, without it). The embedded runtime is off here:
this test is about the API alone, and the runtime's own back-off during an outage is tested
in tests/integration/test_database_outage.py.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from crmflow.config import Settings
from crmflow.db.outage import unavailable_reason
from crmflow.db.session import get_session_factory
from crmflow.main import create_app
from tests.api.test_route_auth import PATH_PARAM, _http_routes
from tests.conftest import make_tenant
from tests.support.pg_database import fresh_database, server_address, via_port
from tests.support.tcp_proxy import TcpProxy

PASSWORD = "pw-never-shown-4b1e"
UNAVAILABLE = re.compile(r"^database unavailable: [a-z /]+; retry later$")


@pytest.fixture()
def outage_url() -> Iterator[tuple[str, TcpProxy]]:
    """A fresh PostgreSQL database reached through a proxy (URL with a password)."""
    with fresh_database("crmflow_api_outage") as direct, TcpProxy(*server_address()) as proxy:
        yield via_port(direct, proxy.port, password=PASSWORD), proxy


def _assert_unavailable(response: object, what: str) -> None:
    status = getattr(response, "status_code", None)
    text = getattr(response, "text", "")
    assert status == 503, f"{what}: {status} {text}"
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert UNAVAILABLE.match(detail), f"{what}: {detail!r}"
    assert response.headers["retry-after"] == "5", what  # type: ignore[attr-defined]
    for leak in ("Traceback", "psycopg", "sqlalchemy", PASSWORD, "postgresql://", "SELECT"):
        assert leak not in text, f"{what} leaks {leak!r}: {text}"


def test_every_route_answers_503_while_the_database_is_down_then_recovers(
    outage_url: tuple[str, TcpProxy],
) -> None:
    url, proxy = outage_url
    settings = Settings(
        CRMFLOW_DATABASE_URL=url,
        CRMFLOW_ADMIN_EMAIL="root@example.com",
        CRMFLOW_ADMIN_TOKEN="root-token",
    )
    with get_session_factory(url)() as session:
        tenant = make_tenant(session, "Acme")
    headers = tenant.headers()
    app = create_app(settings, start_runtime=False)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        org = client.post("/api/v1/organisations", headers=headers, json={"name": "Before"})
        assert org.status_code == 201, org.text
        org_id = org.json()["id"]
        assert proxy.live > 0  # pooled connections that the cut will break
        workflow = client.post(
            "/api/v1/workflows",
            headers=headers,
            json={
                "name": "by hand",
                "trigger_type": "organisation_created",
                "actions": [{"type": "create_task", "config": {"title": "call"}}],
            },
        )
        assert workflow.status_code == 201, workflow.text

        # Cut in the middle of a request: /execute?wait polls the database until the cut.
        # (No runtime runs here, so the execution stays pending and the call keeps polling.)
        cutter = threading.Timer(1.0, proxy.cut)
        cutter.start()
        started = time.monotonic()
        waiting = client.post(
            f"/api/v1/workflows/{workflow.json()['id']}/execute?wait=20",
            headers=headers,
            json={"trigger_entity_type": "organisation", "trigger_entity_id": org_id},
        )
        cutter.join()
        # It was in flight when the cut came, and failed then instead of waiting it out.
        assert 0.9 < time.monotonic() - started < 15
        _assert_unavailable(waiting, "POST /execute?wait=20 cut mid-request")
        _assert_unavailable(client.get("/healthz"), "GET /healthz")
        _assert_unavailable(
            client.get("/api/v1/organisations", headers=headers), "GET /organisations"
        )
        _assert_unavailable(
            client.get(f"/api/v1/organisations/{org_id}", headers=headers), "GET /organisations/id"
        )
        _assert_unavailable(
            client.post("/api/v1/organisations", headers=headers, json={"name": "During"}),
            "POST /organisations",
        )
        _assert_unavailable(
            client.post(
                "/api/v1/auth/login", json={"email": "admin@acme.test", "password": "whatever"}
            ),
            "POST /auth/login",
        )
        # Every API route: authentication reads the database before anything else.
        for method, path in _http_routes(app):
            if path == "/api/v1/auth/login":
                continue
            if path == "/api/v1/auth/sign-in-help":
                # Public, and outside demo mode a constant that reads nothing.
                help_ = client.get(path)
                assert help_.status_code == 200 and help_.json()["demo"] is False, help_.text
                continue
            concrete = PATH_PARAM.sub(str(org_id), path)
            body = {} if method in ("POST", "PUT", "PATCH") else None
            response = client.request(method, concrete, headers=headers, json=body)
            _assert_unavailable(response, f"{method} {path}")
        assert proxy.refused > 0  # the outage was real: connections were attempted and dropped

        proxy.restore()
        # The very first requests succeed: broken pooled connections are replaced, no restart.
        listed = client.get("/api/v1/organisations", headers=headers)
        assert listed.status_code == 200, listed.text
        assert [o["name"] for o in listed.json()["items"]] == ["Before"]
        created = client.post("/api/v1/organisations", headers=headers, json={"name": "After"})
        assert created.status_code == 201, created.text
        assert client.get("/healthz").json()["status"] == "ok"
        names = {
            o["name"] for o in client.get("/api/v1/organisations", headers=headers).json()["items"]
        }
        assert names == {"Before", "After"}  # nothing from the outage was half-written


def _boom_app(exc: BaseException) -> TestClient:
    app: FastAPI = create_app(Settings(CRMFLOW_DATABASE_URL="sqlite://"), start_runtime=False)

    def boom() -> None:
        raise exc

    app.add_api_route("/boom", boom)
    # Ahead of the UI's catch-all route (present when web/dist is built), which would answer it.
    app.router.routes.insert(0, app.router.routes.pop())
    return TestClient(app, raise_server_exceptions=False)


def test_sqlite_locked_beyond_its_timeout_is_503_but_a_schema_bug_stays_500() -> None:
    # The writer lock raises the raw driver error after 30 s; SQLAlchemy wraps the others.
    locked = sqlite3.OperationalError("database is locked (another writer held it for 30 s)")
    response = _boom_app(locked).get("/boom")
    assert response.status_code == 503
    assert response.json() == {"detail": "database unavailable: database is locked; retry later"}
    bug = OperationalError("SELECT x FROM nowhere", {}, sqlite3.OperationalError("no such table"))
    assert _boom_app(bug).get("/boom").status_code == 500


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            OperationalError(
                "SELECT 1",
                {},
                psycopg.OperationalError(
                    'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
                    "Connection refused\n\tIs the server running on that host?"
                ),
            ),
            "connection refused",
        ),
        (
            OperationalError(
                "SELECT 1",
                {},
                psycopg.OperationalError("server closed the connection unexpectedly"),
            ),
            "connection lost",
        ),
        (
            OperationalError(
                "SELECT 1", {}, psycopg.OperationalError("connection timeout expired")
            ),
            "connection timed out",
        ),
        (
            OperationalError(
                "SELECT 1", {}, psycopg.errors.QueryCanceled("canceling statement due to timeout")
            ),
            "query canceled",
        ),
        (
            OperationalError(
                "SELECT 1",
                {},
                psycopg.errors.TooManyConnections("sorry, too many clients already"),
            ),
            "too many connections",
        ),
        (
            OperationalError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed")),
            "connection lost",
        ),
        (
            PoolTimeout("QueuePool limit of size 10 overflow 20 reached"),
            "no free connection in the pool",
        ),
        (sqlite3.OperationalError("database is locked"), "database is locked"),
        (sqlite3.OperationalError("unable to open database file"), "cannot open the database file"),
        (sqlite3.OperationalError("no such column: x"), None),
        (
            IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key")),
            None,
        ),
        (ProgrammingError("SELECT", {}, psycopg.errors.SyntaxError("syntax error")), None),
        (ValueError("connection refused"), None),
    ],
)
def test_unavailable_reason_names_outages_in_safe_words(
    exc: BaseException, reason: str | None
) -> None:
    assert unavailable_reason(exc) == reason
