"""Bad input never crashes the service: random bodies on every write route give a 4xx, not 5xx."""

from __future__ import annotations

import json
import random
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_route_auth import _http_routes
from tests.conftest import Tenant

BODIES_PER_ROUTE = 40
KEYS = [
    "name",
    "title",
    "type",
    "status",
    "trigger_type",
    "actions",
    "conditions",
    "config",
    "amount",
    "potential_amount",
    "owner_id",
    "stage",
    "email",
    "role",
    "titles",
    "field",
    "value",
    "operator",
    "rules",
    "when",
    "due_date",
    "idempotency_key",
    "entity_type",
    "entity_id",
    "trigger_entity_type",
    "trigger_entity_id",
    "payload",
    "tags",
    "read",
]
STRINGS = [
    "",
    "x",
    "ACTIVE",
    "organisation_created",
    "create_task",
    "{{ broken",
    "+3 dayz",
    "{{ ''.__class__ }}",
    "\x00",
    "é" * 300,
    "9" * 40,
    "null",
    "-1",
    "2026-13-45",
    "*/0 * * * *",
    "title:nobody",
]


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 1, 2**63, -(2**70), 50000])
    if kind == 3:
        return rng.choice([0.5, -1e308, 1e308, float("nan")]) if rng.random() < 0.3 else 3.14
    if kind in (4, 5):
        return rng.choice(STRINGS)
    if kind == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(KEYS): _value(rng, depth + 1) for _ in range(rng.randrange(5))}


def _body(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice([b"{not json", b"", b"[]", b"null", b"\xff\xfe", b'{"a":'])
    value = {rng.choice(KEYS): _value(rng) for _ in range(rng.randrange(1, 7))}
    return json.dumps(value, allow_nan=True).encode()


def test_random_bodies_on_every_write_route_never_give_5xx(
    app: FastAPI, client: TestClient, tenant: Tenant
) -> None:
    org = client.post(
        "/api/v1/organisations", json={"name": "Target"}, headers=tenant.headers()
    ).json()
    rng = random.Random(20261122)
    failures: list[str] = []
    routes = [(m, p) for m, p in _http_routes(app) if m in ("POST", "PUT", "PATCH")]
    assert len(routes) >= 20
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", str(org["id"]), path)
        if "/execute" in url:
            url += "?wait=0"
        for _ in range(BODIES_PER_ROUTE):
            body = _body(rng)
            response = client.request(
                method,
                url,
                content=body,
                headers={**tenant.headers(), "Content-Type": "application/json"},
            )
            if response.status_code >= 500:
                failures.append(f"{method} {url} {body[:120]!r} -> {response.status_code}")
    assert not failures, "\n".join(failures[:20])


# The audit's four 500s (issue 12, finding 8): numbers beyond a signed 64-bit integer reached the
# database driver, and an explicit null reached the definition checks as a missing key.
BEYOND_64_BITS = 2**63


def _workflow(client: TestClient, tenant: Tenant) -> int:
    body = {"name": "Audit", "trigger_type": "manual"}
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _only_problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert len(problems) == 1, problems
    assert set(problems[0]) == {"loc", "msg", "type", "ctx"}
    return dict(problems[0])


def test_a_path_id_beyond_64_bits_is_a_422_naming_it(client: TestClient, tenant: Tenant) -> None:
    response = client.get(f"/api/v1/workflows/{BEYOND_64_BITS}", headers=tenant.headers())
    problem = _only_problem(response)
    assert problem["loc"] == "path.workflow_id" and problem["type"] == "less_than_equal"
    assert problem["ctx"] == {"le": BEYOND_64_BITS - 1}
    # The largest id is well-formed: not there, so a 404.
    largest = client.get(f"/api/v1/workflows/{BEYOND_64_BITS - 1}", headers=tenant.headers())
    assert largest.status_code == 404


def test_a_page_beyond_64_bits_is_a_422_naming_it(client: TestClient, tenant: Tenant) -> None:
    huge = client.get("/api/v1/workflows?page=99999999999999999999", headers=tenant.headers())
    assert _only_problem(huge)["loc"] == "query.page"
    # The last page allowed is empty, not an overflow of the row offset.
    last = client.get("/api/v1/workflows?page=1000000000&size=500", headers=tenant.headers())
    assert last.status_code == 200 and last.json()["items"] == []


def test_a_body_id_beyond_64_bits_is_a_422_naming_it(client: TestClient, tenant: Tenant) -> None:
    workflow_id = _workflow(client, tenant)
    response = client.post(
        f"/api/v1/workflows/{workflow_id}/execute?wait=0",
        json={"trigger_entity_type": "organisation", "trigger_entity_id": BEYOND_64_BITS},
        headers=tenant.headers(),
    )
    assert _only_problem(response)["loc"] == "trigger_entity_id"
    runs = client.get(f"/api/v1/workflows/{workflow_id}/executions", headers=tenant.headers())
    assert runs.json()["total"] == 0  # nothing started


def test_user_and_token_ids_beyond_64_bits_are_a_422_naming_them(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers()
    cases = [
        (client.delete(f"/api/v1/auth/tokens/{BEYOND_64_BITS}", headers=headers), "path.token_id"),
        (
            client.get(f"/api/v1/auth/tokens?user_id={BEYOND_64_BITS}", headers=headers),
            "query.user_id",
        ),
        (client.get(f"/api/v1/users/{BEYOND_64_BITS}", headers=headers), "path.user_id"),
        (
            client.post(
                "/api/v1/users",
                json={"email": "x@acme.test", "manager_id": BEYOND_64_BITS},
                headers=headers,
            ),
            "manager_id",
        ),
    ]
    for response, loc in cases:
        assert _only_problem(response)["loc"] == loc


def test_a_null_trigger_type_on_update_is_a_422_naming_it(
    client: TestClient, tenant: Tenant
) -> None:
    workflow_id = _workflow(client, tenant)
    url = f"/api/v1/workflows/{workflow_id}"
    response = client.put(url, json={"trigger_type": None}, headers=tenant.headers())
    assert _only_problem(response)["loc"] == "trigger_type"
    for field in ("name", "trigger_config", "actions", "status", "is_template"):
        refused = client.put(url, json={field: None}, headers=tenant.headers())
        assert _only_problem(refused)["loc"] == field
    after = client.get(url, headers=tenant.headers()).json()
    assert after["trigger_type"] == "manual" and after["version"] == 1  # nothing written
    # Null stays meaningful where it is: no conditions, the default run policy.
    cleared = client.put(
        url, json={"conditions": None, "run_policy": None}, headers=tenant.headers()
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["conditions"] is None


def test_a_nul_character_anywhere_is_a_422_naming_where(client: TestClient, tenant: Tenant) -> None:
    # PostgreSQL stores U+0000 in neither text nor jsonb: each of these was a 500 there.
    workflow_id = _workflow(client, tenant)
    nul = "\u0000"
    cases = [
        ("POST", f"/api/v1/workflows/{workflow_id}/execute?wait=0", {"trigger_data": {"a": nul}}),
        ("POST", "/api/v1/events", {"type": "invoice.paid", "payload": {"lines": [{"x": nul}]}}),
        ("POST", "/api/v1/events", {"type": "invoice.paid", "changes": {f"k{nul}": [1, 2]}}),
        ("POST", "/api/v1/organisations", {"name": "Nul", "custom_fields": {"note": nul}}),
        (
            "POST",
            "/api/v1/workflows",
            {"name": "w", "trigger_type": "manual", "conditions": {"deal.title": {"$eq": nul}}},
        ),
        ("GET", "/api/v1/organisations?q=%00", None),
        ("GET", "/api/v1/workflow/action-catalog/a%00b", None),
    ]
    expected = [
        "trigger_data.a",
        "payload.lines[0].x",
        "changes.k\\u0000",
        "custom_fields.note",
        "conditions.deal.title.$eq",
        "query.q",
        "path.action_type",
    ]
    for (method, url, body), loc in zip(cases, expected, strict=True):
        response = client.request(method, url, json=body, headers=tenant.headers())
        problem = _only_problem(response)
        assert problem["loc"] == loc and problem["type"] == "control_character", (url, problem)
    assert client.get("/api/v1/organisations?q=Nul", headers=tenant.headers()).json()["total"] == 0
    # An escaped backslash followed by u0000 is plain text, not a NUL.
    text = client.post(
        "/api/v1/organisations",
        json={"name": "Backslash", "custom_fields": {"note": "\\u0000"}},
        headers=tenant.headers(),
    )
    assert text.status_code == 201 and text.json()["custom_fields"] == {"note": "\\u0000"}
