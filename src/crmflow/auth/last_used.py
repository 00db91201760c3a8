"""Token last use, written in the background: a request never waits for a write over a hint.

Requests note which token they used; a daemon thread writes the notes in one short
transaction every FLUSH_SECONDS. On SQLite a GET would otherwise queue for the single writer
lock (behind a burst of runs) just to record the time, and a write made after the response
could wait on the request's own session.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from crmflow.auth.models import ApiToken
from crmflow.db.base import utcnow

log = logging.getLogger("crmflow.auth")

FLUSH_SECONDS = 2.0

_TOUCH = (
    update(ApiToken)
    .where(ApiToken.id == bindparam("b_id"))
    .values(last_used_at=bindparam("b_at"))
    .execution_options(synchronize_session=False)
)


class TokenUseRecorder:
    """Collects token uses and writes them in the background (per application)."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._lock = threading.Lock()
        self._pending: dict[int, datetime] = {}
        self._wake = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def note(self, token_id: int) -> None:
        """Record that a token was used now (written within FLUSH_SECONDS)."""
        with self._lock:
            self._pending[token_id] = utcnow()
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(
                    target=self._loop, name="token-last-use", daemon=True
                )
                self._thread.start()

    def flush(self) -> None:
        """Write what was noted so far (tests, shutdown)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        rows = [{"b_id": token_id, "b_at": at} for token_id, at in pending.items()]
        with self._factory() as session:
            try:
                session.connection().execute(_TOUCH, rows)
                session.commit()
            except DBAPIError as exc:  # a hint: lose it rather than fail anything
                session.rollback()
                log.warning("could not record %d tokens' last use: %s", len(rows), exc)

    def stop(self) -> None:
        """Write the last notes and stop the thread."""
        self._stopped = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5.0)
        self.flush()

    def _loop(self) -> None:
        while not self._stopped:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            self.flush()
