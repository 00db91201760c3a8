"""Exponential back-off for loops and periodic jobs that meet an unavailable database."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import ParamSpec

from crmflow.db.outage import unavailable_reason

FIRST_DELAY = 0.5
MAX_DELAY = 10.0

P = ParamSpec("P")


class Backoff:
    """Delays after consecutive failures (0.5 s, 1 s, 2 s ... capped at 10 s); a success resets."""

    def __init__(
        self,
        first: float = FIRST_DELAY,
        cap: float = MAX_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first = first
        self.cap = cap
        self.clock = clock
        self.failures = 0
        self._since = 0.0
        self._until = 0.0
        self._lock = threading.Lock()

    def failure(self) -> float:
        """Count a failure; return how long to wait before the next attempt."""
        with self._lock:
            now = self.clock()
            if self.failures == 0:
                self._since = now
            delay = min(self.cap, self.first * 2.0 ** min(self.failures, 30))
            self.failures += 1
            self._until = now + delay
            return delay

    def remaining(self) -> float:
        """Seconds left before the next attempt is due (0 when not backing off)."""
        with self._lock:
            return max(0.0, self._until - self.clock()) if self.failures else 0.0

    def success(self) -> float | None:
        """Reset; return how long the failures lasted, or None if there were none."""
        with self._lock:
            if not self.failures:
                return None
            self.failures = 0
            self._until = 0.0
            return self.clock() - self._since


class OutageGuard:
    """Wrap periodic jobs so that a database outage costs one log line per back-off step.

    While the database is unavailable a wrapped job logs one warning (no trace), returns 0,
    and the calls that come before the back-off delay is over return 0 at once: a tick every
    second then tries the database at 0.5, 1, 2, 4, 8, 10, 10 ... s. Jobs lose nothing by it
    (the next successful tick finds the work in the database); other errors still raise.
    """

    def __init__(self, log: logging.Logger, backoff: Backoff | None = None) -> None:
        self.log = log
        self.backoff = backoff or Backoff()
        self._local = threading.local()

    def __call__(self, job: Callable[P, int]) -> Callable[P, int]:
        """Decorate `job` (a function returning a count)."""

        @functools.wraps(job)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> int:
            if getattr(self._local, "inside", False):
                return job(*args, **kwargs)  # nested (relay -> dispatch): the outer call decides
            if self.backoff.remaining() > 0:
                return 0
            self._local.inside = True
            try:
                result = job(*args, **kwargs)
            except Exception as exc:
                reason = unavailable_reason(exc)
                if reason is None:
                    raise
                delay = self.backoff.failure()
                self.log.warning(
                    "%s: database unavailable (%s); next attempt in %.1f s",
                    job.__name__,
                    reason,
                    delay,
                )
                return 0
            finally:
                self._local.inside = False
            down = self.backoff.success()
            if down is not None:
                self.log.warning("%s: database available again after %.1f s", job.__name__, down)
            return result

        return guarded
