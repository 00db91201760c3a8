"""Catalog statistics equal what the company's step records say (count, success, avg, p95)."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crmflow.db.base import utcnow
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, run, start_workflow

URL = "/api/v1/workflow/action-catalog"
OK = [
    {"type": "create_task", "config": {"title": "t"}},
    {"type": "add_tag", "config": {"tag": "a"}},
]
# The assignee is no user: the step fails at run time.
FAILING = [{"type": "create_task", "config": {"title": "t", "assignee": "nobody@acme.test"}}]


def _expected(session: Session, company_id: int, action_type: str, days: int) -> dict[str, Any]:
    """The statistics computed by hand from the step records."""
    session.rollback()
    rows = session.execute(
        select(ExecutionStep.status, ExecutionStep.duration_ms)
        .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
        .where(
            WorkflowExecution.company_id == company_id,
            WorkflowExecution.created_at >= utcnow() - timedelta(days=days),
            ExecutionStep.type == action_type,
            ExecutionStep.status.in_(("success", "failed")),
        )
    ).all()
    durations = sorted(float(d) for _, d in rows)
    count = len(durations)
    if not count:
        return {"execution_count": 0, "success_rate": None}
    successes = sum(1 for status, _ in rows if status == "success")
    return {
        "execution_count": count,
        "success_rate": round(100.0 * successes / count, 1),
        "avg_execution_time_ms": round(sum(durations) / count, 3),
        "p95_execution_time_ms": round(durations[math.ceil(95 * count / 100) - 1], 3),
    }


def _stats(client: TestClient, tenant: Tenant, action_type: str, **params: Any) -> dict[str, Any]:
    body = client.get(f"{URL}/{action_type}", params=params, headers=tenant.headers()).json()
    return {key: body[key] for key in ("execution_count", "success_rate", *_timing(body))}


def _timing(body: dict[str, Any]) -> tuple[str, ...]:
    if not body["execution_count"]:
        return ()
    return ("avg_execution_time_ms", "p95_execution_time_ms")


def test_statistics_match_the_step_records(
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    session: Session,
    writer_session: Session,
) -> None:
    start_workflow(client, tenant, {"actions": OK})
    start_workflow(client, tenant, {"actions": FAILING})
    start_workflow(client, other_tenant, {"actions": OK})
    for name in ("A", "B", "C"):
        new_org(client, tenant, name=name)
    client.post("/api/v1/organisations", json={"name": "X"}, headers=other_tenant.headers())
    ids = dispatch(writer_session)
    assert len(ids) == 7
    # on_error: continue: the failing runs went on and completed with errors.
    assert sorted(run(writer_session, ids).values()) == ["partial"] * 3 + ["success"] * 4

    task = _stats(client, tenant, "create_task")
    assert task == _expected(session, tenant.company_id, "create_task", 30)
    assert task["execution_count"] == 6 and task["success_rate"] == 50.0
    tag = _stats(client, tenant, "add_tag")
    assert tag == _expected(session, tenant.company_id, "add_tag", 30)
    assert tag["execution_count"] == 3 and tag["success_rate"] == 100.0
    assert _stats(client, tenant, "send_email") == {"execution_count": 0, "success_rate": None}
    # Only the company's own steps count.
    assert _stats(client, other_tenant, "create_task")["execution_count"] == 1

    # The list shows the same numbers.
    items = client.get(URL, params={"size": 500}, headers=tenant.headers()).json()["items"]
    listed = {item["action_type"]: item for item in items}
    assert listed["create_task"]["p95_execution_time_ms"] == task["p95_execution_time_ms"]
    assert listed["add_tag"]["execution_count"] == 3

    # Executions started before the window do not count.
    session.rollback()
    old = session.scalar(
        select(func.min(WorkflowExecution.id)).where(
            WorkflowExecution.company_id == tenant.company_id
        )
    )
    writer_session.execute(
        update(WorkflowExecution)
        .where(WorkflowExecution.id == old)
        .values(created_at=utcnow() - timedelta(days=40))
    )
    writer_session.commit()
    recent = _stats(client, tenant, "create_task")
    assert recent == _expected(session, tenant.company_id, "create_task", 30)
    assert recent["execution_count"] == 5  # every run of the company has one create_task
    longer = _stats(client, tenant, "create_task", days=60)
    assert longer == _expected(session, tenant.company_id, "create_task", 60)
    assert longer["execution_count"] == 6


def test_p95_is_the_nearest_rank_over_many_steps(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    start_workflow(client, tenant, {"actions": OK[:1]})
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    run(writer_session, [execution_id])
    # 37 more step records with distinct durations, some failed and one still pending.
    for i in range(37):
        writer_session.add(
            ExecutionStep(
                execution_id=execution_id,
                path=f"synthetic/{i}",
                type="create_task",
                status="failed" if i % 5 == 0 else "success",
                idempotency_key=f"{execution_id}:synthetic/{i}",
                duration_ms=float((i * 7919) % 101) + i / 100,
            )
        )
    writer_session.add(
        ExecutionStep(
            execution_id=execution_id,
            path="synthetic/pending",
            type="create_task",
            status="pending",
            idempotency_key="pending",
            duration_ms=10_000.0,
        )
    )
    writer_session.commit()
    stats = _stats(client, tenant, "create_task")
    assert stats == _expected(session, tenant.company_id, "create_task", 30)
    assert stats["execution_count"] == 38
