"""The API side of the Celery runtime: after a commit, send the ids to the workers.

Messages are sent by one background thread, never by the request: a broker that is down or
slow must not hold up the API (the commit already made the work durable). What cannot be
sent is only a delay: beat's relay tick finds undispatched events and stalled executions in
the database and sends them again.
"""

from __future__ import annotations

import logging
import threading

from kombu.connection import Connection

from crmflow.config import Settings
from crmflow.db import signals
from crmflow.db.session import mask_url

log = logging.getLogger("crmflow.runtime")

# Ids kept while the broker is unreachable; beyond this the relay recovers the rest.
MAX_BACKLOG = 100_000
RETRY_SECONDS = 1.0


class BrokerUnavailable(RuntimeError):
    """The broker could not be reached at start-up."""


def check_broker(settings: Settings, timeout: float = 5.0) -> None:
    """Connect to the broker once, or raise BrokerUnavailable naming the (masked) URL."""
    try:
        with Connection(settings.broker_url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - kombu raises many transport-specific errors
        raise BrokerUnavailable(
            f"cannot reach the broker at {mask_url(settings.broker_url)}: {exc}"
        ) from None


class CeleryRuntime:
    """The Celery runtime as `crmflow serve` sees it: ids sent to the workers after commits."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.broker_url = settings.broker_url
        self._cond = threading.Condition()
        self._events = False
        self._ids: list[int] = []
        self._stopped = False
        self._broker_down = False
        self._thread = threading.Thread(target=self._loop, name="crmflow-publisher", daemon=True)

    def start(self) -> None:
        """Point the Celery app at the broker, check that it answers, send ids after commits."""
        # Imported here: importing celery_app builds the app from get_settings() (the
        # environment), which importing crmflow.main must not do; start() has its settings.
        from crmflow.runtime.celery_app import celery_app, configure

        configure(celery_app, self.settings)
        check_broker(self.settings)
        self._thread.start()
        signals.subscribe_events(self.events_committed)
        signals.subscribe_executions(self.executions_ready)

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is pending, then stop (if the broker is down, the relay sends the rest)."""
        signals.unsubscribe_all()  # first: nothing new arrives while the backlog is sent
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread.ident is not None:  # start() may have failed before starting it
            self._thread.join(timeout)

    def events_committed(self) -> None:
        """Ask a worker to dispatch the outbox (coalesced: one message for many commits)."""
        with self._cond:
            self._events = True
            self._cond.notify()

    def executions_ready(self, execution_ids: list[int]) -> None:
        """Queue one execute message per id."""
        with self._cond:
            room = MAX_BACKLOG - len(self._ids)
            self._ids.extend(execution_ids[: max(room, 0)])
            self._cond.notify()

    def _take(self) -> tuple[bool, list[int]] | None:
        with self._cond:
            while not (self._stopped or self._events or self._ids):
                self._cond.wait()
            if self._stopped and not (self._events or self._ids):
                return None  # stop() sends what is pending first (while the broker answers)
            events, ids = self._events, self._ids
            self._events, self._ids = False, []
            return events, ids

    def _loop(self) -> None:
        from crmflow.runtime.tasks import (
            EXECUTE_CHUNK,
            enqueue_executions,
            trigger_workflows_for_event,
        )

        while (work := self._take()) is not None:
            events, ids = work
            try:
                if events:
                    trigger_workflows_for_event.apply_async(retry=False)
                    events = False
                while ids:
                    enqueue_executions(ids[:EXECUTE_CHUNK], retry=False)
                    ids = ids[EXECUTE_CHUNK:]
                if self._broker_down:
                    log.warning("broker %s is back; sending again", mask_url(self.broker_url))
                    self._broker_down = False
            except Exception as exc:  # noqa: BLE001 - kombu raises transport-specific errors
                if not self._broker_down:
                    log.warning(
                        "broker %s unreachable (%s); work waits in the database and is "
                        "sent when it returns",
                        mask_url(self.broker_url),
                        exc,
                    )
                    self._broker_down = True
                with self._cond:
                    if self._stopped:
                        return  # stopping with the broker down: the relay sends the rest
                    self._events = self._events or events
                    self._ids = ids[:MAX_BACKLOG] + self._ids
                    self._cond.wait(RETRY_SECONDS)
