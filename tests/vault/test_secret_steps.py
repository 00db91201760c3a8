"""`{{ secrets.NAME }}` in a real call_webhook: the receiver gets the value, records the mask."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.vault.masking import MASK
from crmflow.vault.models import Secret
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, execution, new_org, start_workflow, steps
from tests.vault.conftest import KEY, OTHER_KEY, EchoReceiver, add_secret, deliver

TOKEN = "tok_live_51H8xQ2e9ZvKXy"
API_KEY = "ak-7Fq2-Zp9w"


def _hook(receiver: EchoReceiver, token: str = "{{ secrets.BILLING_TOKEN }}") -> dict[str, Any]:
    port = receiver.server_port
    return {
        "actions": [
            {
                "id": "hook",
                "type": "call_webhook",
                "on_error": "stop",
                "config": {
                    "url": f"http://127.0.0.1:{port}/deals?key={{{{ secrets.API_KEY }}}}",
                    "headers": {"Authorization": f"Bearer {token}", "X-Account": "acme"},
                    "json": {"org": "{{ organisation.name }}"},
                    "max_attempts": 1,
                },
            }
        ]
    }


def _run(writer_session: Session, key: str | None = KEY) -> tuple[int, str]:
    [execution_id] = dispatch(writer_session)
    outcome = run_batch(writer_session, [execution_id], RunOptions(secret_key=key)).outcome
    return execution_id, outcome[execution_id]


def _store_both(client: TestClient, tenant: Tenant) -> None:
    add_secret(client, tenant, "BILLING_TOKEN", TOKEN)
    add_secret(client, tenant, "API_KEY", API_KEY)


def test_the_receiver_gets_the_secret_and_every_record_shows_the_mask(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: EchoReceiver,
) -> None:
    _store_both(client, tenant)
    start_workflow(client, tenant, _hook(receiver))
    new_org(client, tenant)
    execution_id, status = _run(writer_session)
    assert status == "waiting"
    pending = steps(session, execution_id)["actions/0"]
    assert pending.input is not None
    assert pending.input["headers"] == {"Authorization": MASK, "X-Account": "acme"}
    assert pending.input["url"].endswith(f"/deals?key={MASK}")
    assert pending.message is not None and API_KEY not in pending.message

    assert deliver(db_url) == 1
    [request] = receiver.requests
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["path"] == f"/deals?key={API_KEY}"

    assert run_batch(writer_session, [execution_id], RunOptions(secret_key=KEY)).outcome == {
        execution_id: "success"
    }
    record = steps(session, execution_id)["actions/0"]
    assert record.output is not None
    assert record.output["json"] == {
        "you_sent": {"path": f"/deals?key={MASK}", "authorization": MASK}
    }
    for shown in (json.dumps(record.input), json.dumps(record.output), str(record.message)):
        assert TOKEN not in shown and API_KEY not in shown
    body = client.get(f"/api/v1/executions/{execution_id}", headers=tenant.headers("viewer")).text
    assert TOKEN not in body and API_KEY not in body
    session.rollback()
    used = session.scalars(select(Secret.last_used_at).where(Secret.name == "BILLING_TOKEN")).one()
    assert used is not None


def test_an_echo_in_an_error_is_masked_too(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: EchoReceiver,
) -> None:
    _store_both(client, tenant)
    receiver.status = 401
    start_workflow(client, tenant, _hook(receiver))
    new_org(client, tenant)
    execution_id, _ = _run(writer_session)
    assert deliver(db_url) == 1
    assert run_batch(writer_session, [execution_id], RunOptions(secret_key=KEY)).outcome == {
        execution_id: "failed"
    }
    record = steps(session, execution_id)["actions/0"]
    assert record.error is not None and "HTTP 401" in record.error
    assert f"rejected credentials {MASK} for /deals?key={MASK}" in record.error
    failed = execution(session, execution_id).error_message or ""
    assert "HTTP 401" in failed and TOKEN not in failed and API_KEY not in failed


def test_a_literal_authorization_header_is_masked_in_records_and_echoes(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: EchoReceiver,
) -> None:
    definition = _hook(receiver, token="literal-credential-123")
    definition["actions"][0]["config"]["url"] = f"http://127.0.0.1:{receiver.server_port}/deals"
    start_workflow(client, tenant, definition)
    new_org(client, tenant)
    execution_id, _ = _run(writer_session, key=None)  # no secret read: no key needed
    assert deliver(db_url) == 1
    assert receiver.requests[0]["authorization"] == "Bearer literal-credential-123"
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {
        execution_id: "success"
    }
    record = steps(session, execution_id)["actions/0"]
    assert record.input is not None and record.input["headers"]["Authorization"] == MASK
    assert "literal-credential-123" not in json.dumps(record.output)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "secret API_KEY cannot be read: CRMFLOW_SECRET_KEY is not configured"),
        (OTHER_KEY, "secret API_KEY was encrypted with another CRMFLOW_SECRET_KEY"),
    ],
)
def test_no_key_or_another_key_fails_the_step_saying_so(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    receiver: EchoReceiver,
    key: str | None,
    message: str,
) -> None:
    _store_both(client, tenant)
    start_workflow(client, tenant, _hook(receiver))
    new_org(client, tenant)
    execution_id, status = _run(writer_session, key=key)
    assert status == "failed"
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "failed" and record.error is not None
    assert record.error.startswith("config.")
    assert message in record.error
    assert receiver.requests == []


def test_a_missing_secret_fails_the_step_and_companies_do_not_share(
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    session: Session,
    writer_session: Session,
    receiver: EchoReceiver,
) -> None:
    _store_both(client, tenant)  # Acme's secrets; Globex has none
    start_workflow(client, other_tenant, _hook(receiver))
    new_org(client, other_tenant)
    execution_id, status = _run(writer_session)
    assert status == "failed"
    error = steps(session, execution_id)["actions/0"].error or ""
    assert "secret " in error and "is not defined" in error
    assert TOKEN not in error and receiver.requests == []


def test_runs_without_secrets_never_query_the_store(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    receiver: EchoReceiver,
) -> None:
    _store_both(client, tenant)
    start_workflow(
        client, tenant, {"actions": [{"type": "create_task", "config": {"title": "plain"}}]}
    )
    start_workflow(client, tenant, _hook(receiver))
    new_org(client, tenant)
    statements: list[str] = []

    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = writer_session.get_bind()
    event.listen(engine, "before_cursor_execute", _seen)
    try:
        ids = dispatch(writer_session)
        plain_id, hook_id = sorted(ids)
        statements.clear()
        run_batch(writer_session, [plain_id], RunOptions(secret_key=KEY))
        plain_statements = list(statements)
        statements.clear()
        run_batch(writer_session, [hook_id], RunOptions(secret_key=KEY))
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
    assert steps(session, plain_id)["actions/0"].status == "success"
    assert not any("secrets" in s for s in plain_statements)
    assert any("FROM secrets" in s for s in statements)  # the check above can see them


def test_the_outbox_keeps_credentials_sealed_until_the_call(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: EchoReceiver,
) -> None:
    _store_both(client, tenant)
    definition = _hook(receiver)
    definition["actions"][0]["config"]["headers"]["X-Api-Key"] = "typed-in-clear-99"
    start_workflow(client, tenant, definition)
    new_org(client, tenant)
    execution_id, _ = _run(writer_session)
    session.rollback()
    [row] = session.execute(text("SELECT * FROM webhook_calls")).all()
    for secret in (TOKEN, API_KEY, "typed-in-clear-99"):
        assert all(secret not in str(column) for column in row)
    # Opened with another key, the sealed request is not sent and the step says why.
    assert deliver(db_url, key=OTHER_KEY) == 1
    assert receiver.requests == []
    run_batch(writer_session, [execution_id], RunOptions(secret_key=KEY))
    error = steps(session, execution_id)["actions/0"].error or ""
    assert "does not decrypt with the current CRMFLOW_SECRET_KEY" in error


def test_the_sender_opens_the_sealed_request_and_stores_no_echo(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    db_url: str,
    receiver: EchoReceiver,
) -> None:
    _store_both(client, tenant)
    start_workflow(client, tenant, _hook(receiver))
    new_org(client, tenant)
    _run(writer_session)
    assert deliver(db_url) == 1
    [request] = receiver.requests
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["path"] == f"/deals?key={API_KEY}"
    session.rollback()
    response = session.execute(text("SELECT response FROM webhook_calls")).scalar_one()
    assert TOKEN not in str(response)
