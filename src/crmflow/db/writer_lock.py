"""SQLite's single write turn, handed out without SQLite's sleeping busy handler.

SQLite allows one writer; its busy handler makes waiters sleep and poll (1 ms, 2 ms, 5 ms ...
100 ms), which turns contention into latency. Writers of one process queue in a FIFO here
and the turn is handed straight to the oldest waiter, so a busy background worker cannot
starve API requests. Between processes (`crmflow serve` and its runtime process, a CLI
command) the turn is an flock on `<database>-writer.lock`: the kernel drops it when a process
dies, so a writer killed mid-transaction never leaves the others waiting.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

LOCK_TIMEOUT_SECONDS = 30.0
# A process waiting for another's turn polls the flock; the gap grows to this cap, so a turn
# given back is taken within ~1 ms and a long wait costs ~1,000 cheap syscalls a second.
POLL_CAP_SECONDS = 0.0005
BACKGROUND_THREAD_PREFIX = "crmflow-"


def is_background_thread() -> bool:
    """Tell whether the current thread belongs to the embedded runtime (named crmflow-*)."""
    return threading.current_thread().name.startswith(BACKGROUND_THREAD_PREFIX)


class SharedCounter:
    """A counter in memory shared with a child process (a multiprocessing Value('i'))."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def add(self, delta: int) -> None:
        """Add delta under the value's own lock."""
        with self.value.get_lock():
            self.value.value += delta

    def positive(self) -> bool:
        """Tell whether the counter is above zero (a racy read is fine: it only hints)."""
        return bool(self.value.value > 0)


# API writers of the parent process waiting for the flock: the runtime process reads it to end
# its batch early, as it does for writers of its own process.
_shared_waiting: SharedCounter | None = None


def share_waiting_writers(value: Any | None) -> None:
    """Use a multiprocessing Value('i') to count this process's and a peer's queued writers."""
    global _shared_waiting
    _shared_waiting = SharedCounter(value) if value is not None else None


@contextmanager
def foreground_writing() -> Iterator[None]:
    """Announce a write of the API process: the runtime process lets it go first."""
    shared = _shared_waiting
    if shared is None:
        yield
        return
    shared.add(1)
    try:
        yield
    finally:
        shared.add(-1)


def peer_writing() -> bool:
    """Tell whether the API process announced a write (in the runtime process)."""
    return _shared_waiting is not None and _shared_waiting.positive()


def others_waiting(lock: WriterLock | None) -> bool:
    """Tell whether writers other than the runtime's threads queue, here or in the API process."""
    return peer_writing() or (lock is not None and lock.foreground_waiting > 0)


class WriterLock:
    """One writer at a time per SQLite database: FIFO within the process, flock between them.

    The turn belongs to the connection whose transaction took it, not to a thread: FastAPI
    may begin a transaction in one worker thread (a dependency) and commit it in another.
    """

    _HANDOFF = object()

    def __init__(self, lock_path: str | None = None) -> None:
        self._mutex = threading.Lock()
        self._holder: object | None = None
        self._waiters: deque[threading.Event] = deque()
        self._foreground_waiting = 0
        self._lock_path = lock_path
        self._fd: int | None = None

    @property
    def foreground_waiting(self) -> int:
        """How many writers other than the background runtime's threads are queued."""
        return self._foreground_waiting

    def acquire(self, holder: object) -> None:
        """Wait for the database's write turn (OperationalError after the timeout)."""
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        with self._mutex:
            free = self._holder is None and not self._waiters
            if free:
                self._holder = holder
            else:
                turn = threading.Event()
                self._waiters.append(turn)
                foreground = not is_background_thread()
                self._foreground_waiting += foreground
        if not free:
            self._wait_in_process(turn, foreground, holder)
        try:
            self._take_file_lock(deadline)
        except BaseException:
            self.release(holder, file_lock=False)
            raise

    def _wait_in_process(self, turn: threading.Event, foreground: bool, holder: object) -> None:
        try:
            if not turn.wait(LOCK_TIMEOUT_SECONDS):
                with self._mutex:
                    if not turn.is_set():  # not handed over at the last moment either
                        self._waiters.remove(turn)
                        raise sqlite3.OperationalError(
                            "database is locked (another writer of this process held it for "
                            f"{LOCK_TIMEOUT_SECONDS:g} s)"
                        )
            with self._mutex:
                self._holder = holder
        finally:
            with self._mutex:
                self._foreground_waiting -= foreground

    def _take_file_lock(self, deadline: float) -> None:
        if self._lock_path is None:
            return
        if self._fd is None:
            self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        if _try_flock(self._fd):
            return
        # A foreground writer waiting here is announced, so the runtime process yields to it.
        with nullcontext() if is_background_thread() else foreground_writing():
            gap = 0.0001
            while not _try_flock(self._fd):
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError(
                        "database is locked (another process held its write turn for "
                        f"{LOCK_TIMEOUT_SECONDS:g} s)"
                    )
                time.sleep(gap)
                gap = min(gap * 2, POLL_CAP_SECONDS)

    def release(self, holder: object, *, file_lock: bool = True) -> None:
        """Give the write turn back (to the oldest waiter) if this connection holds it."""
        with self._mutex:
            if self._holder is None or self._holder is not holder:
                return
            if file_lock and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            if self._waiters:
                self._holder = self._HANDOFF  # reserved for the waiter being woken
                self._waiters.popleft().set()
            else:
                self._holder = None

    def close(self) -> None:
        """Close the lock file (the engine is being disposed)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
