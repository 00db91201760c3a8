"""FastAPI dependencies shared by every router: the database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_db(request: Request) -> Iterator[Session]:
    """Yield a session bound to the app's database; roll back anything left uncommitted.

    Reads (GET/HEAD) use the reader engine so that, on SQLite, they never hold the write lock.
    """
    read_only = request.method in ("GET", "HEAD")
    factory = (
        request.app.state.read_session_factory if read_only else request.app.state.session_factory
    )
    session: Session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


DbSession = Annotated[Session, Depends(get_db)]
