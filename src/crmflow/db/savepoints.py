"""A savepoint around one action that the ORM joins only if the action uses it.

Every action runs inside a statement-level savepoint (on SQLite a raw `SAVEPOINT` on the
driver, about 2 µs; elsewhere SQLAlchemy's nested transaction). The first time the action
asks for the ORM session, an ORM savepoint opens inside it (about 25 µs on SQLite), so that a
failed flush leaves the session usable. Action authors need not know any of this: whatever
they write through the connection or the session is undone together when they raise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session, SessionTransaction

from crmflow.db import dialect
from crmflow.db.signals import NOTIFICATIONS_KEY

_SAVEPOINT, _RELEASE, _ROLLBACK = (
    f"{verb} crmflow_action" for verb in ("SAVEPOINT", "RELEASE", "ROLLBACK TO")
)


class ActionSavepoint:
    """Open on creation; end with `keep()` (its writes stay) or `undo()` (they go)."""

    def __init__(self, session: Session, conn: Connection) -> None:
        self.session, self.conn = session, conn
        self.orm: SessionTransaction | None = None
        # Notifications marked inside are forgotten on undo (the raw savepoint is invisible
        # to the session's own bookkeeping).
        self.marks = len(session.info.get(NOTIFICATIONS_KEY, ()))
        self.nested: Any = None
        self.driver: Any = None
        if dialect.failed_statement_aborts_transaction(conn):
            self.nested = conn.begin_nested()
        else:
            self.driver = conn.connection.driver_connection
            self.driver.execute(_SAVEPOINT)

    def orm_session(self) -> Session:
        """The session, inside an ORM savepoint opened on first use."""
        if self.orm is None:
            self.orm = self.session.begin_nested()
        return self.session

    def keep(self) -> None:
        """Release the savepoints: the action's writes stay in the transaction."""
        if self.orm is not None:
            self.orm.commit()
        if self.nested is not None:
            self.nested.commit()
        else:
            self.driver.execute(_RELEASE)

    def undo(self) -> None:
        """Roll the action's writes back, the ORM's and the connection's."""
        # A failed flush leaves the ORM savepoint inactive, and it must still be rolled back.
        if self.orm is not None:
            self.orm.rollback()
        if self.nested is not None:
            self.nested.rollback()
        else:
            self.driver.execute(_ROLLBACK)
            self.driver.execute(_RELEASE)
        marks = self.session.info.get(NOTIFICATIONS_KEY)
        if marks is not None:
            del marks[self.marks :]
