"""Durable delays (`resume_at`), committed claims, fencing and the worker-loss limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crmflow.crm.models import Task
from crmflow.db.base import utcnow
from crmflow.engine.options import RunOptions
from crmflow.executions.batch import claim_batch, fence_claims
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.runner import run_batch
from crmflow.runtime.dispatcher import dispatch_pending_events
from crmflow.runtime.jobs import runnable_executions
from tests.conftest import Tenant
from tests.runtime.helpers import wait_for_executions
from tests.workflows.factories import create_org, create_workflow


def _start(
    client: TestClient, tenant: Tenant, writer_session: Session, actions: list[dict[str, Any]]
) -> int:
    create_workflow(
        client,
        tenant.headers(),
        {"name": "flow", "trigger_type": "organisation_created", "actions": actions},
        active=True,
    )
    create_org(client, tenant.headers(), name="Initech")
    _, ids = dispatch_pending_events(writer_session)
    assert len(ids) == 1
    return ids[0]


def _task_titles(session: Session) -> list[str]:
    session.rollback()
    return sorted(session.scalars(select(Task.title)))


def _execution(session: Session, execution_id: int) -> WorkflowExecution:
    session.rollback()
    found = session.get(WorkflowExecution, execution_id, populate_existing=True)
    assert found is not None
    return found


DELAYED = [
    {"type": "create_task", "config": {"title": "before"}},
    {"id": "pause", "type": "delay", "config": {"duration": "1h"}},
    {"type": "create_task", "config": {"title": "after"}},
]


def test_delay_waits_in_the_database_then_resumes_once(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _start(client, tenant, writer_session, DELAYED)
    first = run_batch(writer_session, [execution_id], RunOptions())
    assert first.outcome == {execution_id: "waiting"}
    waiting = _execution(session, execution_id)
    assert waiting.status == "waiting" and waiting.lease_owner is None
    assert waiting.resume_at is not None
    assert timedelta(minutes=59) < waiting.resume_at - utcnow() <= timedelta(hours=1)
    assert waiting.decision is not None  # kept: the resumed run does not re-decide
    assert waiting.waiting_for == "delay"
    assert _task_titles(session) == ["before"]
    delay_step = session.scalars(
        select(ExecutionStep).where(
            ExecutionStep.execution_id == execution_id, ExecutionStep.path == "actions/1"
        )
    ).one()
    assert delay_step.status == "pending" and "waits until" in (delay_step.message or "")

    # Not due yet: neither a redelivered message nor the relay can resume it early.
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {}
    assert execution_id not in runnable_executions(
        writer_session, now=utcnow(), pending_older_than=timedelta(0)
    )

    # Travel to the end of the delay: the run's resume_at and the delay step's own due time.
    past = utcnow() - timedelta(seconds=1)
    writer_session.execute(
        update(WorkflowExecution).where(WorkflowExecution.id == execution_id).values(resume_at=past)
    )
    writer_session.execute(
        update(ExecutionStep)
        .where(ExecutionStep.execution_id == execution_id, ExecutionStep.status == "pending")
        .values(output={"resume_at": past.isoformat()})
    )
    writer_session.commit()
    assert execution_id in runnable_executions(
        writer_session, now=utcnow(), pending_older_than=timedelta(0)
    )
    resumed = run_batch(writer_session, [execution_id], RunOptions())
    assert resumed.outcome == {execution_id: "success"}
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {}
    assert _task_titles(session) == ["after", "before"]
    steps = session.execute(
        select(ExecutionStep.path, ExecutionStep.status, ExecutionStep.message)
        .where(ExecutionStep.execution_id == execution_id)
        .order_by(ExecutionStep.path)
    ).all()
    assert [(p, s) for p, s, _ in steps] == [
        ("actions/0", "success"),
        ("actions/1", "success"),
        ("actions/2", "success"),
    ]
    assert "waited until" in (steps[1][2] or "")
    done = _execution(session, execution_id)
    assert done.actions_executed == 2 and done.completed_at is not None


def test_delay_until_a_template_that_is_not_a_date_fails_the_step(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _start(
        client,
        tenant,
        writer_session,
        [
            {"type": "delay", "on_error": "stop", "config": {"until": "{{ organisation.name }}"}},
            {"type": "create_task", "config": {"title": "never"}},
        ],
    )
    assert run_batch(writer_session, [execution_id], RunOptions()).outcome == {
        execution_id: "failed"
    }
    failed = _execution(session, execution_id)
    assert "'Initech' is not a date" in (failed.error_message or "")
    assert _task_titles(session) == []


def test_delay_until_a_past_date_does_not_wait(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _start(
        client,
        tenant,
        writer_session,
        [
            {"type": "delay", "config": {"until": "{{ organisation.created_at }}"}},
            {"type": "create_task", "config": {"title": "now"}},
        ],
    )
    outcome = run_batch(writer_session, [execution_id], RunOptions()).outcome
    assert outcome == {execution_id: "success"}
    assert _task_titles(session) == ["now"]


def _lose_worker(writer_session: Session, execution_id: int, worker: str) -> None:
    """A worker claims (committed) and dies: its lease is left to expire."""
    claimed = claim_batch(
        writer_session.connection(),
        [execution_id],
        RunOptions(worker_id=worker, commit_claims=True),
    )
    assert [r["id"] for r in claimed] == [execution_id]
    writer_session.commit()
    _expire_lease(writer_session, execution_id)


def _expire_lease(writer_session: Session, execution_id: int) -> None:
    writer_session.execute(
        update(WorkflowExecution)
        .where(WorkflowExecution.id == execution_id)
        .values(lease_expires_at=utcnow() - timedelta(seconds=1))
    )
    writer_session.commit()


def test_a_run_whose_worker_died_is_taken_over_once(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _start(client, tenant, writer_session, DELAYED[:1])
    _lose_worker(writer_session, execution_id, "dead:1")
    options = RunOptions(worker_id="alive:2", commit_claims=True)
    assert run_batch(writer_session, [execution_id], options).outcome == {execution_id: "success"}
    done = _execution(session, execution_id)
    assert (done.worker_losses, done.attempt) == (1, 2)
    assert _task_titles(session) == ["before"]


def test_a_run_that_keeps_killing_its_worker_fails_after_the_limit(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _start(client, tenant, writer_session, DELAYED[:1])
    for n in range(3):
        _lose_worker(writer_session, execution_id, f"dead:{n}")
    options = RunOptions(worker_id="alive", commit_claims=True, max_worker_losses=3)
    assert run_batch(writer_session, [execution_id], options).outcome == {execution_id: "failed"}
    failed = _execution(session, execution_id)
    assert failed.worker_losses == 3
    assert "worker running this execution was lost 3 times" in (failed.error_message or "")
    assert _task_titles(session) == []
    assert run_batch(writer_session, [execution_id], options).outcome == {}


def test_a_late_worker_cannot_run_an_execution_taken_over_by_another(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    execution_id = _start(client, tenant, writer_session, DELAYED[:1])
    slow = RunOptions(worker_id="slow", commit_claims=True)
    rows = claim_batch(writer_session.connection(), [execution_id], slow)
    writer_session.commit()
    _expire_lease(writer_session, execution_id)
    _lose_worker(writer_session, execution_id, "fast")  # took over after slow's lease expired
    assert fence_claims(writer_session.connection(), rows, slow) == []
    writer_session.rollback()


def test_a_worker_takes_back_its_own_claim_cut_by_a_database_error(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _start(client, tenant, writer_session, DELAYED[:1])
    options = RunOptions(worker_id="w:1:1", commit_claims=True)
    claim_batch(writer_session.connection(), [execution_id], options)
    writer_session.commit()  # claimed, then the run's transaction was lost
    other = RunOptions(worker_id="w:2:1", commit_claims=True)
    assert run_batch(writer_session, [execution_id], other).outcome == {}  # lease still held
    assert run_batch(writer_session, [execution_id], options).outcome == {execution_id: "success"}
    done = _execution(session, execution_id)
    assert (done.worker_losses, done.attempt) == (0, 2)  # not a lost worker
    assert _task_titles(session) == ["before"]


def test_the_embedded_runtime_resumes_a_short_delay_on_its_own(
    live_client: TestClient, tenant: Tenant, session: Session
) -> None:
    create_workflow(
        live_client,
        tenant.headers(),
        {
            "name": "wait a bit",
            "trigger_type": "organisation_created",
            "actions": [
                {"type": "create_task", "config": {"title": "before"}},
                {"type": "delay", "config": {"duration": "2s"}},
                {"type": "create_task", "config": {"title": "after"}},
            ],
        },
        active=True,
    )
    create_org(live_client, tenant.headers(), name="Initech")
    [execution] = wait_for_executions(live_client, tenant.headers(), count=1, timeout=15.0)
    assert execution["status"] == "success"
    assert _task_titles(session) == ["after", "before"]
    done = _execution(session, execution["id"])
    assert done.started_at is not None and done.completed_at is not None
    assert (done.completed_at - done.started_at).total_seconds() >= 2.0
