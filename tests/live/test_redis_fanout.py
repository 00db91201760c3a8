"""The Redis leg in one process: messages from "another process" reach sockets; outages are
logged once and never fail a commit. Needs the machine's Redis (database 7); fails without it."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.crm.models import Notification
from crmflow.crm.notifications import create_notification
from crmflow.db.base import utcnow
from crmflow.live import bus, fanout
from crmflow.main import create_app
from tests.conftest import Tenant
from tests.live.support import WS_PATH, assert_nothing_pending, hello, receive
from tests.support.tcp_proxy import TcpProxy

REDIS = "redis://127.0.0.1:6379/7"


@pytest.fixture()
def channel(monkeypatch: pytest.MonkeyPatch) -> str:
    """A channel of this test's own (pub/sub is shared by every client of the server)."""
    name = f"crmflow:notifications:test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv(bus.CHANNEL_ENV, name)
    return name


@pytest.fixture()
def redis_client() -> Iterator[Any]:
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"these tests need Redis at {REDIS}: {exc}")
    yield client
    client.close()


@pytest.fixture()
def redis_app(settings: Settings, channel: str, redis_client: Any) -> Iterator[TestClient]:
    """The live app (embedded runtime) with REDIS_URL: it subscribes and publishes."""
    with_redis = settings.model_copy(update={"redis_url": REDIS})
    with TestClient(create_app(with_redis)) as client:
        subscriber = client.app.state.live_subscriber  # type: ignore[attr-defined]
        assert subscriber is not None
        assert subscriber.subscribed.wait(10), "the app did not subscribe to Redis"
        yield client
    fanout.configure_redis(None)


def _row(session: Session, company_id: int, user_id: int, title: str) -> int:
    """Store a notification without marking it (as another process would have)."""
    now = utcnow()
    row = Notification(
        company_id=company_id,
        user_id=user_id,
        level="info",
        title=title,
        message="m",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.commit()
    return row.id


def _publish(client: Any, channel: str, ref: tuple[int, int, int], origin: str) -> None:
    client.publish(channel, bus.encode(ref, origin))


def test_messages_from_other_processes_reach_the_recipients_socket(
    redis_app: TestClient,
    redis_client: Any,
    channel: str,
    tenant: Tenant,
    other_tenant: Tenant,
    writer_session: Session,
) -> None:
    note = _row(writer_session, tenant.company_id, tenant.editor_id, "from a worker")
    foreign = _row(writer_session, other_tenant.company_id, other_tenant.editor_id, "globex")
    with redis_app.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws:
        assert hello(ws) == 1
        # Skipped: malformed, another company's row named as ours, a missing row, and a
        # message this process published itself (its sockets had it in-process already).
        redis_client.publish(channel, "not json")
        redis_client.publish(channel, json.dumps({"company_id": 1}))
        _publish(redis_client, channel, (tenant.company_id, tenant.editor_id, foreign), "w")
        _publish(redis_client, channel, (tenant.company_id, tenant.editor_id, 999_999), "w")
        own = fanout.process_origin()
        _publish(redis_client, channel, (tenant.company_id, tenant.editor_id, note), own)
        _publish(redis_client, channel, (tenant.company_id, tenant.editor_id, note), "worker-1")
        pushed = receive(ws)
        assert pushed["notification"]["id"] == note
        assert pushed["notification"]["title"] == "from a worker"
        assert pushed["unread_count"] == 1
        assert_nothing_pending(ws)


def test_this_process_publishes_its_commits_once_and_pushes_them_once(
    redis_app: TestClient,
    redis_client: Any,
    channel: str,
    tenant: Tenant,
    writer_session: Session,
) -> None:
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    try:
        with redis_app.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws:
            hello(ws)
            row = create_notification(
                writer_session,
                company_id=tenant.company_id,
                user_id=tenant.editor_id,
                level="info",
                title="local",
                message="m",
            )
            writer_session.commit()
            assert receive(ws)["notification"]["id"] == row.id
            message = None
            deadline = time.monotonic() + 10
            while message is None and time.monotonic() < deadline:
                message = listener.get_message(timeout=0.5)
            assert message is not None, "nothing published on Redis"
            body = json.loads(message["data"])
            assert body == {
                "company_id": tenant.company_id,
                "user_id": tenant.editor_id,
                "notification_id": row.id,
                "origin": fanout.process_origin(),
            }
            # The app's own subscriber got it too and skipped it: no second push.
            assert_nothing_pending(ws)
    finally:
        listener.close()


def test_redis_down_never_fails_a_commit_and_is_logged_once(
    client: TestClient,
    tenant: Tenant,
    writer_session: Session,
    redis_client: Any,
    channel: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bus, "FIRST_RETRY_SECONDS", 0.05)
    monkeypatch.setattr(bus, "MAX_RETRY_SECONDS", 0.2)
    caplog.set_level(logging.DEBUG, logger="crmflow.live")
    proxy = TcpProxy(target_port=6379).start()
    proxy.cut()
    fanout.configure_redis(f"redis://127.0.0.1:{proxy.port}/7")
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    try:
        with client.websocket_connect(f"{WS_PATH}?token={tenant.editor_token}") as ws:
            hello(ws)
            for index in range(3):
                create_notification(
                    writer_session,
                    company_id=tenant.company_id,
                    user_id=tenant.editor_id,
                    level="info",
                    title=f"while down {index}",
                    message="m",
                )
                writer_session.commit()  # never raises
                # The in-process socket is served regardless of Redis.
                assert receive(ws)["notification"]["title"] == f"while down {index}"
        time.sleep(1.0)  # several retries
        warnings = [
            r for r in caplog.records if r.levelno == logging.WARNING and "failed" in r.message
        ]
        assert len(warnings) == 1, [r.message for r in caplog.records]
        assert "publishing to Redis" in warnings[0].message

        proxy.restore()
        got: list[str] = []
        deadline = time.monotonic() + 10
        while len(got) < 3 and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.5)
            if message is not None:
                got.append(json.loads(message["data"])["notification_id"])
        assert len(got) == 3, "the backlog was not published once Redis came back"
        deadline = time.monotonic() + 5
        while not any("works again" in r.message for r in caplog.records):
            assert time.monotonic() < deadline, "the recovery was not logged"
            time.sleep(0.05)
    finally:
        fanout.configure_redis(None)
        listener.close()
        proxy.close()


def test_subscriber_reconnects_after_an_outage(
    redis_client: Any, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bus, "FIRST_RETRY_SECONDS", 0.05)
    monkeypatch.setattr(bus, "MAX_RETRY_SECONDS", 0.2)
    proxy = TcpProxy(target_port=6379).start()
    seen: list[tuple[int, int, int]] = []
    subscriber = bus.RedisSubscriber(f"redis://127.0.0.1:{proxy.port}/7", seen.extend)
    subscriber.start()
    try:
        assert subscriber.subscribed.wait(10)
        proxy.cut()
        deadline = time.monotonic() + 10
        while subscriber.subscribed.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not subscriber.subscribed.is_set()
        proxy.restore()
        assert subscriber.subscribed.wait(10), "the subscriber did not reconnect"
        _publish(redis_client, channel, (1, 2, 3), "elsewhere")
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen == [(1, 2, 3)]
    finally:
        subscriber.stop()
        proxy.close()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),  # embedded: its default broker URL does not count
        ({"CRMFLOW_RUNTIME": "celery", "CELERY_BROKER_URL": REDIS}, REDIS),
        ({"CRMFLOW_RUNTIME": "celery", "CELERY_BROKER_URL": "amqp://guest@localhost//"}, None),
        ({"REDIS_URL": "redis://cache:6379/3"}, "redis://cache:6379/3"),
    ],
)
def test_redis_url_for(env: dict[str, str], expected: str | None) -> None:
    assert fanout.redis_url_for(Settings(**env)) == expected


def test_a_process_without_an_app_publishes_as_its_settings_say(
    writer_session: Session,
    tenant: Tenant,
    redis_client: Any,
    channel: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Celery worker process: no lifespan configured it, the settings name the broker."""
    import crmflow.config

    worker_settings = Settings(CRMFLOW_RUNTIME="celery", CELERY_BROKER_URL=REDIS)
    monkeypatch.setattr(crmflow.config, "get_settings", lambda: worker_settings)
    monkeypatch.setattr(fanout, "_publishers", {})
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    try:
        row = create_notification(
            writer_session,
            company_id=tenant.company_id,
            user_id=tenant.editor_id,
            level="info",
            title="from a worker",
            message="m",
        )
        writer_session.commit()
        message = None
        deadline = time.monotonic() + 10
        while message is None and time.monotonic() < deadline:
            message = listener.get_message(timeout=0.5)
        assert message is not None, "nothing published"
        body = json.loads(message["data"])
        assert (body["company_id"], body["user_id"], body["notification_id"]) == (
            tenant.company_id,
            tenant.editor_id,
            row.id,
        )
    finally:
        listener.close()
        publisher = fanout._publishers.get(os.getpid())
        if publisher is not None:
            publisher.stop()
