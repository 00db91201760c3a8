"""A worker survives kombu touching a Redis connection that died (ack, reject, restore)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from kombu.transport import redis as kombu_redis

from crmflow.config import Settings
from crmflow.runtime.celery_app import make_celery


class DeadChannel:
    """The channel of a connection Celery has closed: every client lookup fails as kombu's does."""

    do_restore = False  # nothing for kombu's exit-time restore of this fake to do

    def __init__(self) -> None:
        self.calls = 0

    @contextlib.contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        self.calls += 1
        raise AttributeError("'NoneType' object has no attribute 'client'")
        yield  # pragma: no cover


@pytest.fixture(scope="module", autouse=True)
def patched() -> None:
    make_celery(Settings(CRMFLOW_RUNTIME="celery", CELERY_BROKER_URL="redis://127.0.0.1:6379/15"))


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("ack", lambda qos: qos.ack("tag-1")),
        ("reject", lambda qos: qos.reject("tag-1", requeue=False)),
        ("restore_unacked", lambda qos: qos.restore_unacked()),
    ],
)
def test_a_dead_connection_is_logged_not_raised(
    name: str, call: Any, caplog: pytest.LogCaptureFixture
) -> None:
    channel = DeadChannel()
    qos = kombu_redis.QoS(channel, prefetch_count=1)
    qos._delivered["tag-1"] = object()  # a message received before the broker dropped
    with caplog.at_level(logging.WARNING, logger="crmflow.runtime"):
        assert call(qos) is None
    assert channel.calls >= 1  # kombu really tried the dead connection
    assert f"broker connection gone: {name} skipped" in caplog.text


def test_other_errors_still_raise() -> None:
    class BrokenChannel(DeadChannel):
        @contextlib.contextmanager
        def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
            raise ConnectionError("reset by peer")
            yield  # pragma: no cover

    with pytest.raises(ConnectionError):
        kombu_redis.QoS(BrokenChannel(), prefetch_count=1).ack("tag-1")


def test_patching_twice_wraps_once() -> None:
    first = kombu_redis.QoS.ack
    make_celery(Settings(CRMFLOW_RUNTIME="celery", CELERY_BROKER_URL="redis://127.0.0.1:6379/15"))
    assert kombu_redis.QoS.ack is first
