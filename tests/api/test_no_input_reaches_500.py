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
