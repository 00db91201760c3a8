"""The execution lifecycle: one transition table, every guarded change obeys it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from crmflow.common.enums import FINISHED_STATUSES, ExecutionStatus
from crmflow.db.base import utcnow
from crmflow.executions import lifecycle
from crmflow.executions.lifecycle import TRANSITIONS, IllegalTransition
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.service import insert_executions
from tests.conftest import Tenant
from tests.workflows.factories import create_workflow

S = ExecutionStatus
OWNER = "worker-test"
SRC = Path(__file__).resolve().parents[2] / "src" / "crmflow"


def test_the_table_covers_every_status_and_finished_runs_stay_finished() -> None:
    assert set(TRANSITIONS) == set(ExecutionStatus)
    for status in FINISHED_STATUSES:
        allowed = TRANSITIONS[S(status)]
        # Only a failed run may come back (a retry makes it pending again).
        assert allowed == ({S.PENDING} if status == S.FAILED else set()), status


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("success", "running"),
        ("cancelled", "pending"),
        ("pending", "success"),
        ("waiting", "failed"),
        ("skipped", "cancelled"),
        ("partial", "pending"),
    ],
)
def test_an_illegal_transition_raises(source: str, target: str) -> None:
    with pytest.raises(IllegalTransition, match=f"from {source} to {target}"):
        lifecycle.check(source, target)


def test_finishing_in_a_status_that_is_not_final_raises_before_any_write() -> None:
    def no_sql(*_: Any) -> None:
        raise AssertionError("no SQL may run")

    conn: Any = type("NoSql", (), {"execute": no_sql})()
    finals = [{"b_id": 1, "b_status": "success"}, {"b_id": 2, "b_status": "waiting"}]
    with pytest.raises(IllegalTransition, match="from running to waiting"):
        lifecycle.finish_many(conn, finals)


def _final(execution_id: int, status: str) -> dict[str, Any]:
    now = utcnow()
    return {
        "b_id": execution_id,
        "b_status": status,
        "b_completed_at": now,
        "b_duration_ms": 1.0,
        "b_actions": 0,
        "b_decision": None,
        "b_error": None,
        "b_steps_failed": 0,
    }


def _wait(execution_id: int) -> dict[str, Any]:
    return {
        "b_id": execution_id,
        "b_resume_at": None,
        "b_waiting_for": "approval",
        "b_actions": 0,
        "b_decision": None,
        "b_now": utcnow(),
        "b_steps_failed": 0,
    }


# Each operation of the module: the status it leads to, the statuses it takes runs from, and
# how to apply it to one run.
Apply = Callable[[Connection, int], Any]
OPERATIONS: dict[str, tuple[ExecutionStatus, set[ExecutionStatus], Apply]] = {
    "claim": (
        S.RUNNING,
        {S.PENDING, S.RUNNING, S.WAITING},
        lambda c, i: lifecycle.claim(
            c, [i], owner="other", now=utcnow(), lease_until=utcnow() + timedelta(minutes=1)
        ),
    ),
    "release": (S.PENDING, {S.RUNNING}, lambda c, i: lifecycle.release(c, [i], owner=OWNER)),
    "wait": (S.WAITING, {S.RUNNING}, lambda c, i: lifecycle.wait_many(c, [_wait(i)])),
    "finish": (
        S.PARTIAL,
        {S.RUNNING},
        lambda c, i: lifecycle.finish_many(c, [_final(i, "partial")]),
    ),
    "cancel": (
        S.CANCELLED,
        {S.PENDING, S.RUNNING, S.WAITING},
        lambda c, i: lifecycle.cancel(c, [i], reason="test", now=utcnow()),
    ),
    "restart-cancel": (
        S.CANCELLED,
        {S.PENDING, S.WAITING},
        # A run policy's restart: another worker's running run is left alone.
        lambda c, i: lifecycle.cancel(c, [i], reason="test", now=utcnow(), owner="other"),
    ),
    "retry": (S.PENDING, {S.FAILED}, lambda c, i: lifecycle.retry(c, i, attempt=1, now=utcnow())),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_operation_changes_a_status_only_along_the_table(
    operation: str, client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    target, sources, apply = OPERATIONS[operation]
    assert sources <= set(lifecycle.sources_of(target))
    workflow = create_workflow(
        client, tenant.headers(), {"name": "life", "trigger_type": "manual"}, active=True
    )
    base = {
        "company_id": tenant.company_id,
        "workflow_id": workflow["id"],
        "version_id": workflow["current_version_id"],
        "version": 1,
        "trigger_type": "manual",
    }
    ids = insert_executions(
        writer_session, [{**base, "fire_key": f"{operation}-{s}"} for s in ExecutionStatus]
    )
    conn = writer_session.connection()
    table = WorkflowExecution.__table__
    past = utcnow() - timedelta(minutes=5)
    for execution_id, status in zip(ids, ExecutionStatus, strict=True):
        # Due, and leased by OWNER until the past: every guard but the status can pass.
        conn.execute(
            update(table)
            .where(table.c.id == execution_id)
            .values(status=status, resume_at=past, lease_owner=OWNER, lease_expires_at=past)
        )
    after = {}
    for execution_id, source in zip(ids, ExecutionStatus, strict=True):
        apply(conn, execution_id)
        after[source] = conn.scalar(select(table.c.status).where(table.c.id == execution_id))
    writer_session.rollback()
    assert after == {s: target if s in sources else s for s in ExecutionStatus}


def test_no_execution_status_is_written_outside_the_lifecycle() -> None:
    writes = re.compile(
        r"update\((EXECUTIONS|WorkflowExecution)\)|\b(execution|WorkflowExecution)\.status\s*=(?!=)"
    )
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "lifecycle.py"
        and writes.search(path.read_text())
    ]
    assert offenders == []
