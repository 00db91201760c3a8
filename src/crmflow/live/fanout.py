"""Where a committed notification goes: this process's hubs and, when configured, Redis.

Code that inserts notifications marks them on the session
(`db.signals.mark_notifications_created`); after the commit
`_committed` hands them to every hub of this process serving that database (the embedded
runtime shares the API's process) and queues them for the Redis channel, so that API
processes other than this one (a Celery worker has no sockets) push them too. A rollback drops
the marks: a notification that was never committed is never pushed.

The Redis side is configured by the API's lifespan (`configure_redis`); a process without an
app (a Celery worker, the CLI) reads it from the settings on first use (`redis_url_for`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Protocol

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from crmflow import config
from crmflow.config import Settings
from crmflow.db import signals
from crmflow.db.signals import NotificationRef
from crmflow.live.bus import RedisPublisher

log = logging.getLogger("crmflow.live")


class LocalHub(Protocol):
    """What the fan-out needs of a hub: its database and a thread-safe submit."""

    database_key: str

    def submit(self, refs: list[NotificationRef]) -> None: ...


_lock = threading.Lock()
_origin_lock = threading.Lock()
_hubs: list[LocalHub] = []
# pid -> publisher (None: this process does not publish); a forked child starts afresh.
_publishers: dict[int, RedisPublisher | None] = {}
_origins: dict[int, str] = {}


def redis_url_for(settings: Settings) -> str | None:
    """The Redis URL live notifications travel through, or None (in-process only).

    REDIS_URL when set; else the Celery broker when it is Redis (the embedded runtime has no
    broker: its default broker URL does not count).
    """
    if settings.redis_url:
        return settings.redis_url
    if settings.runtime == "celery" and settings.broker_url.startswith(("redis://", "rediss://")):
        return settings.broker_url
    return None


def database_key(url: str | URL) -> str:
    """Identify a database independently of the driver and the password."""
    parsed = make_url(url)
    return (
        f"{parsed.get_backend_name()}://{parsed.host or ''}:{parsed.port or ''}/"
        f"{parsed.database or ''}"
    )


def process_origin() -> str:
    """This process's id on the channel (its own messages are already delivered locally)."""
    pid = os.getpid()
    with _origin_lock:
        if pid not in _origins:
            _origins[pid] = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}"
        return _origins[pid]


def register_hub(hub: LocalHub) -> None:
    """Deliver this process's commits on the hub's database to the hub."""
    with _lock:
        if hub not in _hubs:
            _hubs.append(hub)


def unregister_hub(hub: LocalHub) -> None:
    """Stop delivering to the hub."""
    with _lock:
        if hub in _hubs:
            _hubs.remove(hub)


def configure_redis(url: str | None) -> None:
    """Publish this process's notifications to Redis at `url` (None: do not publish)."""
    pid = os.getpid()
    publisher = RedisPublisher(url, origin=process_origin()) if url else None
    with _lock:
        previous = _publishers.get(pid)
        _publishers[pid] = publisher
    if previous is not None:
        previous.stop()
    if publisher is not None:
        publisher.start()


def _publisher() -> RedisPublisher | None:
    pid = os.getpid()
    with _lock:
        if pid in _publishers:
            return _publishers[pid]
    # Not configured by an app (a Celery worker process, the CLI): use the settings.
    try:
        url = redis_url_for(config.get_settings())
    except Exception as exc:  # noqa: BLE001 - bad settings must not fail a commit
        log.warning("live notifications: cannot read the settings (%s); not publishing", exc)
        url = None
    origin = process_origin()
    with _lock:
        if pid in _publishers:  # another thread was first
            return _publishers[pid]
        publisher = RedisPublisher(url, origin=origin) if url else None
        _publishers[pid] = publisher
    if publisher is not None:
        publisher.start()
    return publisher


def _committed(session: Session, refs: list[NotificationRef]) -> None:
    with _lock:
        hubs = list(_hubs)
    if hubs:
        bind = session.get_bind()
        key = database_key(bind.engine.url)
        for hub in hubs:
            if hub.database_key == key:
                hub.submit(refs)
    publisher = _publisher()
    if publisher is not None:
        publisher.publish(refs)


def _after_fork_in_child() -> None:
    # A forked child (Celery's pool) inherits the locks in whatever state and none of the
    # threads: start afresh (publishers are per pid already).
    global _lock, _origin_lock
    _lock = threading.Lock()
    _origin_lock = threading.Lock()
    _hubs.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def activate() -> None:
    """Push this process's committed notifications from now on (the API, a Celery worker)."""
    signals.subscribe_notifications(_committed)  # idempotent
