"""Make sure a PostgreSQL server is reachable and create a fresh test database; print its URL.

Used by `make test`: it starts the machine's cluster when it is down and fails loudly (exit 1,
with the reason) when PostgreSQL cannot be had, so the PostgreSQL pass is never silently
skipped.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

import psycopg

ADMIN_URL = os.environ.get(
    "CRMFLOW_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DATABASE = os.environ.get("CRMFLOW_TEST_PG_DATABASE", "crmflow_make_test")


def _connect() -> psycopg.Connection:
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


def _start_local_cluster() -> None:
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if not versions:
        return
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
        check=False,
        capture_output=True,
    )


def main() -> int:
    """Ensure the server, recreate the test database, print its SQLAlchemy URL."""
    try:
        conn = _connect()
    except psycopg.OperationalError:
        _start_local_cluster()
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = _connect()
                break
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    print(
                        f"PostgreSQL is not reachable at {ADMIN_URL.split('@')[-1]}: {exc}",
                        file=sys.stderr,
                    )
                    return 1
                time.sleep(0.5)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    print(f"{base}/{DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
