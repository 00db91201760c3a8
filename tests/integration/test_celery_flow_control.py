"""Flow control on the Celery runtime: parallel paths, delays, approvals, step retries and the
`queued` run policy, with PostgreSQL, Redis and real `crmflow worker` / `crmflow beat` processes
(workers killed with SIGKILL while executions wait). Fails, never skips, without the services.
"""

from __future__ import annotations

import itertools
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from subprocess import Popen
from typing import Any

import psycopg
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from crmflow.approvals.models import ApprovalDecision, ApprovalRequest
from crmflow.auth.models import User
from crmflow.auth.service import create_user, issue_token
from crmflow.config import Settings
from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.db import signals
from crmflow.db.base import utcnow
from crmflow.db.migrate import upgrade
from crmflow.db.session import dispose_all, get_session_factory
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.main import create_app
from crmflow.runtime.tasks import execute_workflow_async
from tests.approvals.test_approval_flow import DISCOUNT_APPROVAL
from tests.conftest import Tenant, make_tenant
from tests.engine.flow_support import new_org, start_workflow
from tests.integration.conftest import PG_ADMIN
from tests.integration.processes import (
    celery_env,
    kill_tree,
    start_beat,
    start_worker,
    stop,
    wait_until,
)

BROKER = "redis://127.0.0.1:6379/8"
LIVE_CHANNEL = "crmflow:notifications:test-celery-flow-control"
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


_stack_running = False


@dataclass
class Stack:
    """The API in-process (Celery runtime), beat, and a worker that can be killed and restarted."""

    env: dict[str, str]
    logs: Path
    client: TestClient
    tenant: Tenant
    read: sessionmaker[Session]
    url: str
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
    global _stack_running
    # Redis database 8 and its `celery` queue are this file's alone: a second stack would flush
    # the first's messages and its worker would take the first's (on another database).
    assert not _stack_running, "another Celery stack of this file is still running"
    _stack_running = True
    procs: list[Popen[bytes]] = []
    try:
        redis.Redis.from_url(BROKER).flushdb()  # database 8 is this test's alone
        # Pub/sub ignores Redis's database number: live notifications get a channel of their own.
        env = celery_env(
            pg_url,
            BROKER,
            CRMFLOW_SCHEDULER_INTERVAL="1",
            CRMFLOW_LEASE_SECONDS="5",
            CRMFLOW_LIVE_CHANNEL=LIVE_CHANNEL,
        )
        settings = Settings(
            CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=BROKER
        )
        with get_session_factory(pg_url)() as session:
            tenant = make_tenant(session, "Acme")
        procs.append(start_beat(env, tmp_path / "beat.log", tmp_path / "beat-schedule"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CRMFLOW_LIVE_CHANNEL", LIVE_CHANNEL)  # for the API in this process
            with TestClient(create_app(settings)) as client:
                stack = Stack(
                    env=env,
                    logs=tmp_path,
                    client=client,
                    tenant=tenant,
                    read=get_session_factory(pg_url, writer=False),
                    url=pg_url,
                    procs=procs,  # the same list: workers started later are stopped too
                )
                stack.start_worker()
                yield stack
    finally:
        signals.unsubscribe_all()
        for proc in procs:
            stop(proc)
        _stack_running = False


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

        # The retry path fails on purpose (and goes on): completed with errors, not a success.
        def all_done() -> bool:
            return all(e.status == "partial" for e in stack.executions())

        try:
            wait_until(all_done, 45, f"{ORGS} executions to complete with errors")
        except AssertionError:
            states = [(e.id, e.status, e.waiting_for, e.error_message) for e in stack.executions()]
            raise AssertionError(f"{states}\n{stack.log_tail()}") from None
        assert _pending_approvals(stack) == []

    # Final state, read from the database.
    executions = stack.executions()
    assert len(executions) == ORGS
    for execution in executions:
        assert execution.status == "partial", execution.error_message
        assert execution.steps_failed == 1  # the retry step, after its last attempt
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


# Long enough that a loaded CI machine still sees the first run in its delay while the second
# is queued behind it (2 s was missed once when the suite ran beside other work).
QUEUED_DELAY_S = 5


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
                    {"type": "delay", "config": {"duration": f"{QUEUED_DELAY_S}s"}},
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

        seen: list[list[tuple[str, str | None]]] = []

        def queued() -> bool:
            executions = stack.executions()
            seen.append([(e.status, e.waiting_for) for e in executions])
            return (
                len(executions) == 2
                and executions[0].waiting_for == "delay"
                and executions[1].waiting_for == "queue"
            )

        try:
            wait_until(queued, 20, "the second execution to queue")
        except AssertionError as missed:
            raise AssertionError(f"{missed}; last states seen: {seen[-3:]}") from None
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
            30,
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
    assert QUEUED_DELAY_S <= gap < QUEUED_DELAY_S + 8, gap
    assert set(steps[first.id]) == set(steps[second.id]) == {"actions/0", "actions/1"}
    assert stack.task_titles() == {f"done {first.id}": 1, f"done {second.id}": 1}


# --- On one shared stack: the seed's Example 1, execution control and run modes -------------
# One PostgreSQL database, beat and worker for all the tests below (a stack of its own would
# cost each about 3 s to start and stop); every test works in a company of its own and reads
# only its own rows. Keep these tests last: the module-scoped stack lives until the module ends.


@pytest.fixture(scope="module")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    name = f"crmflow_celery_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    try:
        upgrade(url)
        with celery_stack(url, tmp_path_factory.mktemp("shared-stack")) as stack:
            yield stack
    finally:
        dispose_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_companies = itertools.count(1)


@dataclass
class Company:
    """A company of its own on the shared stack, with tokens of its manager, director and CFO."""

    stack: Stack
    tenant: Tenant
    slug: str
    tokens: dict[str, str]

    @property
    def client(self) -> TestClient:
        return self.stack.client

    def headers(self, who: str = "admin") -> dict[str, str]:
        if who in self.tokens:
            return {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.tenant.headers(who)

    def post(self, url: str, body: dict[str, Any] | None = None, who: str = "admin") -> Any:
        return self.client.post(url, json=body, headers=self.headers(who))

    def detail(self, execution_id: int) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/executions/{execution_id}", headers=self.headers())
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_for(
        self, execution_id: int, statuses: set[str], timeout: float = 20
    ) -> dict[str, Any]:
        """Poll the execution through the API until its status is one of `statuses`."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.detail(execution_id)
            if body["status"] in statuses:
                return body
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"execution {execution_id} not {statuses} after {timeout:g} s: {body}\n"
                    f"{self.stack.log_tail()}"
                )
            time.sleep(0.1)

    def stats(self, workflow_id: int) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/workflows/{workflow_id}/stats", headers=self.headers())
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def pending_for(self, who: str, execution_id: int) -> list[dict[str, Any]]:
        page = self.client.get(
            f"/api/v1/approvals?mine=true&status=pending&execution_id={execution_id}",
            headers=self.headers(who),
        )
        assert page.status_code == 200, page.text
        items: list[dict[str, Any]] = page.json()["items"]
        return items

    def decide(self, who: str, approval_id: int, verb: str, comment: str) -> None:
        response = self.post(f"/api/v1/approvals/{approval_id}/{verb}", {"comment": comment}, who)
        assert response.status_code == 200, response.text

    def executions(self, workflow_id: int) -> list[WorkflowExecution]:
        with self.stack.read() as session:
            return list(
                session.scalars(
                    select(WorkflowExecution)
                    .where(WorkflowExecution.workflow_id == workflow_id)
                    .order_by(WorkflowExecution.id)
                )
            )

    def requests(self, execution_id: int) -> list[ApprovalRequest]:
        with self.stack.read() as session:
            return list(
                session.scalars(
                    select(ApprovalRequest)
                    .where(ApprovalRequest.execution_id == execution_id)
                    .order_by(ApprovalRequest.id)
                )
            )

    def task_titles(self) -> Counter[str]:
        with self.stack.read() as session:
            return Counter(
                session.scalars(select(Task.title).where(Task.company_id == self.tenant.company_id))
            )


@pytest.fixture()
def company(shared_stack: Stack) -> Company:
    slug = f"co{next(_companies)}"
    with get_session_factory(shared_stack.url)() as session:
        tenant = make_tenant(session, slug)
        cfo = create_user(
            session, company_id=tenant.company_id, email=f"cfo@{slug}.test", titles=["cfo"]
        )
        tokens = {"cfo": issue_token(session, user=cfo)}
        for who, user_id in (("manager", tenant.manager_id), ("director", tenant.director_id)):
            user = session.get(User, user_id)
            assert user is not None
            tokens[who] = issue_token(session, user=user)
        session.commit()
    return Company(stack=shared_stack, tenant=tenant, slug=slug, tokens=tokens)


def _poll(
    what: str, fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 20
) -> Any:
    """Call `fetch` every 0.1 s until `done` holds for its value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}: {value}")
        time.sleep(0.1)


# The seed's Example 1 (DISCOUNT_APPROVAL): a deal's discount climbs the chain by amount.


def _discount_deal(co: Company, amount: int) -> int:
    """Create a deal owned by the editor (whose manager is the manager); return its run's id."""
    response = co.post(
        "/api/v1/deals",
        {"title": f"Discount {amount}", "amount": amount, "owner_id": co.tenant.editor_id},
    )
    assert response.status_code == 201, response.text
    url = f"/api/v1/executions?trigger_entity_type=deal&trigger_entity_id={response.json()['id']}"
    page = _poll(
        f"the run of deal {amount}",
        lambda: co.client.get(url, headers=co.headers()).json(),
        lambda page: page["total"] == 1,
    )
    return int(page["items"][0]["id"])


def _ask(co: Company, who: str, execution_id: int) -> dict[str, Any]:
    """Wait until `who` is asked to decide for the execution; return the request."""
    items = _poll(
        f"{who} to be asked in execution {execution_id}",
        lambda: co.pending_for(who, execution_id),
        bool,
    )
    assert len(items) == 1, items
    ask: dict[str, Any] = items[0]
    return ask


ABOVE = {"manager": ("director", "cfo"), "director": ("cfo",), "cfo": ()}
STEP_OF = {"manager": "Manager Approval", "director": "Director Approval", "cfo": "CFO Approval"}


def test_example_1_small_discount_asks_the_manager_only(company: Company) -> None:
    co = company
    workflow = start_workflow(co.client, co.tenant, DISCOUNT_APPROVAL)
    execution_id = _discount_deal(co, 5000)
    ask = _ask(co, "manager", execution_id)
    assert ask["name"] == "Manager Approval"
    waiting = co.detail(execution_id)
    assert waiting["status"] == "waiting" and waiting["waiting_for"] == "approval"
    assert co.pending_for("director", execution_id) == co.pending_for("cfo", execution_id) == []
    co.decide("manager", ask["id"], "approve", "fine")

    done = co.wait_for(execution_id, {"success", "failed", "rejected", "cancelled"})
    assert done["status"] == "success", done
    by_name = {s["name"]: s for s in done["steps"]}
    assert by_name["Validate"]["status"] == "skipped"
    assert by_name["Manager Approval"]["status"] == "success"
    assert by_name["Manager Approval"]["output"]["decisions"][0]["comment"] == "fine"
    assert by_name["Director Approval"]["status"] == "skipped"
    assert by_name["CFO Approval"]["status"] == "skipped"
    # Only the manager was ever asked.
    [request] = co.requests(execution_id)
    assert (request.name, request.status) == ("Manager Approval", "approved")
    assert co.stats(workflow["id"])["success_count"] == 1


def test_example_1_large_discount_climbs_manager_director_cfo_in_order(company: Company) -> None:
    co = company
    start_workflow(co.client, co.tenant, DISCOUNT_APPROVAL)
    execution_id = _discount_deal(co, 75000)
    for level, who in enumerate(("manager", "director", "cfo")):
        ask = _ask(co, who, execution_id)
        assert ask["name"] == STEP_OF[who]
        # Nobody further up is asked before this level has decided.
        for above in ABOVE[who]:
            assert co.pending_for(above, execution_id) == [], (who, above)
        requests = co.requests(execution_id)
        assert len(requests) == level + 1
        assert [r.status for r in requests] == ["approved"] * level + ["pending"]
        waiting = co.detail(execution_id)
        assert waiting["status"] == "waiting" and waiting["waiting_for"] == "approval"
        co.decide(who, ask["id"], "approve", f"ok from {who}")

    done = co.wait_for(execution_id, {"success", "failed", "rejected", "cancelled"})
    assert done["status"] == "success", done
    approvals = [s for s in done["steps"] if s["type"] == "approval"]
    assert [s["name"] for s in approvals] == [
        "Manager Approval",
        "Director Approval",
        "CFO Approval",
    ]
    assert [s["status"] for s in approvals] == ["success"] * 3
    assert [s["output"]["decisions"][0]["email"] for s in approvals] == [
        f"manager@{co.slug}.test",
        f"director@{co.slug}.test",
        f"cfo@{co.slug}.test",
    ]
    # Strictly in turn: each level was asked only after the one below had decided.
    requests = co.requests(execution_id)
    assert [r.name for r in requests] == [s["name"] for s in approvals]
    assert [r.status for r in requests] == ["approved"] * 3
    for below, above in itertools.pairwise(requests):
        assert below.decided_at is not None and above.created_at >= below.decided_at


def test_example_1_director_rejection_ends_the_run_rejected(company: Company) -> None:
    co = company
    workflow = start_workflow(co.client, co.tenant, DISCOUNT_APPROVAL)
    execution_id = _discount_deal(co, 75000)
    co.decide("manager", _ask(co, "manager", execution_id)["id"], "approve", "")
    director_ask = _ask(co, "director", execution_id)
    assert co.pending_for("cfo", execution_id) == []
    # Someone who is not a designated approver may not decide.
    forbidden = co.post(f"/api/v1/approvals/{director_ask['id']}/approve", {}, "editor")
    assert forbidden.status_code == 403, forbidden.text
    co.decide("director", director_ask["id"], "reject", "too generous")

    done = co.wait_for(execution_id, {"success", "failed", "rejected", "cancelled"})
    assert done["status"] == "rejected", done
    director = next(s for s in done["steps"] if s["name"] == "Director Approval")
    assert director["output"]["outcome"] == "rejected"
    assert "too generous" in director["message"]
    assert not any(s["name"] == "CFO Approval" for s in done["steps"])
    # The CFO was never asked: no request, nothing pending.
    requests = co.requests(execution_id)
    assert [(r.name, r.status) for r in requests] == [
        ("Manager Approval", "approved"),
        ("Director Approval", "rejected"),
    ]
    assert co.pending_for("cfo", execution_id) == []
    stats = co.stats(workflow["id"])
    assert stats["rejected_count"] == 1, stats
    assert stats["failed_count"] == stats["success_count"] == 0, stats


# Execution control: cancel, retry, rerun.


def _manual(co: Company, actions: list[dict[str, Any]]) -> dict[str, Any]:
    return start_workflow(co.client, co.tenant, {"trigger_type": "manual", "actions": actions})


def _execute(co: Company, workflow_id: int, wait: float) -> dict[str, Any]:
    response = co.post(f"/api/v1/workflows/{workflow_id}/execute?wait={wait}", {})
    assert response.status_code in (200, 202), response.text
    body: dict[str, Any] = response.json()
    return body


def _finished_tasks(stack: Stack, name: str, offset: int) -> list[tuple[str, str]]:
    """(task id, result) of every `name` task the worker finished after log byte `offset`."""
    log = stack.logs / f"worker-{stack.workers_started}.log"
    text = log.read_bytes()[offset:].decode(errors="replace")
    return re.findall(
        rf"Task {re.escape(name)}\[([0-9a-f-]+)\] succeeded in [0-9.e-]+s: (.*)", text
    )


def _log_size(stack: Stack) -> int:
    return (stack.logs / f"worker-{stack.workers_started}.log").stat().st_size


CANCEL_DELAY = "actions/0/branches/0/actions/0"
CANCEL_APPROVAL = "actions/0/branches/1/actions/0"


def test_cancel_a_run_waiting_on_a_one_hour_delay(company: Company) -> None:
    co = company
    workflow = _manual(
        co,
        [
            {
                "type": "parallel",
                "branches": [
                    [{"type": "delay", "config": {"duration": "1 hour"}}, task("after the delay")],
                    [{"type": "approval", "config": {"approvers": ["role:admin"]}}],
                ],
            },
            task("after the join"),
        ],
    )
    started = _execute(co, workflow["id"], wait=0)
    waiting = co.wait_for(started["id"], {"waiting", "success", "failed", "cancelled"})
    assert waiting["status"] == "waiting", waiting
    assert waiting["waiting_for"] == "delay", waiting
    left = datetime.fromisoformat(waiting["resume_at"]) - utcnow()
    assert timedelta(minutes=59) < left <= timedelta(hours=1), left
    [request] = _poll("the approval request", lambda: co.requests(started["id"]), bool)
    assert request.status == "pending" and request.step_path == CANCEL_APPROVAL

    response = co.post(f"/api/v1/executions/{started['id']}/cancel")
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["error_message"] == f"cancelled by admin@{co.slug}.test"
    assert cancelled["resume_at"] is None and cancelled["waiting_for"] is None
    assert cancelled["completed_at"] is not None
    # Its open approval is closed: nobody can decide it any more.
    [closed] = co.requests(started["id"])
    assert closed.status == "cancelled" and closed.decided_at is not None
    assert closed.outcome_reason == f"execution cancelled by admin@{co.slug}.test"
    again = co.post(f"/api/v1/approvals/{closed.id}/approve", {})
    assert again.status_code == 409, again.text
    assert co.pending_for("admin", started["id"]) == []

    # Make its delay over (the run's wake-up and the delay step's own resume_at), then hand it
    # to the worker directly and let the relay (beat, every second) look twice: nothing claims
    # a cancelled run. (Not cancelled, the worker would run "after the delay" now.)
    past = utcnow() - timedelta(seconds=5)
    with get_session_factory(co.stack.url)() as session:
        session.execute(
            update(WorkflowExecution)
            .where(WorkflowExecution.id == started["id"])
            .values(resume_at=past)
        )
        delay = session.scalars(
            select(ExecutionStep).where(
                ExecutionStep.execution_id == started["id"], ExecutionStep.path == CANCEL_DELAY
            )
        ).one()
        assert delay.output is not None and "resume_at" in delay.output, delay.output
        delay.output = {**delay.output, "resume_at": past.isoformat()}
        session.commit()
    offset = _log_size(co.stack)
    sent = execute_workflow_async.apply_async((started["id"],))
    _poll(
        "the worker to take the cancelled run's message",
        lambda: dict(_finished_tasks(co.stack, "crmflow.execute_workflow_async", offset)),
        lambda done: sent.id in done,
        timeout=10,
    )
    assert (
        dict(_finished_tasks(co.stack, "crmflow.execute_workflow_async", offset))[sent.id] == "None"
    )  # claimed nothing, ran nothing
    _poll(
        "two relay ticks",
        lambda: _finished_tasks(co.stack, "crmflow.relay", offset),
        lambda ticks: len(ticks) >= 2,
        timeout=10,
    )
    after = co.detail(started["id"])
    assert after["status"] == "cancelled"
    assert after["error_message"] == f"cancelled by admin@{co.slug}.test"
    assert {s["path"]: s["status"] for s in after["steps"]} == {
        CANCEL_DELAY: "pending",
        CANCEL_APPROVAL: "pending",
    }
    assert co.task_titles() == {}  # neither the later step nor the join ran
    stats = co.stats(workflow["id"])
    assert stats["cancelled_count"] == 1 and stats["waiting_count"] == 0, stats


def test_retry_a_run_failed_on_a_missing_assignee(company: Company) -> None:
    co = company
    newbie = f"newbie@{co.slug}.test"
    workflow = _manual(
        co,
        [
            {
                "type": "create_task",
                "config": {"title": "first", "assignee": f"editor@{co.slug}.test"},
            },
            {
                "type": "create_task",
                "on_error": "stop",
                "config": {"title": "second", "assignee": newbie},
            },
        ],
    )
    failed = _execute(co, workflow["id"], wait=15)
    assert failed["status"] == "failed", failed
    assert failed["error_message"] == (
        f"actions/1 (create_task): user: no user with email '{newbie}' in this company"
    )
    assert [(s["path"], s["status"]) for s in failed["steps"]] == [
        ("actions/0", "success"),
        ("actions/1", "failed"),
    ]
    first_step = failed["steps"][0]
    assert co.task_titles() == {"first": 1}
    assert co.stats(workflow["id"])["failed_count"] == 1

    with get_session_factory(co.stack.url)() as session:
        user = create_user(session, company_id=co.tenant.company_id, email=newbie)
        session.commit()
        newbie_id = user.id
    response = co.post(f"/api/v1/executions/{failed['id']}/retry")
    assert response.status_code == 202, response.text
    assert response.json()["error_message"] is None

    done = co.wait_for(failed["id"], {"success", "failed", "cancelled"})
    assert done["status"] == "success", done
    assert [(s["path"], s["status"]) for s in done["steps"]] == [
        ("actions/0", "success"),
        ("actions/1", "success"),
    ]
    assert done["steps"][0] == first_step  # kept from the first attempt, never re-run
    assert done["steps"][1]["output"]["assignee_id"] == newbie_id
    assert done["started_at"] == failed["started_at"]
    assert co.task_titles() == {"first": 1, "second": 1}  # the first step's task exists once
    stats = co.stats(workflow["id"])
    assert stats["total_executions"] == 1, stats
    assert stats["success_count"] == 1 and stats["failed_count"] == 0, stats


def test_rerun_a_finished_run(company: Company) -> None:
    co = company
    workflow = _manual(co, [task("run {{ execution.id }}")])
    original = _execute(co, workflow["id"], wait=15)
    assert original["status"] == "success", original
    assert original["rerun_of_id"] is None

    response = co.post(f"/api/v1/executions/{original['id']}/rerun")
    assert response.status_code == 201, response.text
    rerun = response.json()
    assert rerun["id"] != original["id"] and rerun["rerun_of_id"] == original["id"]
    assert rerun["status"] in ("pending", "running", "success"), rerun
    done = co.wait_for(rerun["id"], {"success", "failed", "cancelled", "skipped"})
    assert done["status"] == "success", done
    assert done["rerun_of_id"] == original["id"]
    assert co.task_titles() == {f"run {original['id']}": 1, f"run {rerun['id']}": 1}
    assert co.detail(original["id"])["status"] == "success"  # the original is untouched
    assert co.stats(workflow["id"])["success_count"] == 2


# Run modes: two updates of one organisation while the first run waits on its delay.

MODE_DELAY = 3.0


def _two_updates(co: Company, mode: str) -> tuple[int, WorkflowExecution, WorkflowExecution]:
    """Return the workflow id, the first run (as it waited) and the second run once decided."""
    workflow = start_workflow(
        co.client,
        co.tenant,
        {
            "trigger_type": "organisation_updated",
            "run_policy": {"mode": mode},
            "actions": [
                {"type": "delay", "config": {"duration": f"{MODE_DELAY:g}s"}},
                task("done {{ execution.id }}"),
            ],
        },
    )
    org = new_org(co.client, co.tenant)

    def update_org(amount: int) -> None:
        co.client.patch(
            f"/api/v1/organisations/{org['id']}",
            json={"potential_amount": amount},
            headers=co.headers(),
        ).raise_for_status()

    update_org(1)
    [first] = _poll(
        "the first run to wait on its delay",
        lambda: co.executions(workflow["id"]),
        lambda runs: len(runs) == 1 and runs[0].waiting_for == "delay",
    )
    assert first.status == "waiting" and first.resume_at is not None
    update_org(2)
    _, second = _poll(
        "the second run to be decided",
        lambda: co.executions(workflow["id"]),
        lambda runs: len(runs) == 2 and runs[1].status not in ("pending", "running"),
    )
    # The second run was decided while the first still waited on its delay.
    assert second.updated_at < first.resume_at, (second.updated_at, first.resume_at)
    return int(workflow["id"]), first, second


def test_run_mode_restart_cancels_the_waiting_run(company: Company) -> None:
    co = company
    workflow_id, first, second = _two_updates(co, "restart")
    cancelled, _ = co.executions(workflow_id)
    assert cancelled.status == "cancelled", (cancelled.status, cancelled.error_message)
    assert cancelled.error_message == (
        f"cancelled: restarted by execution #{second.id} (run mode restart)"
    )
    assert cancelled.resume_at is None and cancelled.waiting_for is None
    assert second.status == "waiting" and second.waiting_for == "delay", second.status
    assert second.decision is not None
    assert second.decision["run_policy"] == f"run mode restart: cancelled execution(s) #{first.id}"

    done = co.wait_for(second.id, {"success", "failed", "cancelled", "skipped"})
    assert done["status"] == "success", done
    # The second run's own delay started after the first's: the first's delay is over too, and
    # its later step never ran.
    assert co.detail(first.id)["status"] == "cancelled"
    assert co.task_titles() == {f"done {second.id}": 1}
    stats = co.stats(workflow_id)
    assert stats["cancelled_count"] == 1 and stats["success_count"] == 1, stats


def test_run_mode_single_skips_the_second_run(company: Company) -> None:
    co = company
    workflow_id, first, second = _two_updates(co, "single")
    assert second.status == "skipped", (second.status, second.error_message)
    assert second.decision is not None
    assert second.decision["explanation"] == (
        f"run mode single: execution #{first.id} is in progress for "
        f"organisation #{first.trigger_entity_id}"
    )
    still, _ = co.executions(workflow_id)
    assert still.status == "waiting" and still.waiting_for == "delay"  # untouched by the skip
    done = co.wait_for(first.id, {"success", "failed", "cancelled", "skipped"})
    assert done["status"] == "success", done
    skipped = co.detail(second.id)
    assert skipped["status"] == "skipped" and skipped["steps"] == []
    assert co.task_titles() == {f"done {first.id}": 1}
    stats = co.stats(workflow_id)
    assert stats["skipped_count"] == 1 and stats["success_count"] == 1, stats
