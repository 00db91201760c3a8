"""Audit findings 3 and 4: body size and JSON nesting limits on every route; deep rows readable.

- 50 MB event payloads and trigger_data were accepted; a 100,000-step workflow was saved;
- 300-400 nesting levels were stored, then `GET /organisations`, `GET /events` and an execution
  detail answered 500 for good.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from crmflow.db.json_limits import TRUNCATED_MARKER, json_depth, load_stored_json, value_depth
from tests.conftest import Tenant
from tests.workflows.factories import create_workflow

MB = 1_000_000


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


def _nested_text(depth: int) -> str:
    """The JSON text of `_nested`-like nesting, built without recursion (json.dumps would)."""
    return '{"a": [' * (depth // 2) + '"leaf"' + "]}" * (depth // 2)


def _post_raw(client: TestClient, url: str, body: bytes, tenant: Tenant) -> Any:
    headers = {**tenant.headers(), "Content-Type": "application/json"}
    return client.post(url, content=body, headers=headers)


def test_a_50_mb_event_payload_is_refused_with_413_before_it_is_stored(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    body = json.dumps({"type": "invoice.paid", "payload": {"blob": "x" * (50 * MB)}}).encode()
    response = _post_raw(client, "/api/v1/events", body, tenant)
    assert response.status_code == 413
    assert "1000000 bytes" in response.json()["detail"]
    assert "CRMFLOW_MAX_BODY_BYTES" in response.json()["detail"]
    assert session.execute(text("SELECT count(*) FROM events")).scalar() == 0


def test_a_body_without_content_length_is_cut_at_the_limit(
    client: TestClient, tenant: Tenant
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"type": "x", "payload": {"blob": "'
        for _ in range(30):
            yield b"y" * 100_000
        yield b'"}}'

    headers = {**tenant.headers(), "Content-Type": "application/json"}
    response = client.post("/api/v1/events", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_50_mb_of_trigger_data_is_refused(client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(
        client, tenant.headers(), {"name": "m", "trigger_type": "manual"}, active=True
    )
    body = json.dumps({"trigger_data": {"blob": "z" * (50 * MB)}}).encode()
    response = _post_raw(client, f"/api/v1/workflows/{workflow['id']}/execute?wait=0", body, tenant)
    assert response.status_code == 413


def test_a_100000_step_workflow_is_refused_and_so_is_one_step_too_many(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    step = {"type": "add_tag", "config": {"tag": "x"}}
    body = {"name": "huge", "trigger_type": "manual", "actions": [step] * 100_000}
    huge = _post_raw(client, "/api/v1/workflows", json.dumps(body).encode(), tenant)
    assert huge.status_code == 413
    nested = {"type": "branch", "branches": [{"when": {"deal.amount": 1}, "actions": [step] * 100}]}
    body = {"name": "many", "trigger_type": "manual", "actions": [nested, *([step] * 100)]}
    many = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert many.status_code == 422, many.text
    [error] = many.json()["detail"]
    assert error["loc"] == "actions"
    assert "201 steps" in error["msg"] and "at most 200" in error["msg"]
    assert session.execute(text("SELECT count(*) FROM workflows")).scalar() == 0


def test_a_definition_over_the_byte_limit_is_refused(client: TestClient, tenant: Tenant) -> None:
    step = {"type": "create_task", "config": {"title": "t", "description": "d" * 2_000}}
    body = {"name": "wide", "trigger_type": "manual", "actions": [step] * 150}
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert "CRMFLOW_MAX_DEFINITION_BYTES" in response.json()["detail"][0]["msg"]


def test_nesting_is_limited_per_stored_field_and_names_it(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    ok = {"name": "fine", "custom_fields": {"k": _nested(31)}}  # custom_fields: 32 levels
    assert (
        client.post("/api/v1/organisations", json=ok, headers=tenant.headers()).status_code == 201
    )
    for depth, shown in ((32, "33"), (300, "301"), (5_000, "more than 400")):
        body = f'{{"name": "deep{depth}", "custom_fields": {{"k": {_nested_text(depth)}}}}}'
        response = _post_raw(client, "/api/v1/organisations", body.encode(), tenant)
        assert response.status_code == 422, response.text
        [error] = response.json()["detail"]
        field = "body" if depth > 400 else "custom_fields"
        assert error["loc"] == field
        assert error["msg"].startswith(f"{field}: JSON nested {shown} levels deep; at most 32")
    event = json.dumps({"type": "deep", "payload": _nested(300)}).encode()
    refused = _post_raw(client, "/api/v1/events", event, tenant)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == "payload"
    names = session.execute(text("SELECT name FROM organisations")).scalars().all()
    assert names == ["fine"]


def test_a_hook_delivery_400_levels_deep_is_refused(client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(
        client, tenant.headers(), {"name": "in", "trigger_type": "webhook_received"}, active=True
    )
    url = workflow["inbound_url"].split("/api/v1", 1)[1]
    body = ("[" * 400 + "]" * 400).encode()
    response = client.post(
        f"/api/v1{url}", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == "body"


def test_rows_stored_too_deep_before_the_limit_stay_readable(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    org = client.post("/api/v1/organisations", json={"name": "old"}, headers=tenant.headers())
    event = client.post(
        "/api/v1/events", json={"type": "legacy", "payload": {}}, headers=tenant.headers()
    )
    workflow = create_workflow(
        client, tenant.headers(), {"name": "m", "trigger_type": "manual"}, active=True
    )
    run = client.post(
        f"/api/v1/workflows/{workflow['id']}/execute?wait=0", json={}, headers=tenant.headers()
    )
    deep = {"k": _nested(400)}
    deeper = '{"k": ' + _nested_text(2_000) + "}"
    for sql, params in (
        ("UPDATE organisations SET custom_fields = :v WHERE id = :id", (deep, org.json()["id"])),
        ("UPDATE events SET payload = :v WHERE id = :id", (deeper, event.json()["id"])),
        (
            "UPDATE workflow_executions SET trigger_data = :v WHERE id = :id",
            (deep, run.json()["id"]),
        ),
    ):
        value, row_id = params
        stored = value if isinstance(value, str) else json.dumps(value)
        writer_session.execute(text(sql), {"v": stored, "id": row_id})
    writer_session.commit()
    orgs = client.get("/api/v1/organisations", headers=tenant.headers())
    assert orgs.status_code == 200
    assert TRUNCATED_MARKER in json.dumps(orgs.json())
    events = client.get("/api/v1/events", headers=tenant.headers())
    assert events.status_code == 200
    assert events.json()["items"][0]["payload"] == {"truncated": TRUNCATED_MARKER}
    detail = client.get(f"/api/v1/executions/{run.json()['id']}", headers=tenant.headers())
    assert detail.status_code == 200, detail.text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{}"\\ ,:'),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_text_scan_measures_the_same_depth_as_the_parsed_value(value: Any) -> None:
    encoded = json.dumps(value)
    assert json_depth(encoded, stop_after=1_000) == value_depth(value)
    assert json_depth(encoded.encode(), stop_after=1_000) == value_depth(value)
    assert load_stored_json(encoded) == value  # shallow values come back unchanged


def test_stored_values_are_cut_below_64_levels_and_keep_their_type() -> None:
    loaded = load_stored_json(json.dumps({"k": _nested(100)}))
    assert value_depth(loaded) == 64  # the containers below level 64 became the marker
    assert TRUNCATED_MARKER in json.dumps(loaded)
    assert load_stored_json("[" * 1_000 + "]" * 1_000) == [TRUNCATED_MARKER]
