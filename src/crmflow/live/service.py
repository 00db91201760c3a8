"""Start and stop live notifications with the API (called from the app's lifespan)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI

from crmflow.config import Settings
from crmflow.db.session import get_session_factory, mask_url
from crmflow.live import fanout
from crmflow.live.bus import RedisSubscriber
from crmflow.live.hub import NotificationHub

log = logging.getLogger("crmflow.live")


@dataclass
class LiveNotifications:
    """The running pieces: the hub and, with Redis, the subscriber."""

    app: FastAPI
    hub: NotificationHub
    subscriber: RedisSubscriber | None
    redis_url: str | None

    def stop(self) -> None:
        """Stop listening to Redis, close the sockets, stop publishing from this process."""
        if self.subscriber is not None:
            self.subscriber.stop()
        fanout.unregister_hub(self.hub)
        self.app.state.live_hub = None
        self.hub.stop()
        if self.redis_url is not None:
            fanout.configure_redis(None)


def start_live_notifications(
    app: FastAPI, settings: Settings, *, redis: bool = True
) -> LiveNotifications:
    """Serve /api/v1/ws/notifications from this app; with `redis`, fan out through Redis.

    The Redis URL is `redis_url_for(settings)`: REDIS_URL, else a Redis Celery broker. Without
    one (or with `redis=False`) pushes reach only sockets of this process, which is all the
    embedded runtime needs.
    """
    fanout.activate()
    hub = NotificationHub(
        fanout.database_key(settings.database_url),
        get_session_factory(settings.database_url, writer=False),
    )
    hub.start()
    fanout.register_hub(hub)
    url = fanout.redis_url_for(settings) if redis else None
    fanout.configure_redis(url)
    subscriber = None
    if url is not None:
        subscriber = RedisSubscriber(url, hub.submit, skip_origin=fanout.process_origin())
        subscriber.start()
        log.info("live notifications: listening on Redis %s", mask_url(url))
    app.state.live_hub = hub
    app.state.live_subscriber = subscriber
    return LiveNotifications(app=app, hub=hub, subscriber=subscriber, redis_url=url)
