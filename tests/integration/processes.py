"""Start and stop real crmflow processes (Celery workers) for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from crmflow.config import Settings
from crmflow.db import signals


def purge_queue(broker: str) -> None:
    from kombu.connection import Connection

    with Connection(broker) as conn:
        conn.default_channel.queue_purge("celery")


def start_worker(
    env: dict[str, str],
    log: Path,
    *,
    new_session: bool = False,
    module: str = "crmflow",
    concurrency: int = 2,
) -> subprocess.Popen[bytes]:
    """Start `crmflow worker` (or another entry module) and wait until Celery says ready."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            module,
            "worker",
            "--concurrency",
            str(concurrency),
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"test-{uuid.uuid4().hex[:6]}@%h",
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=new_session,  # its own process group, so kill -9 reaches the children
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b" ready." in log.read_bytes():
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"celery worker did not start:\n{log.read_text()[-3000:]}")


def start_beat(env: dict[str, str], log: Path, schedule: Path) -> subprocess.Popen[bytes]:
    """Start `crmflow beat` in its own process group, with a 1 s loop (tests use short ticks)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crmflow",
            "beat",
            "--schedule",
            str(schedule),
            "--max-interval",
            "1",
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM a process group and wait; SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        kill_tree(proc)


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process started with its own session, children included."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def celery_env(pg_url: str, broker: str, **extra: str) -> dict[str, str]:
    """The environment of worker and beat processes for a test database and broker."""
    root = str(Path(__file__).resolve().parents[2])
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        "CRMFLOW_RUNTIME": "celery",
        "CRMFLOW_DATABASE_URL": pg_url,
        "CELERY_BROKER_URL": broker,
        **extra,
    }


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` every 0.25 s until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@contextmanager
def celery_stack(pg_url: str, broker: str, logs: Path, **env_extra: str) -> Iterator[Settings]:
    """A Celery worker and beat on `pg_url` and `broker` (1 s ticks) for the block; yields the
    API's settings for the same database and broker (a `create_app` in the test process)."""
    purge_queue(broker)
    env = celery_env(pg_url, broker, CRMFLOW_SCHEDULER_INTERVAL="1", **env_extra)
    settings = Settings(
        CRMFLOW_RUNTIME="celery",
        CRMFLOW_DATABASE_URL=pg_url,
        CELERY_BROKER_URL=broker,
        CRMFLOW_METRICS_CACHE_SECONDS=0,
    )
    worker = start_worker(env, logs / "worker.log", new_session=True)
    beat = start_beat(env, logs / "beat.log", logs / "beat-schedule")
    try:
        yield settings
    finally:
        signals.unsubscribe_all()
        stop(beat)
        stop(worker)
