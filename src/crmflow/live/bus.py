"""The Redis pub/sub leg of live notifications: publishers in any process, a subscriber per API.

Both run in a background thread: Redis being down or slow never holds up a run or a request
(the notification is already stored; the push is a convenience). Failures are logged once per
outage and retried with a growing delay.

Redis pub/sub ignores the database number: every client of the server shares the channel.
Messages carry only ids; the API loads the row from its own database and checks that it
belongs to the company and the user the message names.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from crmflow.db.session import mask_url
from crmflow.db.signals import NotificationRef

CHANNEL = "crmflow:notifications"
# Pub/sub ignores Redis's database number: deployments (or test runs) sharing a Redis server
# set their own channel name here.
CHANNEL_ENV = "CRMFLOW_LIVE_CHANNEL"


def default_channel() -> str:
    """The pub/sub channel: `crmflow:notifications` unless CRMFLOW_LIVE_CHANNEL names another."""
    return os.environ.get(CHANNEL_ENV) or CHANNEL


log = logging.getLogger("crmflow.live")

# Messages kept while Redis is unreachable; older ones are dropped beyond this.
MAX_BACKLOG = 10_000
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 2.0


def _client(url: str) -> Any:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retries inside redis-py: the thread's own back-off decides when to try again.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=5.0,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )


def encode(ref: NotificationRef, origin: str) -> str:
    """The channel's message for one notification."""
    company_id, user_id, notification_id = ref
    return json.dumps(
        {
            "company_id": company_id,
            "user_id": user_id,
            "notification_id": notification_id,
            "origin": origin,
        }
    )


def decode(raw: bytes | str) -> tuple[NotificationRef, str | None] | None:
    """Parse a channel message; None when it is not one of ours."""
    try:
        body = json.loads(raw)
        ref = (int(body["company_id"]), int(body["user_id"]), int(body["notification_id"]))
    except (ValueError, TypeError, KeyError):
        return None
    origin = body.get("origin")
    return ref, origin if isinstance(origin, str) else None


class _Backoff:
    """Log an outage once, wait longer between attempts, log the recovery."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.delay = 0.0

    @property
    def down(self) -> bool:
        return self.delay > 0

    def failed(self, exc: Exception) -> float:
        if not self.down:
            log.warning(
                "live notifications: %s failed (%s); retrying with back-off", self.what, exc
            )
            self.delay = FIRST_RETRY_SECONDS
        else:
            log.debug("live notifications: %s still failing (%s)", self.what, exc)
            self.delay = min(self.delay * 2, MAX_RETRY_SECONDS)
        return self.delay

    def succeeded(self) -> None:
        if self.down:
            log.warning("live notifications: %s works again", self.what)
        self.delay = 0.0


class RedisPublisher:
    """Publishes committed notifications' ids on the channel from a background thread."""

    def __init__(self, url: str, *, origin: str, channel: str | None = None) -> None:
        self.url = url
        self.origin = origin
        self.channel = channel or default_channel()
        self._cond = threading.Condition()
        self._pending: deque[str] = deque()
        self._stopped = False
        self._dropped = False
        self._backoff = _Backoff(f"publishing to Redis {mask_url(url)}")
        self._thread = threading.Thread(
            target=self._loop, name="crmflow-live-publisher", daemon=True
        )

    def start(self) -> None:
        """Start publishing in the background."""
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Publish what is pending (unless Redis is down), then stop."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def publish(self, refs: list[NotificationRef]) -> None:
        """Queue one message per notification (never blocks on Redis)."""
        with self._cond:
            self._pending.extend(encode(ref, self.origin) for ref in refs)
            excess = len(self._pending) - MAX_BACKLOG
            if excess > 0:
                for _ in range(excess):
                    self._pending.popleft()
                if not self._dropped:
                    log.warning(
                        "live notifications: Redis backlog full; dropping the oldest pushes "
                        "(the notifications themselves are stored)"
                    )
                    self._dropped = True
            self._cond.notify()

    @property
    def pending(self) -> int:
        """How many messages wait to be published."""
        with self._cond:
            return len(self._pending)

    def _take(self) -> list[str] | None:
        with self._cond:
            while not (self._stopped or self._pending):
                self._cond.wait()
            if not self._pending:
                return None
            batch = list(self._pending)
            self._pending.clear()
            return batch

    def _loop(self) -> None:
        client: Any = None
        while (batch := self._take()) is not None:
            try:
                if client is None:
                    client = _client(self.url)
                pipe = client.pipeline(transaction=False)
                for message in batch:
                    pipe.publish(self.channel, message)
                pipe.execute()
                self._backoff.succeeded()
                self._dropped = False
            except Exception as exc:  # noqa: BLE001 - redis raises many errors; none may escape
                _close(client)
                client = None
                delay = self._backoff.failed(exc)
                with self._cond:
                    if self._stopped:
                        return  # stopping while Redis is down: these pushes are lost
                    self._pending.extendleft(reversed(batch[-MAX_BACKLOG:]))
                    while len(self._pending) > MAX_BACKLOG:
                        self._pending.pop()
                    self._cond.wait(delay)
        _close(client)


def _close(client: Any) -> None:
    if client is not None:
        with contextlib.suppress(Exception):  # closing a broken connection
            client.close()


class RedisSubscriber:
    """Listens on the channel in a background thread and hands each ref to `deliver`.

    Messages this process published itself (`skip_origin`) are skipped: they were delivered
    in-process already. Messages sent while the subscriber is disconnected are lost (clients
    list their notifications again when they reconnect).
    """

    def __init__(
        self,
        url: str,
        deliver: Callable[[list[NotificationRef]], None],
        *,
        skip_origin: str | None = None,
        channel: str | None = None,
    ) -> None:
        self.url = url
        self.deliver = deliver
        self.skip_origin = skip_origin
        self.channel = channel or default_channel()
        self.subscribed = threading.Event()
        self._stop = threading.Event()
        self._backoff = _Backoff(f"subscribing to Redis {mask_url(url)}")
        self._thread = threading.Thread(
            target=self._loop, name="crmflow-live-subscriber", daemon=True
        )

    def start(self) -> None:
        """Connect and listen in the background."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening (within about a second)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            client: Any = None
            pubsub: Any = None
            try:
                client = _client(self.url)
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message.get("type") == "subscribe":  # confirmed: listening from now on
                        self.subscribed.set()
                        self._backoff.succeeded()
                    elif message.get("type") == "message":
                        self._handle(message.get("data"))
            except Exception as exc:  # noqa: BLE001 - redis raises many errors; keep listening
                self.subscribed.clear()
                self._stop.wait(self._backoff.failed(exc))
            finally:
                for closable in (pubsub, client):
                    _close(closable)
        self.subscribed.clear()

    def _handle(self, raw: Any) -> None:
        if not isinstance(raw, bytes | str):
            return
        parsed = decode(raw)
        if parsed is None:
            log.debug("live notifications: ignoring a malformed message %r", raw[:200])
            return
        ref, origin = parsed
        if origin is not None and origin == self.skip_origin:
            return
        try:
            self.deliver([ref])
        except Exception:  # one bad delivery must not stop the subscriber
            log.exception("live notifications: delivering %s failed", ref)
