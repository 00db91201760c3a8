"""Fresh, migrated PostgreSQL databases for tests that need their own (fail if PG is down)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

from crmflow.db.migrate import upgrade
from crmflow.db.session import dispose_all

PG_ADMIN = os.environ.get(
    "CRMFLOW_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Create and migrate a database named `<prefix>_<random>`; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        dispose_all()
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def via_port(url: str, port: int, *, password: str | None = None) -> str:
    """The same database reached through another local port (a proxy), optionally with a
    password (ignored by a trust-authenticated server, but present in the URL)."""
    target = make_url(url).set(host="127.0.0.1", port=port)
    if password is not None:
        target = target.set(password=password)
    return target.render_as_string(hide_password=False)


def server_address() -> tuple[str, int]:
    """The PostgreSQL server's host and port (for a proxy in front of it)."""
    parsed = make_url(PG_ADMIN)
    return parsed.host or "127.0.0.1", parsed.port or 5432
