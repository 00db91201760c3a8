"""Synchronous waits (`POST /workflows/{id}/execute?wait=`): bounded per company, never a thread.

A request that waits for its run used to hold a server thread for up to 30 s: 45 of them took
every thread, and another company's `GET /users/me` waited 28 s. Waits now poll asynchronously,
and each company may have only so many in flight in a process (CRMFLOW_MAX_SYNC_WAITS).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crmflow.common.enums import FINISHED_STATUSES
from crmflow.executions.models import WorkflowExecution

# Polls start fast (a short run answers within milliseconds) and slow down for long ones.
FIRST_POLL_SECONDS = 0.01
LAST_POLL_SECONDS = 0.1


class SyncWaitSlots:
    """How many synchronous waits each company has in flight in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: dict[int, int] = defaultdict(int)

    def try_acquire(self, company_id: int, limit: int) -> bool:
        """Take a slot for the company unless it already holds `limit` of them."""
        with self._lock:
            if self._in_flight[company_id] >= limit:
                return False
            self._in_flight[company_id] += 1
            return True

    def release(self, company_id: int) -> None:
        """Give a slot back."""
        with self._lock:
            self._in_flight[company_id] -= 1
            if self._in_flight[company_id] <= 0:
                del self._in_flight[company_id]

    def in_flight(self, company_id: int) -> int:
        """The company's waits in flight now."""
        with self._lock:
            return self._in_flight.get(company_id, 0)


sync_waits = SyncWaitSlots()


def _status(read_factory: sessionmaker[Session], execution_id: int) -> str | None:
    # Each poll is its own short read transaction: a long one would keep an old snapshot.
    with read_factory() as session:
        return session.scalar(
            select(WorkflowExecution.status).where(WorkflowExecution.id == execution_id)
        )


async def wait_for_outcome(
    read_factory: sessionmaker[Session], *, execution_id: int, timeout: float
) -> str | None:
    """Poll an execution until it finishes or `timeout` passes, without holding a thread."""
    deadline = time.monotonic() + timeout
    pause = FIRST_POLL_SECONDS
    while True:
        status = await asyncio.to_thread(_status, read_factory, execution_id)
        if status in FINISHED_STATUSES or time.monotonic() >= deadline:
            return status
        await asyncio.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, LAST_POLL_SECONDS)
