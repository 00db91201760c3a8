"""FastAPI dependencies shared by every router: the database session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

# Requests that may write and hold a database session at once, per process. Writers beyond it
# wait here, on the event loop, instead of in a server thread: on SQLite they all queue for
# the one write lock, and a thread blocked there is a thread the lock holder may need to
# serialize its response and let go (120 concurrent creates used to deadlock the thread pool
# until the lock timed out, answering 503s). Kept below the connection pool (15 on SQLite).
WRITERS_IN_FLIGHT = 12


def writer_gate(request: Request) -> asyncio.Semaphore:
    """The app's writer gate for the running event loop (a TestClient may start several)."""
    state = request.app.state
    if getattr(state, "writer_gates", None) is None:
        state.writer_gates = {}
    gates: dict[int, asyncio.Semaphore] = state.writer_gates
    loop = id(asyncio.get_running_loop())
    if loop not in gates:
        gates[loop] = asyncio.Semaphore(WRITERS_IN_FLIGHT)
    return gates[loop]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """Yield a session bound to the app's database; roll back anything left uncommitted.

    Reads (GET/HEAD) use the reader engine so that, on SQLite, they never hold the write lock;
    other requests pass the writer gate first.
    """
    if request.method in ("GET", "HEAD"):
        session: Session = request.app.state.read_session_factory()
        try:
            yield session
        finally:
            session.close()  # a reader's rollback and close never wait for a lock
        return
    async with writer_gate(request):
        session = request.app.state.session_factory()
        try:
            yield session
        finally:
            # Ends any transaction at once (SQLite's rollback never waits), giving the write
            # lock and the connection back before the next writer passes the gate.
            session.rollback()
            session.close()


DbSession = Annotated[Session, Depends(get_db)]
