"""Start and stop real crmflow processes (Celery workers) for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path


def purge_queue(broker: str) -> None:
    from kombu.connection import Connection

    with Connection(broker) as conn:
        conn.default_channel.queue_purge("celery")


def start_worker(
    env: dict[str, str], log: Path, *, new_session: bool = False
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crmflow",
            "worker",
            "--concurrency",
            "2",
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


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process started with its own session, children included."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
