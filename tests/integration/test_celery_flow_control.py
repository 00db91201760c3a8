"""Flow control on the Celery runtime: parallel paths, delays, approvals, step retries and the
`queued` run policy, with PostgreSQL, Redis and real `crmflow worker` / `crmflow beat` processes
(workers killed with SIGKILL while executions wait). Fails, never skips, without the services.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from subprocess import Popen
from typing import Any

import redis
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crmflow.approvals.models import ApprovalDecision, ApprovalRequest
from crmflow.config import Settings
from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.db.base import utcnow
from crmflow.db.session import get_session_factory
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.main import create_app
from crmflow.runtime import signals
from tests.conftest import Tenant, make_tenant
from tests.integration.processes import (
    celery_env,
    kill_tree,
    start_beat,
    start_worker,
    stop,
    wait_until,
)

BROKER = "redis://127.0.0.1:6379/8"
ORGS = 20


def task(title: str, **extra: Any) -> dict[str, Any]:
    return {"type": "create_task", "config": {"title": title}, **extra}


# An assignee that does not exist: the step fails on every attempt.
MISSING_ASSIGNEE = {"title": "assigned", "assignee": "later@acme.test"}

FLOW = {
    "name": "flow control",
    "trigger_type": "organisation_created",
    "status": "active",
    "actions": [
        task("before"),
        {
            "type": "parallel",
            "branches": [
                [{"type": "delay", "config": {"duration": "3s"}}, task("after delay")],
                {
                    "name": "approve",
                    "actions": [
                        {
                            "type": "approval",
                            "config": {"approvers": ["role:admin"], "mode": "any"},
                        },
                        task("after approval"),
                    ],
                },
                {
                    "name": "retry",
                    "actions": [
                        {
                            "type": "create_task",
                            "on_error": "continue",
                            "config": MISSING_ASSIGNEE,
                            "retry": {"max_attempts": 2, "backoff": "fixed", "initial": "1s"},
                        }
                    ],
                },
            ],
        },
        task("joined"),
    ],
}
PARALLEL = "actions/1"
DELAY = "actions/1/branches/0/actions/0"
APPROVAL = "actions/1/branches/1/actions/0"
RETRY = "actions/1/branches/2/actions/0"
EXPECTED_PATHS = {
    "actions/0",
    PARALLEL,
    DELAY,
    "actions/1/branches/0/actions/1",
    APPROVAL,
    "actions/1/branches/1/actions/1",
    RETRY,
    "actions/2",
}
TITLES = ("before", "after delay", "after approval", "joined")


@dataclass
class Stack:
    """The API in-process (Celery runtime), beat, and a worker that can be killed and restarted."""

    env: dict[str, str]
    logs: Path
    client: TestClient
    tenant: Tenant
    read: sessionmaker[Session]
    worker: Popen[bytes] | None = None
    workers_started: int = 0
    procs: list[Popen[bytes]] = field(default_factory=list)

    def start_worker(self) -> None:
        # A log per worker: start_worker waits for " ready." in it.
        self.workers_started += 1
        log = self.logs / f"worker-{self.workers_started}.log"
        self.worker = start_worker(self.env, log, new_session=True)
        self.procs.append(self.worker)

    def kill_worker(self) -> None:
        assert self.worker is not None and self.worker.poll() is None, "the worker died"
        kill_tree(self.worker)  # SIGKILL, pool children included
        self.worker = None

    def log_tail(self) -> str:
        newest = self.logs / f"worker-{self.workers_started}.log"
        return newest.read_text()[-3000:] if newest.exists() else ""

    def executions(self) -> list[WorkflowExecution]:
        with self.read() as session:
            return list(session.scalars(select(WorkflowExecution).order_by(WorkflowExecution.id)))

    def steps(self) -> dict[int, dict[str, ExecutionStep]]:
        with self.read() as session:
            out: dict[int, dict[str, ExecutionStep]] = {}
            for step in session.scalars(select(ExecutionStep)):
                out.setdefault(step.execution_id, {})[step.path] = step
            return out

    def task_titles(self) -> Counter[str]:
        with self.read() as session:
            return Counter(session.scalars(select(Task.title)))


@contextmanager
def celery_stack(pg_url: str, tmp_path: Path) -> Iterator[Stack]:
    """Start beat and one worker on a fresh broker database and an API client; stop them all."""
    redis.Redis.from_url(BROKER).flushdb()  # database 8 is this test's alone
    env = celery_env(pg_url, BROKER, CRMFLOW_SCHEDULER_INTERVAL="1", CRMFLOW_LEASE_SECONDS="5")
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=BROKER
    )
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    beat = start_beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule")
    stack: Stack | None = None
    try:
        with TestClient(create_app(settings)) as client:
            stack = Stack(
                env=env,
                logs=tmp_path,
                client=client,
                tenant=tenant,
                read=get_session_factory(pg_url, writer=False),
                procs=[beat],
            )
            stack.start_worker()
            yield stack
    finally:
        signals.unsubscribe_all()
        for proc in stack.procs if stack else [beat]:
            stop(proc)


def _pending_approvals(stack: Stack) -> list[dict[str, Any]]:
    page = stack.client.get(
        "/api/v1/approvals?mine=true&status=pending&size=100", headers=stack.tenant.headers()
    )
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def _approve(stack: Stack, approval_ids: list[int]) -> None:
    for approval_id in approval_ids:
        response = stack.client.post(
            f"/api/v1/approvals/{approval_id}/approve",
            json={"comment": f"ok {approval_id}"},
            headers=stack.tenant.headers(),  # the admin: role:admin resolves to this user
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "approved"


def _all_waiting_first_pass(stack: Stack) -> bool:
    executions = stack.executions()
    if len(executions) != ORGS or any(e.status != "waiting" for e in executions):
        return False
    steps = stack.steps()
    return all({DELAY, APPROVAL, RETRY} <= steps.get(e.id, {}).keys() for e in executions)


def test_parallel_delay_approval_and_retry_survive_worker_kills(
    pg_url: str, tmp_path: Path
) -> None:
    with celery_stack(pg_url, tmp_path) as stack:
        client, headers = stack.client, stack.tenant.headers()
        created = client.post("/api/v1/workflows", headers=headers, json=FLOW)
        assert created.status_code == 201, created.text
        for index in range(ORGS):
            response = client.post(
                "/api/v1/organisations", headers=headers, json={"name": f"org {index}"}
            )
            assert response.status_code == 201, response.text

        # 1. Every execution ran its first pass: "before", then each path blocked.
        wait_until(lambda: _all_waiting_first_pass(stack), 30, f"{ORGS} executions waiting")
        stack.kill_worker()
        assert stack.task_titles() == {"before": ORGS}, stack.task_titles()
        steps = stack.steps()
        delay_due = max(
            datetime.fromisoformat(s[DELAY].output["resume_at"]) for s in steps.values()
        )
        for execution in stack.executions():
            assert execution.status == "waiting"
            assert execution.waiting_for in ("retry", "delay"), execution.waiting_for
            assert execution.resume_at is not None
            assert steps[execution.id][DELAY].status == "pending"
            assert PARALLEL not in steps[execution.id]  # joined only when all paths end

        # 2. The worker stays down past the delays' (and retries') due time: nothing moves.
        while utcnow() < delay_due:
            time.sleep(0.25)
        time.sleep(2)
        assert stack.task_titles() == {"before": ORGS}
        assert {s[DELAY].status for s in stack.steps().values()} == {"pending"}

        # 3. A new worker: the late delays and retries catch up; the approvals still wait.
        restarted_at = utcnow()
        stack.start_worker()

        def caught_up() -> bool:
            executions = stack.executions()
            return stack.task_titles().get("after delay") == ORGS and all(
                e.status == "waiting" and e.waiting_for == "approval" for e in executions
            )

        wait_until(caught_up, 30, "the delays and retries to catch up")
        for execution in stack.executions():
            assert execution.resume_at is None  # no timeout: only a decision wakes it
        for by_path in stack.steps().values():
            delay = by_path[DELAY]
            assert delay.status == "success", delay.message
            assert delay.finished_at is not None and delay.finished_at >= restarted_at
            retry = by_path[RETRY]
            assert retry.status == "failed" and retry.attempt == 2, retry.message
            assert by_path[APPROVAL].status == "pending"
        assert stack.task_titles() == {"before": ORGS, "after delay": ORGS}

        # 4. Approve through the API: half, SIGKILL the worker at once, a quarter while it is
        # down, restart it, the last quarter.
        pending = _pending_approvals(stack)
        assert len(pending) == ORGS
        ids = sorted(item["id"] for item in pending)
        _approve(stack, ids[:10])
        stack.kill_worker()
        _approve(stack, ids[10:15])
        stack.start_worker()
        _approve(stack, ids[15:])

        def all_done() -> bool:
            return all(e.status == "success" for e in stack.executions())

        try:
            wait_until(all_done, 45, f"{ORGS} executions to succeed")
        except AssertionError:
            states = [(e.id, e.status, e.waiting_for, e.error_message) for e in stack.executions()]
            raise AssertionError(f"{states}\n{stack.log_tail()}") from None
        assert _pending_approvals(stack) == []

    # Final state, read from the database.
    executions = stack.executions()
    assert len(executions) == ORGS
    for execution in executions:
        assert execution.status == "success", execution.error_message
        assert execution.error_message is None
        assert execution.actions_executed == len(TITLES)
        assert execution.waiting_for is None
    reader = stack.read
    with reader() as session:
        tasks = session.scalar(select(func.count()).select_from(Task))
        keys = session.scalar(select(func.count(func.distinct(Task.source_step_key))))
        titles = Counter(session.scalars(select(Task.title)))
        requests = list(session.scalars(select(ApprovalRequest)))
        decisions = list(session.scalars(select(ApprovalDecision)))
        asked = list(session.execute(select(Notification.user_id, Notification.link)))
        emails = list(session.scalars(select(OutgoingEmail.to)))
    # Exactly once: each title once per execution, one task per step key, none failed through.
    assert titles == dict.fromkeys(TITLES, ORGS), titles
    assert tasks == keys == len(TITLES) * ORGS
    assert len(requests) == ORGS
    assert {r.status for r in requests} == {"approved"}
    assert sorted(r.execution_id for r in requests) == sorted(e.id for e in executions)
    assert Counter(d.approval_id for d in decisions) == {r.id: 1 for r in requests}
    assert {(d.decision, d.user_id, d.override) for d in decisions} == {
        ("approved", stack.tenant.admin_id, False)
    }
    # The approver was asked exactly once per request: one notification, one queued email.
    assert sorted(asked) == sorted((stack.tenant.admin_id, f"/approvals/{r.id}") for r in requests)
    assert emails == [["admin@acme.test"]] * ORGS
    steps = stack.steps()
    for execution in executions:
        by_path = steps[execution.id]
        assert set(by_path) == EXPECTED_PATHS
        retry = by_path[RETRY]
        assert retry.status == "failed" and retry.attempt == 2
        assert retry.message == "failed after 2 attempts"
        assert retry.attempts is not None and len(retry.attempts) == 2
        assert [a["status"] for a in retry.attempts] == ["failed", "failed"]
        assert all("later@acme.test" in a["error"] for a in retry.attempts)
        joined = by_path[PARALLEL]
        # The retry path's failure is `on_error: continue`: the path, and the join, succeed.
        assert joined.status == "success" and joined.message == "3 branches joined"
        assert [b["status"] for b in joined.output["branches"]] == ["success"] * 3
        assert by_path[APPROVAL].status == "success"
        assert by_path[APPROVAL].output["outcome"] == "approved"
        others = {p: s.status for p, s in by_path.items() if p not in (RETRY, PARALLEL)}
        assert set(others.values()) == {"success"}, others


def test_queued_run_policy_waits_for_the_run_ahead(pg_url: str, tmp_path: Path) -> None:
    with celery_stack(pg_url, tmp_path) as stack:
        client, headers = stack.client, stack.tenant.headers()
        created = client.post(
            "/api/v1/workflows",
            headers=headers,
            json={
                "name": "queued",
                "trigger_type": "organisation_updated",
                "status": "active",
                "run_policy": {"mode": "queued"},
                "actions": [
                    {"type": "delay", "config": {"duration": "2s"}},
                    task("done {{ execution.id }}"),
                ],
            },
        )
        assert created.status_code == 201, created.text
        org = client.post("/api/v1/organisations", headers=headers, json={"name": "Initech"})
        assert org.status_code == 201, org.text
        for amount in (1, 2):
            client.patch(
                f"/api/v1/organisations/{org.json()['id']}",
                headers=headers,
                json={"potential_amount": amount},
            ).raise_for_status()

        def queued() -> bool:
            executions = stack.executions()
            return (
                len(executions) == 2
                and executions[0].waiting_for == "delay"
                and executions[1].waiting_for == "queue"
            )

        wait_until(queued, 20, "the second execution to queue")
        first, second = stack.executions()
        assert first.status == "waiting" and first.resume_at is not None
        assert second.status == "waiting" and second.resume_at is not None
        # Without a wake-up the queued run would poll again only after 30 s.
        assert (second.resume_at - utcnow()).total_seconds() > 20
        assert second.decision is not None
        assert f"waits for execution #{first.id}" in second.decision["queued"]
        assert second.id not in stack.steps()  # no step of the queued run has started

        wait_until(
            lambda: all(e.status == "success" for e in stack.executions()),
            20,
            "both executions to succeed",
        )

    first, second = stack.executions()
    steps = stack.steps()
    assert first.completed_at is not None and second.completed_at is not None
    assert first.completed_at < second.completed_at
    # The queued run started its steps only after the first had finished, and was woken by
    # that finish (within seconds), not by the 30 s safety poll.
    second_delay = steps[second.id]["actions/0"]
    assert second_delay.started_at is not None and second_delay.started_at >= first.completed_at
    gap = (second.completed_at - first.completed_at).total_seconds()
    assert 2 <= gap < 10, gap
    assert set(steps[first.id]) == set(steps[second.id]) == {"actions/0", "actions/1"}
    assert stack.task_titles() == {f"done {first.id}": 1, f"done {second.id}": 1}
