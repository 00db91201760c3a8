"""Group commit for inbound events: concurrent requests share one insert and one commit.

`POST /events` used to run in a worker thread, open a writer session, insert its row and
commit: one SQLite write turn per event, each paid for with thread hand-offs and a lock
hand-over. Here requests queue their event and await it; one thread takes everything queued,
records it in one transaction and answers each request after the commit. A request is
answered only once its event is committed, so an accepted event is never lost.

Each event goes through the same checks as ever (`prepare_inbound_event`: type, record,
idempotency key); one that fails them is answered with its own error and left out. The rows
are inserted in one statement. A key repeated inside the batch answers the first. If the
commit fails on a key another process recorded meanwhile, every event of the batch is
recorded again in a transaction of its own, so that conflict fails nobody else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmflow.common.errors import DomainError
from crmflow.db.writer_lock import foreground_writing
from crmflow.events.inbound import prepare_inbound_event, record_inbound_event
from crmflow.events.models import Event
from crmflow.events.service import RecordedEvent, insert_events

log = logging.getLogger("crmflow.events")

# Events recorded per transaction at most: bounds one write turn (a few ms) under a flood.
MAX_BATCH = 256
# The thread's name must not start with crmflow-: those are the runtime's background
# threads, which yield the write lock to the API's (foreground) writers.
THREAD_NAME = "events-intake"
# The thread ends after this long without events (an app that is never shut down, as in
# tests, leaves nothing behind) and the next event starts it again.
IDLE_EXIT_SECONDS = 10.0


@dataclass(slots=True)
class InboundEvent:
    """What a request asks to record (the arguments of `record_inbound_event`)."""

    company_id: int
    type: str
    entity_type: str | None = None
    entity_id: int | None = None
    payload: dict[str, Any] | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    actor_user_id: int | None = None


@dataclass(slots=True)
class _Waiting:
    event: InboundEvent
    loop: asyncio.AbstractEventLoop
    answer: asyncio.Future[tuple[RecordedEvent, bool]]


def _arguments(item: InboundEvent) -> dict[str, Any]:
    # The fields are `prepare_inbound_event`'s arguments; no copy of the payload is made.
    return {f.name: getattr(item, f.name) for f in fields(item)}


class EventIntake:
    """One writer thread that records queued inbound events, many per transaction."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._factory = session_factory
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = False

    async def record(self, event: InboundEvent) -> tuple[RecordedEvent, bool]:
        """Record `event` (with the others queued now) and return (event, created)."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[tuple[RecordedEvent, bool]] = loop.create_future()
        self._queue.put(_Waiting(event, loop, answer))
        self._start()  # after the put: a thread ending for idleness re-checks the queue
        return await answer

    def stop(self) -> None:
        """Finish what is queued, then end the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        self._stopping = False
        while not self._stopping:
            try:
                first = self._queue.get(timeout=IDLE_EXIT_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            if first is None:
                return
            batch = [first]
            try:
                # A runtime in its own process holds back its next batch until this commits.
                with foreground_writing():
                    self._record_batch(batch)
            except BaseException as exc:
                log.exception("recording %d inbound events failed", len(batch))
                for waiting in batch:
                    _answer(waiting, error=exc)

    def _drain(self, batch: list[_Waiting]) -> None:
        """Add what is queued now to `batch` (MAX_BATCH in all); note the stop marker."""
        while len(batch) < MAX_BATCH:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                return
            if more is None:
                self._stopping = True
                return
            batch.append(more)

    def _record_batch(self, batch: list[_Waiting]) -> None:
        # Each answer: the waiting request, the event (or its row's index) and whether new.
        answers: list[tuple[_Waiting, RecordedEvent | int, bool]] = []
        rows: list[dict[str, Any]] = []
        keyed: dict[tuple[int, str], int] = {}  # idempotency key -> its row in this batch
        try:
            with self._factory() as session:
                # Take the write turn first, then the batch: what arrives while another writer
                # holds the turn joins this batch instead of waiting for the next one.
                session.connection()
                self._drain(batch)
                for waiting in batch:
                    try:
                        prepared = prepare_inbound_event(session, **_arguments(waiting.event))
                    except DomainError as exc:
                        _answer(waiting, error=exc)
                        continue
                    if isinstance(prepared, Event):
                        answers.append((waiting, prepared, False))
                        continue
                    key = prepared["idempotency_key"]
                    if key and (prepared["company_id"], key) in keyed:
                        answers.append((waiting, keyed[(prepared["company_id"], key)], False))
                        continue
                    if key:
                        keyed[(prepared["company_id"], key)] = len(rows)
                    answers.append((waiting, len(rows), True))
                    rows.append(prepared)
                inserted = insert_events(session, rows)
                session.commit()
        except IntegrityError:
            # Another process recorded one of the keys meanwhile: each event on its own now,
            # so that conflict answers as a repeat and fails nobody else.
            for waiting, _event, _created in answers:
                self._record_alone(waiting)
            return
        for waiting, event, created in answers:
            _answer(waiting, result=(inserted[event] if isinstance(event, int) else event, created))

    def _record_alone(self, waiting: _Waiting) -> None:
        try:
            with self._factory() as session:
                result = record_inbound_event(session, **_arguments(waiting.event))
                session.commit()
        except Exception as exc:  # noqa: BLE001 - handed to the request that sent it
            _answer(waiting, error=exc)
        else:
            _answer(waiting, result=result)


def _answer(
    waiting: _Waiting,
    *,
    result: tuple[RecordedEvent, bool] | None = None,
    error: BaseException | None = None,
) -> None:
    def settle() -> None:
        if waiting.answer.done():  # the client went away and the request was cancelled
            return
        if error is not None:
            waiting.answer.set_exception(error)
        else:
            assert result is not None
            waiting.answer.set_result(result)

    # A closed loop (RuntimeError) means nobody is waiting any more.
    with contextlib.suppress(RuntimeError):
        waiting.loop.call_soon_threadsafe(settle)
