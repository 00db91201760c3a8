"""The embedded runtime: worker threads and a scheduler inside the serve process.

A worker cycle is one transaction: dispatch the events committed since the last cycle, then
run executions until its time budget is spent or another writer of the process is waiting.
"""

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

from crmflow.common.enums import ExecutionStatus
from crmflow.config import Settings
from crmflow.db import signals
from crmflow.db.base import utcnow
from crmflow.db.outage import unavailable_reason
from crmflow.db.session import foreground_writers_waiting, get_session_factory, is_sqlite
from crmflow.db.writer_lock import peer_writing
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.outbound.delivery import deliver_due
from crmflow.runtime import jobs
from crmflow.runtime.backoff import Backoff
from crmflow.runtime.dispatcher import dispatch_pending_events
from crmflow.sla.service import alert_settings, scan_and_alert

log = logging.getLogger("crmflow.runtime")

CYCLE_WINDOW = float(os.environ.get("CRMFLOW_CYCLE_WINDOW", "0.01"))
# Queue marker: "events were committed, dispatch them" (execution ids are positive).
DISPATCH = -1
BATCH_BUDGET_MS = float(os.environ.get("CRMFLOW_BATCH_BUDGET_MS", "20"))
# How long a runtime process lets the API's writes go first before taking its own turn anyway.
PEER_DEFER_MAX = 0.02
PEER_DEFER_POLL = 0.0002
INACTIVITY_EVERY = 30.0
PRUNE_EVERY = 3600.0
# A pending execution this old that no worker holds was missed (e.g. committed by another
# process, or queued before a crash): the relay hands it to a worker.
STALE_PENDING = timedelta(seconds=2)
RELAY_PAGE = 1000
RELAY_PAGES = 50


def _defer_to_peer_writes() -> None:
    """In a runtime process: let the API's announced writes go first, for PEER_DEFER_MAX at most.

    An API request waits for its write; a batch of runs waiting a few ms costs nobody.
    """
    deadline = time.monotonic() + PEER_DEFER_MAX
    while peer_writing() and time.monotonic() < deadline:
        time.sleep(PEER_DEFER_POLL)


class EmbeddedRuntime:
    """Runs executions in threads of the current process; SQLite- and PostgreSQL-safe."""

    def __init__(self, settings: Settings, session_factory: sessionmaker[Session] | None = None):
        self.settings = settings
        self.factory = session_factory or get_session_factory(settings.database_url)
        self.options = RunOptions(
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            lease_seconds=settings.lease_seconds,
            max_causation_depth=settings.max_causation_depth,
            max_worker_losses=settings.max_worker_losses,
            public_url=settings.public_url,
            smtp_configured=settings.smtp_configured,
            secret_key=settings.secret_key,
        )
        self.queue: queue.Queue[int | None] = queue.Queue()  # ids, DISPATCH or None (stop)
        self._queued: set[int] = set()
        self._queued_lock = threading.Lock()
        self._stop = threading.Event()
        self._events_ready = threading.Event()
        # Set when a run may have queued an email or webhook call: the sender looks at once.
        self._outbox_ready = threading.Event()
        self._threads: list[threading.Thread] = []
        self.completed = 0
        self._ms_per_run = 1.0
        self._last_cycle = 0.0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the scheduler and the worker threads."""
        signals.subscribe_events(self.events_committed)
        signals.subscribe_executions(self.executions_ready)
        self._spawn("crmflow-scheduler", self._scheduler_loop)
        # SQLite has one writer: a second worker thread would only contend for it.
        threads = 1 if is_sqlite(self.settings.database_url) else self.settings.worker_threads
        for index in range(max(1, threads)):
            self._spawn(f"crmflow-worker-{index}", self._worker_loop)
        self._spawn("crmflow-outbox", self._outbox_loop)
        self.events_committed()  # relay whatever was left undispatched by a previous run

    def stop(self, timeout: float = 10.0) -> None:
        """Stop all threads; executions in progress finish their transaction first."""
        self._stop.set()
        self._events_ready.set()
        self._outbox_ready.set()
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
    def executions_ready(self, execution_ids: list[int]) -> None:
        """Hand execution ids to the workers (duplicates are dropped)."""
        with self._queued_lock:
            fresh = [i for i in execution_ids if i not in self._queued]
            self._queued.update(fresh)
        for execution_id in fresh:
            self.queue.put(execution_id)

    def events_committed(self) -> None:
        """Ask a worker to dispatch new events (one marker in the queue at a time)."""
        if not self._events_ready.is_set():
            self._events_ready.set()
            self.queue.put(DISPATCH)

    def _worker_loop(self) -> None:
        carry: list[int] = []
        backoff = Backoff()
        while not self._stop.is_set():
            if not carry:
                item = self.queue.get()
                if item is None:
                    return
                if item != DISPATCH:
                    carry.append(item)
            # Group commit: a cycle starts at most every CYCLE_WINDOW seconds, so work arriving
            # one item at a time is handled together (a cycle has ~2 ms of fixed cost).
            wait = self._last_cycle + CYCLE_WINDOW - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            _defer_to_peer_writes()
            self._last_cycle = time.monotonic()
            while True:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self.queue.put(None)
                    break
                if item != DISPATCH:
                    carry.append(item)
            delay = 0.0
            try:
                leftover = self._cycle(carry)
            except Exception as exc:  # noqa: BLE001 - logged by _failed; the thread must live
                delay = self._failed(backoff, exc)
                leftover = []
            else:
                self._recovered(backoff)
            with self._queued_lock:
                self._queued.difference_update(set(carry) - set(leftover))
            carry = leftover
            if delay:
                # The work stays in the database (nothing was committed): the relay hands it
                # out again. Waiting longer after each failure keeps a database outage from
                # turning into a busy loop of connection attempts and log lines.
                self._stop.wait(delay)

    def _cycle(self, execution_ids: list[int]) -> list[int]:
        """One transaction: dispatch new events, run executions for a time budget.

        Returns the ids it had no time for. Only about as many events are dispatched as the
        budget can run, so a backlog drains in order instead of piling up in memory.
        """
        created: list[int] = []
        try:
            with self.factory() as session:
                if self._events_ready.is_set():
                    self._events_ready.clear()
                    limit = int(BATCH_BUDGET_MS / max(self._ms_per_run, 0.05)) + 8
                    seen, created = dispatch_pending_events(session, limit=limit, commit=False)
                    if seen == limit:
                        self.events_committed()  # more backlog: come back for it
                    with self._queued_lock:
                        self._queued.update(created)
                    execution_ids = execution_ids + created
                result = run_batch(
                    session,
                    execution_ids,
                    self.options,
                    should_yield=lambda: foreground_writers_waiting(session),
                    max_work_ms=BATCH_BUDGET_MS,
                )
        except Exception:
            # The dispatch was rolled back: those ids do not exist, and SQLite may reuse them
            # for new executions, which executions_ready() would then drop as already queued.
            with self._queued_lock:
                self._queued.difference_update(created)
            raise
        with self._queued_lock:
            # The dispatched ids this cycle handled are no longer queued (the caller forgets
            # the ids it passed in): a run that now waits must be re-enqueued by the relay.
            self._queued.difference_update(set(created) - set(result.leftover))
        done = len(result.outcome)
        self.completed += done
        if ExecutionStatus.WAITING in result.outcome.values():
            self._outbox_ready.set()
        if done:
            per_run = result.work_ms / done
            self._ms_per_run = 0.8 * self._ms_per_run + 0.2 * per_run
        return result.leftover

    def _scheduler_loop(self) -> None:
        last_inactivity = 0.0
        last_prune = time.monotonic()
        backoff = Backoff()
        interval = self.settings.scheduler_interval_seconds
        delay = interval
        while not self._stop.wait(delay):
            # While the database is unavailable the tick stops at the first failure and the
            # next one waits for the back-off delay; a due inactivity check or prune runs
            # once the database answers again.
            delay = interval
            ok = (
                self._guard(self._fire_scheduled, backoff)
                and self._guard(self._relay, backoff)
                and self._guard(self._check_slas, backoff)
            )
            if ok and time.monotonic() - last_inactivity >= INACTIVITY_EVERY:
                ok = self._guard(self._check_inactivity, backoff)
                last_inactivity = time.monotonic() if ok else last_inactivity
            if ok and time.monotonic() - last_prune >= PRUNE_EVERY:
                ok = self._guard(self._prune, backoff)
                last_prune = time.monotonic() if ok else last_prune
            if not ok:
                delay = max(interval, backoff.remaining())

    def _outbox_loop(self) -> None:
        """Send due emails and webhook calls, outside any run's transaction."""
        backoff = Backoff()
        interval = self.settings.scheduler_interval_seconds
        while not self._stop.is_set():
            self._outbox_ready.clear()
            sent = 0

            def deliver() -> None:
                nonlocal sent
                sent = deliver_due(self.factory, self.settings)

            ok = self._guard(deliver, backoff)
            if not ok:
                self._stop.wait(max(interval, backoff.remaining()))
            elif not sent:
                self._outbox_ready.wait(interval)

    def _fire_scheduled(self) -> None:
        with self.factory() as session:
            jobs.fire_scheduled(session, now=utcnow())

    def _check_slas(self) -> None:
        with self.factory() as session:
            if scan_and_alert(session, alert_settings(self.settings)):
                self._outbox_ready.set()  # alert emails are queued: send them now

    def _check_inactivity(self) -> None:
        with self.factory() as session:
            jobs.check_inactivity(session, now=utcnow())

    def _prune(self) -> None:
        with self.factory() as session:
            jobs.prune_executions(
                session, now=utcnow(), retention_days=self.settings.retention_days
            )

    def _relay(self) -> None:
        self.events_committed()
        # Page on until a short page: 10,000 delays falling due at once are all queued now,
        # not 1,000 per tick (the workers drain the queue as fast as it fills).
        after = 0
        for _ in range(RELAY_PAGES):
            with self.factory() as session:
                ids = jobs.runnable_executions(
                    session,
                    now=utcnow(),
                    pending_older_than=STALE_PENDING,
                    limit=RELAY_PAGE,
                    after_id=after,
                )
            self.executions_ready(ids)
            if len(ids) < RELAY_PAGE:
                return
            after = ids[-1]

    def _guard(self, job: Callable[[], object], backoff: Backoff) -> bool:
        """Run a job; survive any error. Return False when the database is unavailable.

        Other errors (bugs) are logged with their trace and do not stop the tick's other
        jobs; every job retries from the database at the next tick.
        """
        name = job.__name__.strip("_").replace("_", " ")
        try:
            job()
        except Exception as exc:
            if unavailable_reason(exc) is None:
                log.exception("runtime job %r failed; will retry", name)
                return True
            self._failed(backoff, exc)
            return False
        self._recovered(backoff)
        return True

    @staticmethod
    def _failed(backoff: Backoff, exc: Exception) -> float:
        """Log a failure in one line (a trace only for bugs); return the back-off delay."""
        delay = backoff.failure()
        who = threading.current_thread().name
        reason = unavailable_reason(exc)
        if reason is None:
            log.exception("%s failed; retrying in %.1f s", who, delay)
        else:
            log.warning("%s: database unavailable (%s); retrying in %.1f s", who, reason, delay)
        return delay

    @staticmethod
    def _recovered(backoff: Backoff) -> None:
        down = backoff.success()
        if down is not None:
            who = threading.current_thread().name
            log.warning("%s: database available again after %.1f s; resuming", who, down)
