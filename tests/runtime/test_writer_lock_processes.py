"""SQLite's write turn between processes: an flock next to the database, freed by death."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from crmflow.db import writer_lock
from crmflow.db.session import build_engine

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[str]:
    engine = build_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    yield str(tmp_path / "lock.db")


def _hold(lock_file: str, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock_file, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _timed_write(path: str) -> float:
    engine = build_engine(f"sqlite:///{path}")
    started = time.monotonic()
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        engine.dispose()
    return time.monotonic() - started


def test_a_writer_waits_for_another_process_turn_then_writes(database: str) -> None:
    holder = _hold(f"{database}-writer.lock", 0.6)
    try:
        waited = _timed_write(database)
    finally:
        holder.wait()
    assert waited >= 0.4, waited


def test_a_killed_holder_frees_the_turn_at_once(database: str) -> None:
    holder = _hold(f"{database}-writer.lock", 60)
    holder.kill()
    holder.wait()
    assert _timed_write(database) < 1.0


def test_a_turn_held_too_long_fails_with_the_reason(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_lock, "LOCK_TIMEOUT_SECONDS", 0.3)
    holder = _hold(f"{database}-writer.lock", 5)
    try:
        # Raised by the engine's begin hook, before the DBAPI: sqlite3's error, as SQLite's own.
        with pytest.raises(sqlite3.OperationalError, match="another process held its write turn"):
            _timed_write(database)
    finally:
        holder.kill()
        holder.wait()
    assert _timed_write(database) < 1.0  # the failed writer gave its in-process turn back
