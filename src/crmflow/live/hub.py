"""The API process's sockets, by company and user, and the thread that feeds them.

Refs arrive from any thread (an after-commit listener, the Redis subscriber). The hub's own
thread loads each row from the database, scoped to the ref's company and user (a ref that names
another user's notification, or one that does not exist, pushes nothing), counts the user's
unread notifications, and hands the message to that user's sockets on their event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crmflow.auth.service import (
    Principal,
    hash_token,
    principal_for_token,
    valid_token_hashes,
)
from crmflow.crm.models import Notification
from crmflow.crm.notifications import unread_count
from crmflow.crm.schemas import NotificationOut
from crmflow.db.signals import NotificationRef

log = logging.getLogger("crmflow.live")

# Messages a socket may have waiting; a client that falls further behind is disconnected
# (close code 1013) and lists its notifications when it reconnects.
QUEUE_SIZE = 256
NOTIFICATION_FIELDS = {"id", "level", "title", "message", "link", "created_at", "read_at"}
_STOP = object()
# How often open sockets' tokens are checked against the database: a token revoked anywhere
# (another API process, the CLI) loses its sockets within this many seconds.
TOKEN_CHECK_SECONDS = 2.0


@dataclass(eq=False)
class Subscriber:
    """One open socket: its user and the queue its sender task drains."""

    company_id: int
    user_id: int
    loop: asyncio.AbstractEventLoop
    # The token the socket authenticated with: revoked or expired, the socket closes.
    token_hash: str = ""
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    # Set when the socket must close: (code, reason); the sender closes it.
    closing: tuple[int, str] | None = None

    def offer(self, message: dict[str, Any]) -> None:
        """Queue a message (on the subscriber's loop); a full queue closes the socket."""
        if self.closing is not None:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.close(1013, "too many pending messages: reconnect and list notifications")

    def close(self, code: int, reason: str) -> None:
        """Ask the sender to close the socket (on the subscriber's loop)."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait({"type": "_close"})

    def offer_threadsafe(self, message: dict[str, Any]) -> None:
        """Queue a message from another thread."""
        with contextlib.suppress(RuntimeError):  # a closed loop: the socket is gone
            self.loop.call_soon_threadsafe(self.offer, message)


class NotificationHub:
    """Routes committed notifications to their recipient's sockets in this process."""

    def __init__(
        self,
        database_key: str,
        read_factory: sessionmaker[Session],
        token_check_seconds: float = TOKEN_CHECK_SECONDS,
    ) -> None:
        self.database_key = database_key
        self.read_factory = read_factory
        self.token_check_seconds = token_check_seconds
        self._lock = threading.Lock()
        self._subscribers: dict[tuple[int, int], set[Subscriber]] = defaultdict(set)
        self._inbox: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="crmflow-live-hub", daemon=True)
        self._db_failing = False

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the delivery thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Close every socket (1001) and stop the delivery thread."""
        with self._lock:
            everyone = [sub for subs in self._subscribers.values() for sub in subs]
        for sub in everyone:
            with contextlib.suppress(RuntimeError):
                sub.loop.call_soon_threadsafe(sub.close, 1001, "server shutting down")
        self._inbox.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)

    # --- sockets -----------------------------------------------------------------------------

    def add(self, principal: Principal, token: str = "") -> Subscriber:
        """Register a socket of this user (call from its event loop)."""
        sub = Subscriber(
            principal.company_id,
            principal.user_id,
            asyncio.get_running_loop(),
            token_hash=hash_token(token) if token else "",
        )
        with self._lock:
            self._subscribers[(sub.company_id, sub.user_id)].add(sub)
        return sub

    def remove(self, sub: Subscriber) -> None:
        """Forget a socket."""
        with self._lock:
            key = (sub.company_id, sub.user_id)
            subs = self._subscribers.get(key)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscribers[key]

    def connections(self, company_id: int, user_id: int) -> int:
        """How many sockets this user has open here."""
        with self._lock:
            return len(self._subscribers.get((company_id, user_id), ()))

    def authenticate(self, token: str) -> Principal | None:
        """Resolve an API token like the HTTP routes do (blocking: call from a thread)."""
        with self.read_factory() as session:
            try:
                return principal_for_token(session, token)
            finally:
                session.rollback()

    def unread(self, company_id: int, user_id: int) -> int:
        """The user's unread count (blocking: call from a thread)."""
        with self.read_factory() as session:
            try:
                return unread_count(session, company_id=company_id, user_id=user_id)
            finally:
                session.rollback()

    # --- delivery ----------------------------------------------------------------------------

    def submit(self, refs: list[NotificationRef]) -> None:
        """Push these committed notifications to their recipients' sockets (any thread)."""
        if refs:
            self._inbox.put(list(refs))

    def _loop(self) -> None:
        next_check = time.monotonic() + self.token_check_seconds
        while True:
            try:
                item = self._inbox.get(timeout=max(0.0, next_check - time.monotonic()))
            except queue.Empty:
                item = None
            if time.monotonic() >= next_check:
                self._guard(self.close_revoked)
                next_check = time.monotonic() + self.token_check_seconds
            if item is None:
                continue
            if item is _STOP:
                return
            refs: list[NotificationRef] = list(item)
            stop = False
            while True:  # take what else is waiting: one query per user for a burst
                try:
                    more = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                refs.extend(more)
            self._guard(functools.partial(self._deliver, refs))
            if stop:
                return

    def _guard(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - the database may be down; keep serving
            if not self._db_failing:
                log.warning("live notifications: cannot reach the database (%s)", exc)
                self._db_failing = True
        else:
            self._db_failing = False

    def close_revoked(self) -> None:
        """Close the sockets whose token was revoked or expired (in any process) since."""
        with self._lock:
            subs = [sub for group in self._subscribers.values() for sub in group if sub.token_hash]
        if not subs:
            return
        with self.read_factory() as session:
            try:
                valid = valid_token_hashes(session, (sub.token_hash for sub in subs))
            finally:
                session.rollback()
        for sub in subs:
            if sub.token_hash not in valid:
                with contextlib.suppress(RuntimeError):  # its loop is gone: so is the socket
                    sub.loop.call_soon_threadsafe(sub.close, 4401, "token revoked or expired")

    def _deliver(self, refs: list[NotificationRef]) -> None:
        wanted: dict[tuple[int, int], set[int]] = defaultdict(set)
        for company_id, user_id, notification_id in refs:
            wanted[(company_id, user_id)].add(notification_id)
        with self._lock:
            targets = {
                key: list(self._subscribers[key]) for key in wanted if self._subscribers.get(key)
            }
        if not targets:
            return  # nobody connected here: no query
        with self.read_factory() as session:
            try:
                for (company_id, user_id), subs in targets.items():
                    self._deliver_to(
                        session, company_id, user_id, wanted[(company_id, user_id)], subs
                    )
            finally:
                session.rollback()

    def _deliver_to(
        self,
        session: Session,
        company_id: int,
        user_id: int,
        ids: set[int],
        subs: list[Subscriber],
    ) -> None:
        rows = session.scalars(
            select(Notification)
            .where(
                Notification.id.in_(sorted(ids)),
                Notification.company_id == company_id,
                Notification.user_id == user_id,
            )
            .order_by(Notification.id)
        ).all()
        if not rows:
            return
        count = unread_count(session, company_id=company_id, user_id=user_id)
        for row in rows:
            body = NotificationOut.model_validate(row).model_dump(
                mode="json", include=NOTIFICATION_FIELDS
            )
            message = {"type": "notification", "notification": body, "unread_count": count}
            for sub in subs:
                sub.offer_threadsafe(message)
