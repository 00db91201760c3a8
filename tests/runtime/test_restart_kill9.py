"""A real `crmflow serve` killed with SIGKILL mid-burst loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

TOKEN = "restart-test-token"
STEPS = 30  # enough work per run that the kill lands while executions are in flight


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(
    db: Path,
    port: int,
    log: Path,
    extra_env: dict[str, str] | None = None,
    timeout: float = 30,
) -> subprocess.Popen[bytes]:
    """Start `crmflow serve` on a SQLite file and wait for /healthz (admin token TOKEN)."""
    env = {
        **os.environ,
        "CRMFLOW_DATABASE_URL": f"sqlite:///{db}",
        "CRMFLOW_ADMIN_TOKEN": TOKEN,
        "CRMFLOW_SCHEDULER_INTERVAL": "0.2",
        "CRMFLOW_LEASE_SECONDS": "5",
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmflow", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"crmflow serve did not start: {log.read_text()[-2000:]}")


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "events": one("SELECT count(*) FROM events WHERE type='organisation_created'"),
            "undispatched": one("SELECT count(*) FROM events WHERE dispatched_at IS NULL"),
            "executions": one("SELECT count(*) FROM workflow_executions"),
            "finished": one("SELECT count(*) FROM workflow_executions WHERE status='success'"),
            "tasks": one("SELECT count(*) FROM tasks"),
            "distinct_tasks": one("SELECT count(DISTINCT source_step_key) FROM tasks"),
            "step_records": one("SELECT count(*) FROM execution_steps"),
            "orgs_without_run": one(
                "SELECT count(*) FROM events e WHERE e.type='organisation_created' AND NOT EXISTS"
                " (SELECT 1 FROM workflow_executions x WHERE x.event_id = e.id)"
            ),
        }


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie (dead, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] == "Z"


@pytest.mark.slow
@pytest.mark.parametrize("runtime_process", [False, True], ids=["in-process", "runtime-process"])
def test_kill9_mid_burst_then_restart_processes_everything_once(
    tmp_path: Path, runtime_process: bool
) -> None:
    db, log, port = tmp_path / "kill.db", tmp_path / "serve.log", _free_port()
    env = {"CRMFLOW_RUNTIME_PROCESS": "true" if runtime_process else "false"}
    proc = _start(db, port, log, env)
    children = _children(proc.pid)
    assert bool(children) == runtime_process, children
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    actions = [
        {"type": "create_task", "config": {"title": f"step {i} for {{{{ organisation.id }}}}"}}
        for i in range(STEPS)
    ]
    wf = httpx.post(
        f"{base}/workflows",
        headers=headers,
        json={
            "name": "burst",
            "trigger_type": "organisation_created",
            "status": "active",
            "actions": actions,
        },
        timeout=10,
    )
    assert wf.status_code == 201, wf.text

    accepted: list[int] = []
    stop = threading.Event()

    def burst(worker: int) -> None:
        with httpx.Client(timeout=5) as client:
            for n in range(10_000):
                if stop.is_set():
                    return
                try:
                    r = client.post(
                        f"{base}/organisations", headers=headers, json={"name": f"org {worker}-{n}"}
                    )
                except httpx.HTTPError:
                    return
                if r.status_code == 201:
                    accepted.append(r.json()["id"])

    threads = [threading.Thread(target=burst, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    while len(accepted) < 300:
        time.sleep(0.01)
    # A runtime in its own process can keep up with the burst: kill at a moment when the
    # database shows work not finished yet (the burst goes on, so such a moment comes).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = _counts(db)
        if now["finished"] < now["events"]:
            break
    # With the runtime in its own process, both die at once (an OOM kill, a container's kill):
    # the runtime first, so that its transaction in flight is lost with it.
    for child in children:
        os.kill(child, signal.SIGKILL)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    stop.set()
    for t in threads:
        t.join(10)
    # Nothing of the killed server lives on (multiprocessing's resource tracker exits too).
    deadline = time.monotonic() + 20
    while not all(_gone(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(child) for child in children), children

    at_kill = _counts(db)
    # The kill must have interrupted real work, or this test proves nothing.
    assert at_kill["finished"] < at_kill["events"], at_kill

    proc = _start(db, port, log, env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = _counts(db)
            if now["undispatched"] == 0 and now["finished"] == now["events"]:
                break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    final = _counts(db)
    assert final["events"] >= len(accepted)  # every accepted request's event was committed
    assert final["orgs_without_run"] == 0, final
    assert final["executions"] == final["events"] == final["finished"], final
    assert final["tasks"] == final["distinct_tasks"] == STEPS * final["executions"], final
    assert final["step_records"] == STEPS * final["executions"], final
