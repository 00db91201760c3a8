"""Inbound webhooks: POST /hooks/{token} of a webhook_received workflow, signatures, repeats."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.config import Settings, get_settings
from crmflow.crm.models import Task
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from crmflow.workflows import hooks
from tests.conftest import Tenant
from tests.engine.flow_support import execution, run, titles
from tests.workflows.factories import create_workflow

WORKFLOWS = "/api/v1/workflows"
HOOK_WORKFLOW: dict[str, Any] = {
    "name": "Invoice paid",
    "trigger_type": "webhook_received",
    "actions": [
        {
            "type": "create_task",
            "config": {
                "title": "Invoice {{ trigger.data.invoice.number }} paid "
                "{{ trigger.data.invoice.total }}"
            },
        }
    ],
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # Workflow ids restart with every test database; the limiter lives in the process.
    hooks.rate_limiter.reset()
    yield
    hooks.rate_limiter.reset()


def hook_workflow(
    client: TestClient, tenant: Tenant, *, active: bool = True, **extra: Any
) -> dict[str, Any]:
    return create_workflow(client, tenant.headers(), {**HOOK_WORKFLOW, **extra}, active=active)


def hook_path(workflow: dict[str, Any]) -> str:
    url: str = workflow["inbound_url"]
    assert url, workflow
    return url.removeprefix("http://localhost:8000")


def executions_of(session: Session, workflow_id: int) -> list[WorkflowExecution]:
    session.rollback()
    return list(
        session.scalars(
            select(WorkflowExecution)
            .where(WorkflowExecution.workflow_id == workflow_id)
            .order_by(WorkflowExecution.id)
            .execution_options(populate_existing=True)
        )
    )


def configure(
    client: TestClient, tenant: Tenant, workflow_id: int, body: Any, role: str = "admin"
) -> Any:
    return client.post(f"{WORKFLOWS}/{workflow_id}/hook", json=body, headers=tenant.headers(role))


def signed(secret: str, body: bytes, stamp: int | None = None) -> dict[str, str]:
    timestamp = str(int(time.time()) if stamp is None else stamp)
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {
        "X-Crmflow-Timestamp": timestamp,
        "X-Crmflow-Signature": "sha256=" + digest.hexdigest(),
        "Content-Type": "application/json",
    }


# -- the inbound URL ------------------------------------------------------------------------------


def test_a_webhook_workflow_gets_an_inbound_url_and_other_triggers_none(
    client: TestClient, tenant: Tenant
) -> None:
    workflow = hook_workflow(client, tenant, active=False)
    prefix = "http://localhost:8000/api/v1/hooks/"
    assert workflow["inbound_url"].startswith(prefix)
    token = workflow["inbound_url"].removeprefix(prefix)
    assert len(token) >= 43 and token.replace("-", "").replace("_", "").isalnum()
    assert workflow["inbound_signature_required"] is False
    again = client.get(f"{WORKFLOWS}/{workflow['id']}", headers=tenant.headers()).json()
    assert again["inbound_url"] == workflow["inbound_url"]  # stable until rotated
    assert hook_workflow(client, tenant, active=False)["inbound_url"] != workflow["inbound_url"]

    other = create_workflow(
        client, tenant.headers(), {"name": "o", "trigger_type": "organisation_created"}
    )
    assert other["inbound_url"] is None and other["inbound_signature_required"] is False
    # Changing the trigger to webhook_received issues a URL; changing it away revokes it.
    changed = client.put(
        f"{WORKFLOWS}/{other['id']}",
        json={"trigger_type": "webhook_received"},
        headers=tenant.headers(),
    ).json()
    assert changed["inbound_url"].startswith(prefix)
    client.post(f"{WORKFLOWS}/{other['id']}/activate", headers=tenant.headers())
    assert client.post(hook_path(changed), json={}).status_code == 202
    away = client.put(
        f"{WORKFLOWS}/{other['id']}",
        json={"trigger_type": "organisation_created"},
        headers=tenant.headers(),
    ).json()
    assert away["inbound_url"] is None
    assert client.post(hook_path(changed), json={}).status_code == 404
    # A duplicate is a new workflow with its own URL.
    copy = client.post(f"{WORKFLOWS}/{workflow['id']}/duplicate", headers=tenant.headers())
    assert copy.json()["inbound_url"] not in (None, workflow["inbound_url"])


def test_the_inbound_url_uses_the_public_url(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMFLOW_PUBLIC_URL", "https://crm.example.com/")
    get_settings.cache_clear()
    try:
        workflow = hook_workflow(client, tenant)
    finally:
        get_settings.cache_clear()
    assert workflow["inbound_url"].startswith("https://crm.example.com/api/v1/hooks/")


# -- deliveries -----------------------------------------------------------------------------------


def test_a_delivery_runs_the_workflow_with_payload_headers_and_query(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    workflow = hook_workflow(client, tenant)
    response = client.post(
        hook_path(workflow) + "?source=billing&tag=a&tag=b",
        json={"invoice": {"number": "F-42", "total": 1234.5}},
        headers={
            "X-Event-Type": "invoice.paid",
            "Authorization": "Bearer not-for-workflows",
            "Cookie": "session=abc",
            "X-Api-Key": "k",
        },
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body == {"execution_id": body["execution_id"], "status": "pending", "duplicate": False}
    [run_row] = executions_of(session, workflow["id"])
    assert run_row.id == body["execution_id"] and run_row.status == "pending"
    assert run_row.trigger_type == "webhook_received" and run_row.trigger_entity_id is None
    data = run_row.trigger_data
    assert data["payload"] == {"invoice": {"number": "F-42", "total": 1234.5}}
    assert data["headers"]["x-event-type"] == "invoice.paid"
    assert data["headers"]["content-type"] == "application/json"
    assert not {"authorization", "cookie", "x-api-key"} & set(data["headers"])
    assert data["query"] == {"source": "billing", "tag": ["a", "b"]}

    assert run(writer_session, [run_row.id]) == {run_row.id: "success"}
    assert execution(session, run_row.id).status == "success"
    # Decimal numbers in text read in the company's language (English: grouped thousands).
    assert titles(session, Task) == ["Invoice F-42 paid 1,234.5"]


def test_a_delivery_runs_on_its_own_under_the_runtime(
    live_client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = hook_workflow(live_client, tenant)
    response = live_client.post(
        hook_path(workflow), json={"invoice": {"number": "F-7", "total": 9}}
    )
    assert response.status_code == 202, response.text
    execution_id = response.json()["execution_id"]
    deadline = time.monotonic() + 15
    while execution(session, execution_id).status != "success":
        assert time.monotonic() < deadline, execution(session, execution_id).status
        time.sleep(0.05)
    assert titles(session, Task) == ["Invoice F-7 paid 9"]


def test_a_repeated_idempotency_key_runs_once(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = hook_workflow(client, tenant)
    path = hook_path(workflow)
    first = client.post(path, json={"n": 1}, headers={"Idempotency-Key": "evt_1"})
    again = client.post(path, json={"n": 2}, headers={"Idempotency-Key": "evt_1"})
    assert first.status_code == 202 and first.json()["duplicate"] is False
    assert again.status_code == 200, again.text
    assert again.json() == {
        "execution_id": first.json()["execution_id"],
        "status": "pending",
        "duplicate": True,
    }
    runs = executions_of(session, workflow["id"])
    assert len(runs) == 1 and runs[0].trigger_data["payload"] == {"n": 1}
    assert runs[0].fire_key == "hook:evt_1"
    # Another key, and a key too long or odd for the column (hashed), each run once more.
    long_key = "k" * 500
    assert client.post(path, json={}, headers={"Idempotency-Key": "evt_2"}).status_code == 202
    assert client.post(path, json={}, headers={"Idempotency-Key": long_key}).status_code == 202
    assert client.post(path, json={}, headers={"Idempotency-Key": long_key}).status_code == 200
    assert len(executions_of(session, workflow["id"])) == 3
    # A retry of a delivery that ran still answers its run after the workflow is deactivated.
    client.post(
        f"{WORKFLOWS}/{workflow['id']}/activate",
        json={"status": "inactive"},
        headers=tenant.headers(),
    )
    late = client.post(path, json={}, headers={"Idempotency-Key": "evt_1"})
    assert late.status_code == 200 and late.json()["duplicate"] is True


def test_without_a_key_every_delivery_runs(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = hook_workflow(client, tenant)
    ids = {client.post(hook_path(workflow), json={"n": 1}).json()["execution_id"] for _ in "ab"}
    assert len(ids) == 2 and len(executions_of(session, workflow["id"])) == 2


def test_unknown_tokens_are_404_and_say_nothing(client: TestClient, tenant: Tenant) -> None:
    workflow = hook_workflow(client, tenant)
    token = hook_path(workflow).rsplit("/", 1)[1]
    answers = [
        client.post(f"/api/v1/hooks/{candidate}", json={})
        for candidate in ("x" * 43, token[:-1], "1", "%00" * 3, "a" * 300)
    ]
    assert {a.status_code for a in answers} == {404}
    assert {a.json()["detail"] for a in answers} == {"no inbound webhook at this URL"}
    # A Bearer token of the company opens nothing either: only the URL's token counts.
    assert client.post("/api/v1/hooks/x", json={}, headers=tenant.headers()).status_code == 404


def test_an_inactive_workflow_refuses_deliveries(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    draft = hook_workflow(client, tenant, active=False)
    refused = client.post(hook_path(draft), json={})
    assert refused.status_code == 409 and refused.json()["detail"] == "workflow is not active"
    active = hook_workflow(client, tenant)
    client.post(
        f"{WORKFLOWS}/{active['id']}/activate",
        json={"status": "inactive"},
        headers=tenant.headers(),
    )
    assert client.post(hook_path(active), json={}).status_code == 409
    assert executions_of(session, draft["id"]) == executions_of(session, active["id"]) == []


@pytest.mark.parametrize(
    ("content", "content_type", "payload"),
    [
        (b"plain text", "text/plain", {"raw": "plain text"}),
        (b"<xml a='1'/>", "application/xml", {"raw": "<xml a='1'/>"}),
        (b"{not json", "application/json", {"raw": "{not json"}),
        (b"[1, 2]", "application/json", {"raw": "[1, 2]"}),
        (b'{"a": NaN}', "application/json", {"raw": '{"a": NaN}'}),
        (b'{"a": "x\\u0000y"}', "application/json", {"a": "xy"}),
        (b'{"a": 1}', "application/vnd.api+json; charset=utf-8", {"a": 1}),
        (b'{"a": 1}', None, {"a": 1}),
        (
            b"a=1&b=two+words&a=3",
            "application/x-www-form-urlencoded",
            {"a": ["1", "3"], "b": "two words"},
        ),
        (b"", "application/json", {}),
        (b"\xff\xfe bytes", "application/octet-stream", {"raw": "\ufffd\ufffd bytes"}),
    ],
)
def test_bodies_of_any_kind_are_accepted(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    content: bytes,
    content_type: str | None,
    payload: dict[str, Any],
) -> None:
    workflow = hook_workflow(client, tenant)
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(hook_path(workflow), content=content, headers=headers)
    assert response.status_code == 202, response.text
    [run_row] = executions_of(session, workflow["id"])
    assert run_row.trigger_data["payload"] == payload


def test_a_body_over_the_limit_is_413(client: TestClient, tenant: Tenant, session: Session) -> None:
    workflow = hook_workflow(client, tenant)
    big = json.dumps({"blob": "x" * hooks.MAX_BODY_BYTES}).encode()
    response = client.post(
        hook_path(workflow), content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and "larger than" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(11):
            yield b"y" * 100_000

    streamed = client.post(hook_path(workflow), content=chunks())
    assert streamed.status_code == 413
    assert executions_of(session, workflow["id"]) == []
    fits = b"z" * (hooks.MAX_BODY_BYTES - 10)
    assert client.post(hook_path(workflow), content=fits).status_code == 202


def test_too_many_deliveries_are_429_at_the_workflow_limit_which_an_editor_can_raise(
    client: TestClient, tenant: Tenant
) -> None:
    workflow = hook_workflow(client, tenant)
    other = hook_workflow(client, tenant)
    limited = configure(client, tenant, workflow["id"], {"rate_limit_per_minute": 2}, "editor")
    assert limited.status_code == 200 and limited.json()["rate_limit_per_minute"] == 2
    assert [client.post(hook_path(workflow), json={}).status_code for _ in range(3)] == [
        202,
        202,
        429,
    ]
    refused = client.post(hook_path(workflow), json={})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "at most 2 per 60 seconds" in refused.json()["detail"]
    assert client.post(hook_path(other), json={}).status_code == 202  # per workflow
    raised = configure(client, tenant, workflow["id"], {"rate_limit_per_minute": 5})
    assert raised.json()["rate_limit_per_minute"] == 5
    assert client.post(hook_path(workflow), json={}).status_code == 202
    default = configure(client, tenant, workflow["id"], {"rate_limit_per_minute": None})
    assert default.json()["rate_limit_per_minute"] is None
    for bad in (0, -1, 1_000_001, "many"):
        wrong = configure(client, tenant, workflow["id"], {"rate_limit_per_minute": bad})
        assert wrong.status_code == 422, (bad, wrong.text)
        assert wrong.json()["detail"][0]["loc"] == "rate_limit_per_minute"


def test_the_default_hook_rate_comes_from_the_setting(db_url: str, tenant: Tenant) -> None:
    settings = Settings(
        CRMFLOW_DATABASE_URL=db_url, CRMFLOW_ADMIN_TOKEN="root-token", CRMFLOW_HOOK_RATE_LIMIT=3
    )
    with TestClient(create_app(settings, start_runtime=False)) as client:
        workflow = hook_workflow(client, tenant)
        statuses = [client.post(hook_path(workflow), json={}).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_a_replayed_signed_delivery_is_refused(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = hook_workflow(client, tenant)
    secret = configure(client, tenant, workflow["id"], {"secret": "generate"}).json()["secret"]
    body = json.dumps({"invoice": {"number": "S-9"}}).encode()
    stamp = int(time.time())
    headers = {**signed(secret, body, stamp), "Idempotency-Key": "inv-S-9"}
    assert client.post(hook_path(workflow), content=body, headers=headers).status_code == 202
    # The sender's own retry (same Idempotency-Key) learns the first run, and starts nothing.
    retry = client.post(hook_path(workflow), content=body, headers=headers)
    assert retry.status_code == 200 and retry.json()["duplicate"] is True
    # The same signed request with another (unsigned) key, or none, is a replay.
    for key in ("another-key", None):
        replay = {k: v for k, v in headers.items() if k != "Idempotency-Key"}
        if key:
            replay["Idempotency-Key"] = key
        refused = client.post(hook_path(workflow), content=body, headers=replay)
        assert refused.status_code == 409, refused.text
        assert "replay is refused" in refused.json()["detail"]
    assert len(executions_of(session, workflow["id"])) == 1
    # A new signature (another timestamp) is a new delivery.
    fresh = signed(secret, body, stamp - 1)
    assert client.post(hook_path(workflow), content=body, headers=fresh).status_code == 202


# -- signatures and rotation ----------------------------------------------------------------------


def test_signed_hooks_require_a_fresh_valid_signature(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = hook_workflow(client, tenant)
    setup = configure(client, tenant, workflow["id"], {"secret": "generate"}, role="editor")
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    assert secret and len(secret) >= 40
    assert setup.json()["signature_required"] is True
    assert setup.json()["inbound_url"] == workflow["inbound_url"]  # token unchanged
    path = hook_path(workflow)
    body = json.dumps({"invoice": {"number": "S-1"}}).encode()

    def post(headers: dict[str, Any], content: bytes = body) -> Any:
        return client.post(path, content=content, headers=headers)

    cases: dict[str, tuple[dict[str, Any], str]] = {
        "unsigned": ({"Content-Type": "application/json"}, "missing X-Crmflow-Signature"),
        "no timestamp": (
            {k: v for k, v in signed(secret, body).items() if k != "X-Crmflow-Timestamp"},
            "missing X-Crmflow-Timestamp",
        ),
        "bad signature": (signed("whsec_wrong", body), "does not match"),
        "other body": (signed(secret, b'{"invoice": {}}'), "does not match"),
        "stale": (signed(secret, body, int(time.time()) - 301), "300 seconds"),
        # +310, not +301: int() drops up to a second, and a slow request eats into the rest.
        "future": (signed(secret, body, int(time.time()) + 310), "300 seconds"),
        "not a time": ({**signed(secret, body), "X-Crmflow-Timestamp": "yesterday"}, "Unix"),
        # A Latin-1 superscript two is a digit to str.isdigit() but not to int().
        "not ascii": ({**signed(secret, body), "X-Crmflow-Timestamp": b"\xb2"}, "Unix"),
    }
    for name, (headers, reason) in cases.items():
        refused = post(headers)
        assert refused.status_code == 401, (name, refused.text)
        assert reason in refused.json()["detail"], (name, refused.json())
    assert executions_of(session, workflow["id"]) == []

    stamp = int(time.time())
    accepted = post(signed(secret, body, stamp))
    assert accepted.status_code == 202, accepted.text
    upper = signed(secret, body, stamp - 1)  # another timestamp: another delivery, no replay
    upper["X-Crmflow-Signature"] = upper["X-Crmflow-Signature"].upper().replace("SHA256", "sha256")
    assert post(upper).status_code == 202
    [first, _] = executions_of(session, workflow["id"])
    assert "x-crmflow-signature" not in first.trigger_data["headers"]
    assert first.trigger_data["headers"]["x-crmflow-timestamp"].isdigit()

    # The secret is never shown again: not by GET, the list, nor by a later configure call.
    shown = [
        client.get(f"{WORKFLOWS}/{workflow['id']}", headers=tenant.headers()).text,
        client.get(WORKFLOWS, headers=tenant.headers()).text,
        configure(client, tenant, workflow["id"], {"rotate_token": True}).text,
        client.get(f"{WORKFLOWS}/{workflow['id']}/versions", headers=tenant.headers()).text,
    ]
    assert all(secret not in text for text in shown)
    got = client.get(f"{WORKFLOWS}/{workflow['id']}", headers=tenant.headers()).json()
    assert got["inbound_signature_required"] is True
    assert configure(client, tenant, workflow["id"], {}).json()["secret"] is None

    # Removing the secret makes unsigned deliveries acceptable again.
    cleared = configure(client, tenant, workflow["id"], {"secret": None}).json()
    assert cleared["signature_required"] is False and cleared["secret"] is None
    unsigned = client.post(cleared["inbound_url"].removeprefix("http://localhost:8000"), json={})
    assert unsigned.status_code == 202


def test_a_new_secret_replaces_the_old_one(client: TestClient, tenant: Tenant) -> None:
    workflow = hook_workflow(client, tenant)
    old = configure(client, tenant, workflow["id"], {"secret": "generate"}).json()["secret"]
    new = configure(client, tenant, workflow["id"], {"secret": "generate"}).json()["secret"]
    assert old != new
    body = b"{}"
    assert (
        client.post(hook_path(workflow), content=body, headers=signed(old, body)).status_code == 401
    )
    assert (
        client.post(hook_path(workflow), content=body, headers=signed(new, body)).status_code == 202
    )


def test_rotating_the_token_retires_the_old_url(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = hook_workflow(client, tenant)
    old_path = hook_path(workflow)
    assert client.post(old_path, json={}).status_code == 202
    rotated = configure(client, tenant, workflow["id"], {"rotate_token": True})
    assert rotated.status_code == 200, rotated.text
    out = rotated.json()
    assert out["workflow_id"] == workflow["id"] and out["secret"] is None
    assert out["inbound_url"] != workflow["inbound_url"]
    assert client.post(old_path, json={}).status_code == 404
    assert client.post(hook_path(out), json={}).status_code == 202
    got = client.get(f"{WORKFLOWS}/{workflow['id']}", headers=tenant.headers()).json()
    assert got["inbound_url"] == out["inbound_url"]
    # Without a body nothing changes.
    same = client.post(f"{WORKFLOWS}/{workflow['id']}/hook", headers=tenant.headers()).json()
    assert same["inbound_url"] == out["inbound_url"]
    assert len(executions_of(session, workflow["id"])) == 2


def test_configuring_a_hook_is_for_editors_of_the_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    workflow = hook_workflow(client, tenant)
    viewer = configure(client, tenant, workflow["id"], {"rotate_token": True}, role="viewer")
    assert viewer.status_code == 403
    intruder = client.post(
        f"{WORKFLOWS}/{workflow['id']}/hook",
        json={"secret": "generate"},
        headers=other_tenant.headers(),
    )
    missing = client.post(
        f"{WORKFLOWS}/987654/hook", json={"secret": "generate"}, headers=other_tenant.headers()
    )
    assert intruder.status_code == missing.status_code == 404
    assert intruder.json()["detail"].replace(str(workflow["id"]), "?") == missing.json()[
        "detail"
    ].replace("987654", "?")
    assert client.post(f"{WORKFLOWS}/{workflow['id']}/hook", json={}).status_code == 401
    # Nothing changed: the URL still works unsigned.
    assert client.post(hook_path(workflow), json={}).status_code == 202
    # Only webhook_received workflows have a hook; bad bodies are 422.
    other = create_workflow(
        client, tenant.headers(), {"name": "o", "trigger_type": "organisation_created"}
    )
    conflict = configure(client, tenant, other["id"], {"rotate_token": True})
    assert conflict.status_code == 409 and "webhook_received" in conflict.json()["detail"]
    for bad in ({"secret": "mine"}, {"rotate_token": "maybe"}, {"extra": 1}, [1]):
        assert configure(client, tenant, workflow["id"], bad).status_code == 422, bad
