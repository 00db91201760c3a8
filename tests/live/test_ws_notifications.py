"""Live notifications over WebSocket with the embedded runtime (one process, no Redis)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from crmflow.auth.models import ApiToken, User
from crmflow.auth.service import hash_token, issue_token
from crmflow.crm.models import Notification
from crmflow.crm.notifications import create_notification
from crmflow.engine.context import ContextLoader
from crmflow.engine.plugins import ActionContext, get_action
from crmflow.live import routes as live_routes
from crmflow.live.hub import TOKEN_CHECK_SECONDS
from tests.conftest import Tenant
from tests.live.support import WS_PATH, assert_nothing_pending, hello, receive, token_of
from tests.workflows.factories import create_org, create_workflow


def _notify_workflow(user_id: int) -> dict[str, Any]:
    return {
        "name": "Tell the editor",
        "trigger_type": "organisation_created",
        "actions": [
            {
                "type": "send_notification",
                "config": {
                    "user": user_id,
                    "level": "success",
                    "title": "New account {{ organisation.name }}",
                    "message": "{{ organisation.name }} was created",
                    "link": "/organisations/{{ organisation.id }}",
                },
            }
        ],
    }


def _direct(session: Session, company_id: int, user_id: int, title: str) -> int:
    """Create and commit a notification outside any workflow (the CRM service path)."""
    row = create_notification(
        session, company_id=company_id, user_id=user_id, level="info", title=title, message="m"
    )
    session.commit()
    return row.id


def _action_context(session: Session, tenant: Tenant, key: str) -> ActionContext:
    loader = ContextLoader(session.connection())
    return ActionContext(
        base_session=session,
        company_id=tenant.company_id,
        execution_id=1,
        workflow_id=1,
        step_path="actions/0",
        idempotency_key=key,
        data=loader.build(
            company_id=tenant.company_id,
            trigger_type="manual",
            entity_type=None,
            entity_id=None,
            trigger_data={},
        ),
        trigger_entity_type=None,
        trigger_entity_id=None,
        causation_depth=0,
        now=datetime.now(UTC),
        users=loader,
    )


def _send(session: Session, tenant: Tenant, key: str, message: str) -> list[int]:
    """Run the send_notification action to the editor in `session`'s transaction."""
    action = get_action("send_notification")
    assert action is not None
    config = action.parse_config({"user": tenant.editor_id, "message": message})
    ids: list[int] = action.execute(_action_context(session, tenant, key), config)[
        "notification_ids"
    ]
    return ids


def test_workflow_notification_reaches_only_its_recipient(
    live_client: TestClient, tenant: Tenant, other_tenant: Tenant, writer_session: Session
) -> None:
    url = f"{WS_PATH}?token={tenant.editor_token}"
    with (
        live_client.websocket_connect(url) as editor,
        live_client.websocket_connect(WS_PATH, headers=tenant.headers("admin")) as admin,
        live_client.websocket_connect(f"{WS_PATH}?token={other_tenant.editor_token}") as foreign,
    ):
        assert hello(editor) == hello(admin) == hello(foreign) == 0
        create_workflow(
            live_client, tenant.headers(), _notify_workflow(tenant.editor_id), active=True
        )
        org = create_org(live_client, tenant.headers(), name="Initech")

        pushed = receive(editor)
        assert pushed["type"] == "notification"
        assert pushed["unread_count"] == 1
        note = pushed["notification"]
        assert set(note) == {"id", "level", "title", "message", "link", "created_at", "read_at"}
        assert note["level"] == "success"
        assert note["title"] == "New account Initech"
        assert note["message"] == "Initech was created"
        assert note["link"] == f"/organisations/{org['id']}"
        assert note["read_at"] is None
        stored = live_client.get(
            f"/api/v1/notifications/{note['id']}", headers=tenant.headers("editor")
        ).json()
        assert {k: stored[k] for k in note} == note

        create_org(live_client, tenant.headers(), name="Hooli")
        second = receive(editor)
        assert second["notification"]["title"] == "New account Hooli"
        assert second["unread_count"] == 2

        # The hub serves commits in order: had the admin's or the other company's socket been
        # sent either notification, it would arrive before their own, committed later.
        _direct(writer_session, tenant.company_id, tenant.admin_id, "for the admin")
        _direct(writer_session, other_tenant.company_id, other_tenant.editor_id, "for globex")
        assert receive(admin)["notification"]["title"] == "for the admin"
        assert receive(foreign)["notification"]["title"] == "for globex"
        for ws in (editor, admin, foreign):
            assert_nothing_pending(ws)


def test_hub_loads_rows_scoped_to_the_named_company_and_user(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, writer_session: Session
) -> None:
    hub = client.app.state.live_hub  # type: ignore[attr-defined]
    theirs = _direct(writer_session, tenant.company_id, tenant.editor_id, "acme secret")
    with client.websocket_connect(f"{WS_PATH}?token={other_tenant.editor_token}") as foreign:
        hello(foreign)
        # A forged ref (as a Redis message could carry) naming the other company's user.
        hub.submit([(other_tenant.company_id, other_tenant.editor_id, theirs)])
        hub.submit([(tenant.company_id, other_tenant.editor_id, theirs)])
        hub.submit([(other_tenant.company_id, other_tenant.editor_id, 999_999)])
        _direct(writer_session, other_tenant.company_id, other_tenant.editor_id, "own")
        assert receive(foreign)["notification"]["title"] == "own"
        assert_nothing_pending(foreign)


def test_approval_request_is_pushed_to_the_approver(
    live_client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    token = token_of(writer_session, tenant.director_id)
    with live_client.websocket_connect(f"{WS_PATH}?token={token}") as ws:
        assert hello(ws) == 0
        create_workflow(
            live_client,
            tenant.headers(),
            {
                "name": "Big deal",
                "trigger_type": "organisation_created",
                "actions": [
                    {
                        "name": "Director sign-off",
                        "type": "approval",
                        "config": {"approvers": ["title:director"], "title": "Sign-off"},
                    }
                ],
            },
            active=True,
        )
        create_org(live_client, tenant.headers(), name="Initech")
        pushed = receive(ws)
        assert pushed["notification"]["title"] == "Approval needed: Sign-off"
        assert pushed["notification"]["level"] == "warning"
        assert pushed["notification"]["link"].startswith("/approvals/")
        assert pushed["unread_count"] == 1


@pytest.mark.parametrize(
    ("query", "headers", "reason"),
    [
        ("?token=not-a-token", {}, "invalid or revoked token"),
        ("", {"Authorization": "Bearer not-a-token"}, "invalid or revoked token"),
        ("", {}, "missing token"),
        ("?token=", {}, "missing token"),
    ],
)
def test_bad_tokens_are_refused_with_4401(
    client: TestClient, tenant: Tenant, query: str, headers: dict[str, str], reason: str
) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(f"{WS_PATH}{query}", headers=headers) as ws,
    ):
        receive(ws)
    assert refused.value.code == 4401
    assert reason in refused.value.reason


def _revoke_all(client: TestClient, headers: dict[str, str]) -> None:
    page = client.get("/api/v1/auth/tokens", headers=headers)
    assert page.status_code == 200, page.text
    ids = [item["id"] for item in page.json()["items"]]
    for token_id in ids:
        assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers).status_code == 204


def test_revoked_token_is_refused(client: TestClient, tenant: Tenant) -> None:
    _revoke_all(client, tenant.headers("editor"))
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws,
    ):
        receive(ws)
    assert refused.value.code == 4401


def test_keepalive_pings_and_a_revoked_token_loses_its_socket_within_seconds(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_routes, "KEEPALIVE_SECONDS", 0.1)
    with client.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws:
        hello(ws)
        assert receive(ws) == {"type": "ping"}
        _revoke_all(client, tenant.headers("editor"))
        revoked_at = time.monotonic()
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                assert receive(ws) == {"type": "ping"}
        assert (closed.value.code, closed.value.reason) == (4401, "token revoked or expired")
        # The hub checks every TOKEN_CHECK_SECONDS (2 s); the margin absorbs a loaded machine.
        assert time.monotonic() - revoked_at < TOKEN_CHECK_SECONDS + 3


def test_a_token_revoked_by_another_process_closes_the_socket(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    with client.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws:
        hello(ws)
        # Straight in the database, as another API process or the CLI would: no hook here.
        writer_session.execute(
            update(ApiToken).where(ApiToken.token_hash == hash_token(tenant.editor_token)),
            {"revoked_at": datetime.now(UTC)},
        )
        writer_session.commit()
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                receive(ws)
        assert closed.value.code == 4401


def test_an_expired_token_loses_its_socket(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    user = writer_session.scalars(select(User).where(User.id == tenant.editor_id)).one()
    # Long enough for the handshake on a busy machine; the socket must then drop on its own.
    soon = datetime.now(UTC) + timedelta(seconds=3)
    token = issue_token(writer_session, user=user, name="short", expires_at=soon)
    writer_session.commit()
    with client.websocket_connect(f"{WS_PATH}?token={token}") as ws:
        hello(ws)
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                receive(ws)
        assert (closed.value.code, closed.value.reason) == (4401, "token revoked or expired")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://testserver", True),  # the page's own site (Origin matches Host)
        ("http://localhost:8000", True),  # CRMFLOW_PUBLIC_URL's origin
        ("https://evil.example", False),
        ("http://testserver.evil.example", False),
        ("null", False),
    ],
)
def test_browser_origins_other_than_ours_are_refused(
    client: TestClient, tenant: Tenant, origin: str, allowed: bool
) -> None:
    url = f"{WS_PATH}?token={tenant.editor_token}"
    if allowed:
        with client.websocket_connect(url, headers={"Origin": origin}) as ws:
            assert hello(ws) == 0
        return
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(url, headers={"Origin": origin}) as ws,
    ):
        receive(ws)
    assert refused.value.code == 4403 and "is not allowed" in refused.value.reason


def test_rolled_back_notifications_are_never_pushed(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    with client.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as editor:
        assert hello(editor) == 0

        # The whole transaction rolls back.
        _send(writer_session, tenant, "k1", "rolled back")
        writer_session.rollback()

        # A savepoint rolls back (an ORM action's step failing after its insert); what the
        # transaction wrote outside the savepoint commits.
        _send(writer_session, tenant, "k2", "kept before")
        with pytest.raises(RuntimeError), writer_session.begin_nested():
            _send(writer_session, tenant, "k3", "inside the savepoint")
            raise RuntimeError("the step fails after its insert")
        with writer_session.begin_nested():
            [released] = _send(writer_session, tenant, "k4", "released savepoint")
        writer_session.commit()

        first, second = receive(editor), receive(editor)
        assert [first["notification"]["message"], second["notification"]["message"]] == [
            "kept before",
            "released savepoint",
        ]
        assert second["notification"]["id"] == released
        assert second["unread_count"] == 2
        assert_nothing_pending(editor)
        messages = set(writer_session.scalars(select(Notification.message)))
        assert messages == {"kept before", "released savepoint"}


def test_ping_and_hello_count_existing_unread(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    _direct(writer_session, tenant.company_id, tenant.editor_id, "one")
    _direct(writer_session, tenant.company_id, tenant.editor_id, "two")
    with client.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws:
        assert hello(ws) == 2
        ws.send_text("ping")
        assert receive(ws) == {"type": "pong"}
        ws.send_text("not json")
        assert_nothing_pending(ws)
