"""`crmflow serve` killed with SIGKILL while runs wait on delays and approvals loses nothing.

The delays fall due while the service is down (catch-up at start, once); approvals are decided
on both sides of a second kill. Every step's effect happens exactly once.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.runtime.test_restart_kill9 import TOKEN, _free_port, _start

ORGS = 20
# Long enough for every run to reach its waits before the first delay falls due, even on a
# loaded 2-core CI machine (4 s was not: 16 runs had passed their delay when checked).
DELAY_SECONDS = 15
TITLES = ("before", "after delay", "after approval", "joined")


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _tasks(db: Path, title: str) -> int:
    return _count(db, f"SELECT count(*) FROM tasks WHERE title = '{title}'")


def _wait(what: str, check: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _kill(proc: Any) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


@pytest.mark.slow
def test_kill9_during_delay_and_approval_waits(tmp_path: Path) -> None:
    db, log, port = tmp_path / "waits.db", tmp_path / "serve.log", _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    proc = _start(db, port, log)
    try:
        workflow = {
            "name": "waits",
            "trigger_type": "organisation_created",
            "status": "active",
            "actions": [
                {"type": "create_task", "config": {"title": "before"}},
                {
                    "type": "parallel",
                    "branches": [
                        [
                            {"type": "delay", "config": {"duration": f"{DELAY_SECONDS}s"}},
                            {"type": "create_task", "config": {"title": "after delay"}},
                        ],
                        [
                            {"type": "approval", "config": {"approvers": ["role:admin"]}},
                            {"type": "create_task", "config": {"title": "after approval"}},
                        ],
                    ],
                },
                {"type": "create_task", "config": {"title": "joined"}},
            ],
        }
        response = httpx.post(f"{base}/workflows", headers=headers, json=workflow, timeout=10)
        assert response.status_code == 201, response.text
        first_run_at = time.monotonic()
        for n in range(ORGS):
            created = httpx.post(
                f"{base}/organisations", headers=headers, json={"name": f"org {n}"}, timeout=10
            )
            assert created.status_code == 201, created.text
        waiting = "SELECT count(*) FROM workflow_executions WHERE status = 'waiting'"
        _wait("every run waiting", lambda: _count(db, waiting) == ORGS)
        assert time.monotonic() - first_run_at < DELAY_SECONDS, "too slow to test the delays"
        assert _tasks(db, "before") == ORGS and _tasks(db, "after delay") == 0

        # Down while the delays fall due: they resume at start-up, once.
        _kill(proc)
        time.sleep(max(0.0, first_run_at + DELAY_SECONDS + 1 - time.monotonic()))
        proc = _start(db, port, log)
        _wait("delays caught up", lambda: _tasks(db, "after delay") == ORGS)
        assert _count(db, waiting) == ORGS  # still waiting for the approvals

        pending = httpx.get(
            f"{base}/approvals?status=pending&mine=true&size=100", headers=headers, timeout=10
        ).json()
        ids = [item["id"] for item in pending["items"]]
        assert len(ids) == ORGS
        for approval_id in ids[: ORGS // 2]:
            decided = httpx.post(
                f"{base}/approvals/{approval_id}/approve", headers=headers, json={}, timeout=10
            )
            assert decided.status_code == 200, decided.text
        _kill(proc)  # possibly before the woken runs have finished
        proc = _start(db, port, log)
        for approval_id in ids[ORGS // 2 :]:
            decided = httpx.post(
                f"{base}/approvals/{approval_id}/approve", headers=headers, json={}, timeout=10
            )
            assert decided.status_code == 200, decided.text
        done = "SELECT count(*) FROM workflow_executions WHERE status = 'success'"
        _wait("every run finished", lambda: _count(db, done) == ORGS)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    for title in TITLES:
        assert _tasks(db, title) == ORGS, title
    assert _count(db, "SELECT count(DISTINCT source_step_key) FROM tasks") == ORGS * len(TITLES)
    assert _count(db, "SELECT count(*) FROM approval_requests WHERE status = 'approved'") == ORGS
    assert _count(db, "SELECT count(*) FROM approval_decisions") == ORGS
    assert _count(db, "SELECT count(*) FROM execution_steps WHERE status = 'pending'") == 0
    # before, parallel, 2 + 2 path steps, joined: one record each.
    assert _count(db, "SELECT count(*) FROM execution_steps") == ORGS * 7
