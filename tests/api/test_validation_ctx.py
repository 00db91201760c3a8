"""422 problems carry Pydantic's context (JSON-safe primitives) so a client can phrase them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from crmflow.common.errors import _ctx
from tests.conftest import Tenant


def _problems(response: object) -> list[dict[str, object]]:
    assert getattr(response, "status_code", None) == 422, getattr(response, "text", response)
    problems: list[dict[str, object]] = response.json()["detail"]  # type: ignore[attr-defined]
    return problems


def test_a_too_short_name_carries_its_minimum(client: TestClient, tenant: Tenant) -> None:
    body = {"name": "", "trigger_type": "manual"}
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    problem = next(p for p in _problems(response) if p["loc"] == "name")
    assert problem["type"] == "string_too_short"
    assert problem["ctx"] == {"min_length": 1}
    # The precise message stays for the API's readers.
    assert str(problem["msg"]).startswith("name: ")


def test_a_wrong_choice_carries_the_expected_values(client: TestClient, tenant: Tenant) -> None:
    body = {"name": "Choice", "trigger_type": "whenever"}
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    problem = next(p for p in _problems(response) if p["loc"] == "trigger_type")
    assert problem["type"] == "enum"
    assert "manual" in str(problem["ctx"]["expected"])  # type: ignore[index]


def test_a_missing_field_has_an_empty_context(client: TestClient, tenant: Tenant) -> None:
    response = client.post("/api/v1/workflows", json={}, headers=tenant.headers())
    problem = next(p for p in _problems(response) if p["loc"] == "name")
    assert problem["type"] == "missing" and problem["ctx"] == {}


def test_context_keeps_primitives_and_drops_exceptions() -> None:
    ctx = _ctx(
        {
            "min_length": 2,
            "expected": "'a' or 'b'",
            "strict": True,
            "error": ValueError("the cause, already in msg"),
            "gt": Decimal("1.5"),
            "le": date(2026, 1, 31),
            "limit": float("inf"),
        }
    )
    assert ctx == {
        "min_length": 2,
        "expected": "'a' or 'b'",
        "strict": True,
        "gt": "1.5",
        "le": "2026-01-31",
        "limit": "inf",
    }
    json.dumps(ctx, allow_nan=False)
    assert _ctx(None) == {}
