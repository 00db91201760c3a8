"""Export, import, export again: the same bytes, for every built-in blueprint and for generated
workflows of every shape (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Tenant

URL = "/api/v1/workflow/process-templates/"
JSON = {"Content-Type": "application/json"}


def test_every_builtin_blueprint_round_trips(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    items = client.get(URL, params={"size": 100}, headers=tenant.headers()).json()["items"]
    others = client.get(URL, params={"size": 100}, headers=other_tenant.headers()).json()["items"]
    other_ids = {item["slug"]: item["id"] for item in others}
    assert len(items) == 8
    for item in items:
        first = client.get(f"{URL}{item['id']}/export/", headers=tenant.headers())
        assert first.status_code == 200 and first.headers["content-type"] == "application/json"
        document = json.loads(first.content)
        assert document["crmflow_blueprint"] == 1 and document["checksum"] == item["checksum"]
        assert {n["id"] for n in document["graph_spec"]["nodes"]} >= {"trigger", "actions/0"}
        # Installed already at this version: the other company must remove it first.
        refused = client.post(
            f"{URL}import_blueprint/", content=first.content, headers=JSON | other_tenant.headers()
        )
        assert refused.status_code == 409, refused.text
        removed = client.delete(f"{URL}{other_ids[item['slug']]}/", headers=other_tenant.headers())
        assert removed.status_code == 204
        imported = client.post(
            f"{URL}import_blueprint/", content=first.content, headers=JSON | other_tenant.headers()
        )
        assert imported.status_code == 201, imported.text
        again = client.get(f"{URL}{imported.json()['id']}/export/", headers=other_tenant.headers())
        assert again.content == first.content, item["name"]


# --- generated workflows -------------------------------------------------------------------------

WORDS = (
    st.text(
        alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçôÉ 0123456789-'"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
TRIGGERS = st.sampled_from(
    [
        ("deal_created", {}, "deal.amount"),
        ("deal_updated", {}, "deal.amount"),
        ("organisation_created", {}, "organisation.potential_amount"),
        ("deal_stage_changed", {"from": "proposition", "to": "signed"}, "deal.amount"),
        (
            "inactivity_delay",
            {"entity_type": "organisation", "days": 30},
            "organisation.potential_amount",
        ),
        ("scheduled", {"frequency": "daily"}, None),
        ("manual", {}, None),
    ]
)


def _rule(field: str) -> Any:
    return st.builds(
        lambda op, value: {"field": field, "operator": op, "value": value},
        st.sampled_from([">", "<", ">=", "==", "!="]),
        st.integers(min_value=0, max_value=10**7),
    )


def _leaf() -> Any:
    return st.one_of(
        st.builds(lambda tag: {"type": "add_tag", "config": {"tag": tag}}, WORDS),
        st.builds(
            lambda title, days, priority: {
                "type": "create_task",
                "config": {"title": title, "due_date": f"+{days} days", "priority": priority},
            },
            WORDS,
            st.integers(1, 60),
            st.sampled_from(["low", "normal", "high", "urgent"]),
        ),
        st.builds(
            lambda message, level: {
                "type": "send_notification",
                "config": {"user": "owner", "level": level, "message": message},
            },
            WORDS,
            st.sampled_from(["info", "warning", "success", "error"]),
        ),
        st.builds(
            lambda days: {"type": "delay", "config": {"duration": f"{days} days"}},
            st.integers(1, 90),
        ),
        st.just({"type": "approval", "config": {"approvers": ["title:director"], "mode": "any"}}),
    )


def _named(step: Any) -> Any:
    return st.builds(
        lambda s, name, on_error: {
            **s,
            **({"name": name} if name else {}),
            **({"on_error": on_error} if on_error else {}),
        },
        step,
        st.one_of(st.none(), WORDS),
        st.sampled_from([None, "continue", "stop"]),
    )


def _steps(field: str | None) -> Any:
    leaf = _named(_leaf())
    if field is None:
        return st.lists(leaf, max_size=4)
    branch = st.builds(
        lambda whens, lanes, otherwise: {
            "type": "branch",
            "branches": [{"when": w, "actions": a} for w, a in zip(whens, lanes, strict=False)],
            **({"else": otherwise} if otherwise else {}),
        },
        st.lists(_rule(field), min_size=1, max_size=2),
        st.lists(st.lists(leaf, min_size=1, max_size=2), min_size=2, max_size=2),
        st.lists(leaf, max_size=2),
    )
    return st.lists(st.one_of(leaf, leaf, branch), max_size=5)


@st.composite
def workflows(draw: Any) -> dict[str, Any]:
    trigger_type, trigger_config, field = draw(TRIGGERS)
    actions = draw(_steps(field))
    body: dict[str, Any] = {
        "name": draw(WORDS),
        "description": draw(st.one_of(st.just(""), WORDS)),
        "trigger_type": trigger_type,
        "trigger_config": trigger_config,
        "actions": actions,
        "is_template": draw(st.booleans()),
        "run_policy": draw(
            st.sampled_from([None, {"mode": "single"}, {"mode": "queued", "reenrollment": "never"}])
        ),
    }
    if field is not None and draw(st.booleans()):
        body["conditions"] = {
            "operator": draw(st.sampled_from(["AND", "OR"])),
            "rules": draw(st.lists(_rule(field), min_size=1, max_size=3)),
        }
    if actions and draw(st.booleans()):
        point = st.floats(min_value=-5000, max_value=5000, allow_nan=False).map(
            lambda v: round(v, 1)
        )
        body["graph_layout"] = {
            "positions": {
                "trigger": {"x": draw(point), "y": draw(point)},
                "actions/0": {"x": draw(point), "y": draw(point)},
            }
        }
    return body


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=workflows())
def test_generated_workflows_round_trip_byte_for_byte(
    client: TestClient, tenant: Tenant, body: dict[str, Any]
) -> None:
    headers = tenant.headers()
    created = client.post("/api/v1/workflows", json=body, headers=headers)
    assert created.status_code == 201, (created.text, body)
    first = client.get(f"/api/v1/workflows/{created.json()['id']}/export", headers=headers)
    assert first.status_code == 200
    imported = client.post(
        "/api/v1/workflows/import", content=first.content, headers=JSON | headers
    )
    assert imported.status_code == 201, imported.text
    (copy,) = imported.json()
    assert copy["status"] == "draft" and copy["version"] == 1
    again = client.get(f"/api/v1/workflows/{copy['id']}/export", headers=headers)
    assert again.content == first.content
    assert json.loads(first.content)["workflows"][0]["name"] == created.json()["name"]
