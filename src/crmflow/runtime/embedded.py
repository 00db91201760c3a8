"""The embedded runtime: a worker pool, a dispatcher and a scheduler inside the serve process."""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from crmflow.config import Settings
from crmflow.db.base import utcnow
from crmflow.db.session import get_session_factory
from crmflow.engine.runner import RunOptions, run_batch
from crmflow.runtime import jobs, signals
from crmflow.runtime.dispatcher import dispatch_pending_events

log = logging.getLogger("crmflow.runtime")

BATCH_MAX = 64
BATCH_BUDGET_MS = 20.0
INACTIVITY_EVERY = 30.0
PRUNE_EVERY = 3600.0
# A pending execution this old that no worker holds was missed (e.g. committed by another
# process, or queued before a crash): the relay hands it to a worker.
STALE_PENDING = timedelta(seconds=2)


class EmbeddedRuntime:
    """Runs executions in threads of the current process; SQLite- and PostgreSQL-safe."""

    def __init__(self, settings: Settings, session_factory: sessionmaker[Session] | None = None):
        self.settings = settings
        self.factory = session_factory or get_session_factory(settings.database_url)
        self.options = RunOptions(
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            lease_seconds=settings.lease_seconds,
            max_causation_depth=settings.max_causation_depth,
        )
        self.queue: queue.Queue[int | None] = queue.Queue()
        self._queued: set[int] = set()
        self._queued_lock = threading.Lock()
        self._stop = threading.Event()
        self._events_ready = threading.Event()
        self._threads: list[threading.Thread] = []
        self.completed = 0
        self._ms_per_run = 1.0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the dispatcher, the scheduler and the worker threads."""
        signals.subscribe_events(self._events_ready.set)
        signals.subscribe_executions(self.enqueue)
        self._spawn("crmflow-dispatcher", self._dispatch_loop)
        self._spawn("crmflow-scheduler", self._scheduler_loop)
        for index in range(max(1, self.settings.worker_threads)):
            self._spawn(f"crmflow-worker-{index}", self._worker_loop)
        self._events_ready.set()  # relay whatever was left undispatched by a previous run

    def stop(self, timeout: float = 10.0) -> None:
        """Stop all threads; executions in progress finish their transaction first."""
        self._stop.set()
        self._events_ready.set()
        for _ in self._threads:
            self.queue.put(None)
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        signals.unsubscribe_all()

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- work ------------------------------------------------------------------------------
    def enqueue(self, execution_ids: list[int]) -> None:
        """Hand execution ids to the workers (duplicates are dropped)."""
        with self._queued_lock:
            fresh = [i for i in execution_ids if i not in self._queued]
            self._queued.update(fresh)
        for execution_id in fresh:
            self.queue.put(execution_id)

    def _worker_loop(self) -> None:
        while not self._stop.is_set():
            first = self.queue.get()
            if first is None:
                return
            batch = [first]
            # Take what else is already waiting: one transaction for many runs, sized so that
            # a batch takes about BATCH_BUDGET_MS (results are visible only at its commit).
            limit = max(1, min(BATCH_MAX, int(BATCH_BUDGET_MS / max(self._ms_per_run, 0.05))))
            while len(batch) < limit:
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self.queue.put(None)
                    break
                batch.append(more)
            try:
                self._guard(lambda ids=batch: self._run_batch(ids))  # type: ignore[misc]
            finally:
                with self._queued_lock:
                    self._queued.difference_update(batch)

    def _run_batch(self, execution_ids: list[int]) -> None:
        with self.factory() as session:
            result = run_batch(session, execution_ids, self.options)
        done = len(result.outcome)
        self.completed += done
        if done:
            per_run = result.work_ms / done
            self._ms_per_run = 0.8 * self._ms_per_run + 0.2 * per_run

    def _dispatch_loop(self) -> None:
        while not self._stop.is_set():
            self._events_ready.wait(timeout=1.0)
            self._events_ready.clear()
            while not self._stop.is_set():
                count = self._guard(self._dispatch_batch)
                if not count:
                    break

    def _dispatch_batch(self) -> int:
        with self.factory() as session:
            count, _ids = dispatch_pending_events(session)
        return count

    def _scheduler_loop(self) -> None:
        last_inactivity = 0.0
        last_prune = time.monotonic()
        while not self._stop.wait(self.settings.scheduler_interval_seconds):
            self._guard(self._fire_scheduled)
            self._guard(self._relay)
            if time.monotonic() - last_inactivity >= INACTIVITY_EVERY:
                last_inactivity = time.monotonic()
                self._guard(self._check_inactivity)
            if time.monotonic() - last_prune >= PRUNE_EVERY:
                last_prune = time.monotonic()
                self._guard(self._prune)

    def _fire_scheduled(self) -> None:
        with self.factory() as session:
            jobs.fire_scheduled(session, now=utcnow())

    def _check_inactivity(self) -> None:
        with self.factory() as session:
            jobs.check_inactivity(session, now=utcnow())

    def _prune(self) -> None:
        with self.factory() as session:
            jobs.prune_executions(
                session, now=utcnow(), retention_days=self.settings.retention_days
            )

    def _relay(self) -> None:
        self._events_ready.set()
        with self.factory() as session:
            ids = jobs.runnable_executions(session, now=utcnow(), pending_older_than=STALE_PENDING)
        self.enqueue(ids)

    def _guard(self, job: Callable[[], object]) -> int:
        """Run a job; log and survive any error (the next tick retries from the database)."""
        try:
            result = job()
        except Exception:
            log.exception("runtime job failed; will retry")
            time.sleep(0.2)
            return 0
        return result if isinstance(result, int) else 0
