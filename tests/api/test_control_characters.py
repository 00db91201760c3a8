"""Names and titles refuse control, bidi and invisible formatting characters (a 422 naming the
field and the character, nothing written); free text keeps tabs and line breaks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant

# Refused in every name: C0 (NUL, TAB, LF, ESC of ANSI sequences), DEL, C1 (NEL, CSI), the bidi
# marks, embeddings, overrides and isolates, the line separator and the byte-order mark.
NAME_REFUSED = [
    "\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b", "\u061c", "\u200e", "\u200f",
    "\u202a", "\u202d", "\u202e", "\u2066", "\u2069", "\u2028", "\ufeff",
]  # fmt: skip
# Refused in free text too: everything above but tabs, line breaks and the invisible marks.
TEXT_REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u202a", "\u202e", "\u2066", "\ufeff"]
TEXT_KEPT = "Ligne 1\r\n\tLigne 2\n\u05e9\u05dc\u05d5\u05dd\u200f (RLM) \u2028 fin"
NAMES_KEPT = ["Société Générale", "שלום עולם", "شركة مرحبا", "👩‍💻 Équipe", "株式会社"]

Body = Callable[[str], dict[str, Any]]
TextBody = Callable[[str, int], dict[str, Any]]


def _workflow(**fields: Any) -> dict[str, Any]:
    return {"name": "W", "trigger_type": "manual", **fields}


def _step(**fields: Any) -> dict[str, Any]:
    return {"type": "create_task", "config": {"title": "Call"}, **fields}


# (method, path, body with the value in place, the field the 422 must name)
CREATIONS: list[tuple[str, str, Body, str]] = [
    ("POST", "/api/v1/organisations", lambda v: {"name": v}, "name"),
    ("POST", "/api/v1/organisations", lambda v: {"name": "A", "category": v}, "category"),
    ("POST", "/api/v1/organisations", lambda v: {"name": "A", "tags": ["ok", v]}, "tags[1]"),
    ("POST", "/api/v1/contacts", lambda v: {"first_name": v}, "first_name"),
    ("POST", "/api/v1/contacts", lambda v: {"last_name": "L", "job_title": v}, "job_title"),
    ("POST", "/api/v1/contacts", lambda v: {"last_name": "L", "email": f"a{v}@b.co"}, "email"),
    ("POST", "/api/v1/deals", lambda v: {"title": v}, "title"),
    ("POST", "/api/v1/tasks", lambda v: {"title": v}, "title"),
    ("POST", "/api/v1/tags", lambda v: {"name": v}, "name"),
    (
        "POST",
        "/api/v1/activities",
        lambda v: {"subject": v, "entity_type": "organisation", "entity_id": 1},
        "subject",
    ),
    ("POST", "/api/v1/users", lambda v: {"email": "n@new.test", "name": v}, "name"),
    ("POST", "/api/v1/users", lambda v: {"email": "n@new.test", "titles": [v]}, "titles[0]"),
    ("POST", "/api/v1/auth/tokens", lambda v: {"name": v}, "name"),
    ("POST", "/api/v1/workflows", lambda v: _workflow(name=v), "name"),
    ("POST", "/api/v1/workflows", lambda v: _workflow(actions=[_step(name=v)]), "actions[0].name"),
    (
        "POST",
        "/api/v1/workflows",
        lambda v: _workflow(
            actions=[
                {
                    "type": "branch",
                    "branches": [{"name": v, "when": {"field": "a", "operator": "==", "value": 1}}],
                }
            ]
        ),
        "actions[0].branches[0].name",
    ),
    (
        "POST",
        "/api/v1/workflows",
        lambda v: _workflow(actions=[{"type": "parallel", "branches": [{"name": v}]}]),
        "actions[0].branches[0].name",
    ),
    (
        "POST",
        "/api/v1/workflow/action-catalog",
        lambda v: {
            "name": v,
            "action_type": "notify_erp",
            "config": {"url": "https://erp.example.com/hook"},
        },
        "name",
    ),
]
# (method, path, body with the value in place and an organisation's id, the field)
TEXTS: list[tuple[str, str, TextBody, str]] = [
    ("POST", "/api/v1/workflows", lambda v, _: _workflow(description=v), "description"),
    ("POST", "/api/v1/tasks", lambda v, _: {"title": "T", "description": v}, "description"),
    (
        "POST",
        "/api/v1/activities",
        lambda v, org: {"body": v, "entity_type": "organisation", "entity_id": org},
        "body",
    ),
    (
        "POST",
        "/api/v1/workflows",
        lambda v, _: _workflow(
            actions=[{"type": "approval", "config": {"approvers": ["role:admin"], "message": v}}]
        ),
        "actions[0].config.message",
    ),
]


def _refused(response: Any, field: str, character: str) -> None:
    code = f"U+{ord(character):04X}"
    assert response.status_code == 422, (field, code, response.status_code, response.text)
    messages = [e["msg"] for e in response.json()["detail"]]
    assert f"{field}: control character {code} not allowed" in messages, (code, messages)


def _holds(value: Any, text: str) -> bool:
    """True when `text` is one of the strings anywhere inside a JSON value."""
    if isinstance(value, dict):
        return any(_holds(v, text) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, text) for v in value)
    return value == text


def _counts(client: TestClient, tenant: Tenant) -> dict[str, int]:
    counts = {}
    for path in ("organisations", "contacts", "deals", "tasks", "tags", "activities", "users"):
        response = client.get(f"/api/v1/{path}", headers=tenant.headers())
        assert response.status_code == 200, response.text
        counts[path] = response.json()["total"]
    listed = client.get("/api/v1/workflows", headers=tenant.headers()).json()
    counts["workflows"] = listed["total"] if isinstance(listed, dict) else len(listed)
    return counts


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), CREATIONS, ids=[f"{c[1]}:{c[3]}" for c in CREATIONS]
)
def test_a_name_with_a_control_character_is_refused_and_nothing_is_written(
    client: TestClient, tenant: Tenant, method: str, path: str, body: Body, field: str
) -> None:
    before = _counts(client, tenant)
    for character in NAME_REFUSED:
        for value in (f"Acme{character}Corp", f"{character}Acme", f"Acme{character}"):
            response = client.request(method, path, headers=tenant.headers(), json=body(value))
            _refused(response, field, character)
    assert _counts(client, tenant) == before


@pytest.mark.parametrize(
    ("method", "path", "body", "field"), TEXTS, ids=[f"{t[1]}:{t[3]}" for t in TEXTS]
)
def test_free_text_keeps_line_breaks_but_refuses_nul_esc_and_bidi_overrides(
    client: TestClient, tenant: Tenant, method: str, path: str, body: TextBody, field: str
) -> None:
    org = client.post("/api/v1/organisations", headers=tenant.headers(), json={"name": "About"})
    assert org.status_code == 201, org.text
    org_id = org.json()["id"]
    before = _counts(client, tenant)
    for character in TEXT_REFUSED:
        response = client.request(
            method, path, headers=tenant.headers(), json=body(f"a{character}b", org_id)
        )
        _refused(response, field, character)
    assert _counts(client, tenant) == before
    kept = client.request(method, path, headers=tenant.headers(), json=body(TEXT_KEPT, org_id))
    assert kept.status_code == 201, kept.text
    assert _holds(kept.json(), TEXT_KEPT), f"free text changed on the way in: {kept.text}"


def test_names_in_any_script_are_kept_and_surrounding_spaces_stripped(
    client: TestClient, tenant: Tenant
) -> None:
    for name in NAMES_KEPT:
        created = client.post(
            "/api/v1/organisations", headers=tenant.headers(), json={"name": f"  {name}\u3000"}
        )
        assert created.status_code == 201, created.text
        assert created.json()["name"] == name
    workflow = client.post(
        "/api/v1/workflows", headers=tenant.headers(), json=_workflow(name=" W ")
    )
    assert workflow.status_code == 201, workflow.text
    assert workflow.json()["name"] == "W"
    blank = client.post("/api/v1/workflows", headers=tenant.headers(), json=_workflow(name="   "))
    assert blank.status_code == 422


def test_updates_refuse_control_characters_too(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    org = client.post("/api/v1/organisations", headers=headers, json={"name": "Kept"}).json()
    workflow = client.post("/api/v1/workflows", headers=headers, json=_workflow()).json()
    updates = [
        ("PATCH", f"/api/v1/organisations/{org['id']}", "name"),
        ("PUT", f"/api/v1/workflows/{workflow['id']}", "name"),
        ("POST", f"/api/v1/workflows/{workflow['id']}/duplicate", "name"),
    ]
    for method, path, field in updates:
        response = client.request(method, path, headers=headers, json={field: "Evil\u202eexe.txt"})
        _refused(response, field, "\u202e")
    assert client.get(f"/api/v1/organisations/{org['id']}", headers=headers).json()["name"] == (
        "Kept"
    )
    assert client.get(f"/api/v1/workflows/{workflow['id']}", headers=headers).json()["name"] == (
        "W"
    )


def test_the_openapi_document_states_the_rule_as_a_pattern(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    name_pattern = schemas["OrganisationCreate"]["properties"]["name"]["pattern"]
    text_pattern = schemas["TaskCreate"]["properties"]["description"]["pattern"]
    assert schemas["WorkflowCreate"]["properties"]["name"]["pattern"] == name_pattern
    for character in NAME_REFUSED:
        assert not re.fullmatch(name_pattern, f"a{character}b"), f"U+{ord(character):04X}"
    for character in TEXT_REFUSED:
        assert not re.fullmatch(text_pattern, f"a{character}b"), f"U+{ord(character):04X}"
    for name in NAMES_KEPT:
        assert re.fullmatch(name_pattern, name), name
    assert re.fullmatch(text_pattern, TEXT_KEPT)
