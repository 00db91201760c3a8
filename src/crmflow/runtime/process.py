"""The embedded runtime in a child process of `crmflow serve` (CRMFLOW_RUNTIME_PROCESS=true).

One process serves requests and another runs the executions, so each has a core and a GIL of
its own. The database stays the source of truth: the pipe between them only carries wake-ups
(events committed, executions ready) one way and created notifications the other way, so a
message lost with a dying process costs latency, never work. SQLite's write turn is shared
through an flock (crmflow.db.writer_lock) and a counter of the API's queued writers, which
makes the runtime end its batch early as it does for writers of its own process.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crmflow.common.gc_tuning import tune_for_server
from crmflow.config import Settings
from crmflow.db import signals
from crmflow.db.session import get_session_factory
from crmflow.db.signals import NotificationRef
from crmflow.db.writer_lock import share_waiting_writers
from crmflow.runtime.backoff import Backoff
from crmflow.runtime.embedded import EmbeddedRuntime

log = logging.getLogger("crmflow.runtime")

START_TIMEOUT_SECONDS = 60.0
# The API process keeps an event loop and the event intake's thread. Python hands its lock
# (GIL) to a waiting thread every 5 ms by default, so an intake that holds SQLite's write turn
# could wait that long for the loop to let it commit; 0.5 ms measured +5% events/s.
API_SWITCH_INTERVAL = 0.0005
EVENTS, EXECUTIONS, NOTIFICATIONS, READY, STOP, STOPPED = (
    "events",
    "executions",
    "notifications",
    "ready",
    "stop",
    "stopped",
)


class RuntimeProcessError(RuntimeError):
    """The runtime process could not start."""


class RuntimeProcess:
    """Runs an EmbeddedRuntime in a child process and keeps it running."""

    def __init__(self, settings: Settings) -> None:
        database = make_url(settings.database_url).database or ""
        if settings.database_url.startswith("sqlite") and database in ("", ":memory:"):
            raise RuntimeProcessError(
                "CRMFLOW_RUNTIME_PROCESS needs a database file: an in-memory SQLite database "
                "cannot be shared with another process"
            )
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")
        self._waiting: Any = None
        self._child: Any = None
        self._conn: Connection | None = None
        self._send_lock = threading.Lock()
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._switch_interval = sys.getswitchinterval()
        self._readers = get_session_factory(settings.database_url, writer=False)

    # -- Runtime protocol ------------------------------------------------------------------
    def start(self) -> None:
        """Start the child (raise if it does not come up) and forward wake-ups to it."""
        self._waiting = self._context.Value("i", 0)
        share_waiting_writers(self._waiting)
        self._launch()
        sys.setswitchinterval(API_SWITCH_INTERVAL)
        signals.subscribe_events(self.events_committed)
        signals.subscribe_executions(self.executions_ready)
        self._supervisor = threading.Thread(
            target=self._supervise, name="runtime-process-supervisor", daemon=True
        )
        self._supervisor.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the child to finish its transaction and exit; kill it after the timeout."""
        self._stopping.set()
        signals.unsubscribe_all()
        self._send((STOP, timeout))
        child = self._child
        if child is not None:
            child.join(timeout + 5)
            if child.is_alive():
                log.warning("runtime process %s did not stop in time; killing it", child.pid)
                child.kill()
                child.join(5)
        if self._supervisor is not None:
            self._supervisor.join(5)
        share_waiting_writers(None)
        self._waiting = None  # its semaphore is released with it (no leak warning at exit)
        sys.setswitchinterval(self._switch_interval)

    def events_committed(self) -> None:
        """Wake the child's dispatcher."""
        self._send((EVENTS,))

    def executions_ready(self, execution_ids: list[int]) -> None:
        """Hand execution ids to the child's workers."""
        self._send((EXECUTIONS, execution_ids))

    # -- the child -------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The child's process id (None before start)."""
        return self._child.pid if self._child is not None else None

    def _launch(self) -> None:
        ours, theirs = self._context.Pipe()
        child = self._context.Process(
            target=child_main,
            args=(self.settings, theirs, self._waiting),
            name="crmflow-runtime",
            daemon=True,
        )
        child.start()
        theirs.close()
        if not ours.poll(START_TIMEOUT_SECONDS):
            child.kill()
            raise RuntimeProcessError(
                f"the runtime process did not start within {START_TIMEOUT_SECONDS:g} s"
            )
        try:
            message = ours.recv()
        except EOFError:
            child.join(5)
            raise RuntimeProcessError(
                f"the runtime process exited at start (exit code {child.exitcode}); "
                "its error is in the log above"
            ) from None
        if message != (READY,):
            child.kill()
            raise RuntimeProcessError(f"the runtime process answered {message!r} at start")
        with self._send_lock:
            self._child, self._conn = child, ours
        log.info("runtime process %s started", child.pid)

    def _send(self, message: tuple[Any, ...]) -> None:
        # A child that is gone is restarted by the supervisor; its relay catches up.
        if self._conn is not None:
            send_quietly(self._conn, self._send_lock, message)

    def _supervise(self) -> None:
        """Pass the child's notifications on; restart the child if it dies."""
        backoff = Backoff()
        while True:
            conn = self._conn
            message: Any
            try:
                message = conn.recv() if conn is not None else (STOPPED,)
            except (EOFError, OSError):
                message = None
            if message is not None and message[0] == NOTIFICATIONS:
                self._notify(message[1])
                continue
            if (message is not None and message[0] == STOPPED) or self._stopping.is_set():
                return
            delay = backoff.failure()
            if self._child is not None:
                self._child.join(1)
            code = self._child.exitcode if self._child is not None else None
            log.error("runtime process died (exit code %s); restarting in %.1f s", code, delay)
            if self._stopping.wait(delay):
                return
            try:
                self._launch()
            except RuntimeProcessError:
                log.exception("runtime process did not restart; retrying")

    def _notify(self, refs: list[NotificationRef]) -> None:
        with self._readers() as session:
            signals.notifications_committed(session, refs)


def send_quietly(conn: Connection, lock: threading.Lock, message: tuple[Any, ...]) -> None:
    """Send on the pipe; a peer that is gone is noticed by the reading side, not here."""
    with lock, contextlib.suppress(OSError, ValueError):
        conn.send(message)


def child_main(settings: Settings, conn: Connection, waiting: Any) -> None:
    """The runtime process: run the embedded runtime until told to stop or the parent is gone."""
    # Ctrl-C reaches the whole process group and systemd signals the whole service: the API
    # process decides when its runtime stops (and it stops when the API is gone, signal or not).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    share_waiting_writers(waiting)
    send_lock = threading.Lock()

    def forward(_session: Session, refs: list[NotificationRef]) -> None:
        send_quietly(conn, send_lock, (NOTIFICATIONS, refs))

    runtime = EmbeddedRuntime(settings)
    signals.subscribe_notifications(forward)
    tune_for_server()
    runtime.start()
    send_quietly(conn, send_lock, (READY,))
    timeout = 10.0
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            log.warning("runtime process: the API process is gone; stopping")
            break
        if message[0] == EVENTS:
            runtime.events_committed()
        elif message[0] == EXECUTIONS:
            runtime.executions_ready(message[1])
        elif message[0] == STOP:
            timeout = message[1]
            break
    runtime.stop(timeout)
    send_quietly(conn, send_lock, (STOPPED,))
