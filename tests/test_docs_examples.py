"""The workflow definitions shown in docs/workflows.md are accepted by the API as written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.approvals.test_approval_flow import DISCOUNT_APPROVAL
from tests.conftest import Tenant

DOC = Path(__file__).resolve().parents[1] / "docs" / "workflows.md"
FENCED_JSON = re.compile(r"```json\n(.*?)```", re.DOTALL)


def _definitions() -> list[dict[str, Any]]:
    """Every fenced json block of the doc that is a whole workflow (it has a trigger_type)."""
    found = []
    for block in FENCED_JSON.findall(DOC.read_text(encoding="utf-8")):
        body = json.loads(block)
        if isinstance(body, dict) and "trigger_type" in body:
            found.append(body)
    return found


DEFINITIONS = _definitions()


def test_the_doc_has_the_flow_control_examples() -> None:
    steps = json.dumps(DEFINITIONS)
    for needle in ('"parallel"', '"business_hours"', '"approval"', '"retry"', '"run_policy"'):
        assert needle in steps, needle
    assert DISCOUNT_APPROVAL in DEFINITIONS  # the seed's Example 1, exactly as tested


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d["name"] for d in DEFINITIONS])
def test_doc_definition_is_accepted(
    client: TestClient, tenant: Tenant, definition: dict[str, Any]
) -> None:
    # The demo data has a CFO; the test company needs one for the discount approval.
    cfo = {"email": "cfo@acme.test", "role": "editor", "titles": ["cfo"]}
    assert client.post("/api/v1/users", json=cfo, headers=tenant.headers()).status_code == 201
    response = client.post("/api/v1/workflows", json=definition, headers=tenant.headers())
    assert response.status_code == 201, response.text
    assert response.json()["warnings"] == []
