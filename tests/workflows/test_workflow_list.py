"""GET /workflows: success_rate per item (one grouped histogram query) and sorting."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert, update
from sqlalchemy.orm import Session

from crmflow.db.base import utcnow
from crmflow.executions.stats import add_finished, write_stat_buckets
from crmflow.workflows.models import Workflow
from tests.conftest import Tenant
from tests.workflows.factories import BIG_ORG_WORKFLOW, create_workflow

URL = "/api/v1/workflows"


def _record(session: Session, workflow_id: int, statuses: list[str]) -> None:
    stats: dict[Any, list[Any]] = {}
    for i, status in enumerate(statuses):
        add_finished(
            stats,
            workflow_id=workflow_id,
            status=status,
            duration_ms=10.0,
            completed_at=utcnow() - timedelta(days=i % 3),
        )
    write_stat_buckets(session.connection(), stats)
    session.commit()


def _named(client: TestClient, tenant: Tenant, name: str) -> dict[str, Any]:
    return create_workflow(client, tenant.headers(), {**BIG_ORG_WORKFLOW, "name": name})


def _list(client: TestClient, tenant: Tenant, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"{URL}{query}", headers=tenant.headers("viewer"))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_success_rate_per_workflow(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    mixed = _named(client, tenant, "mixed")
    never = _named(client, tenant, "never")
    all_ok = _named(client, tenant, "all ok")
    statuses = ["success"] * 7 + ["failed", "partial", "skipped", "cancelled"]
    _record(writer_session, mixed["id"], statuses)
    _record(writer_session, all_ok["id"], ["success"] * 3)
    rates = {item["name"]: item["success_rate"] for item in _list(client, tenant)}
    # success / (success + partial + failed + rejected): 7 of 9; skipped and cancelled aside.
    assert rates == {"mixed": 77.8, "never": None, "all ok": 100.0}
    assert never["id"]  # listed with null, not 0.0: no finished runs
    # The detail body does not carry the list-only field.
    detail = client.get(f"{URL}/{mixed['id']}", headers=tenant.headers()).json()
    assert "success_rate" not in detail


def test_success_rate_uses_one_grouped_query(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    ids = [_named(client, tenant, f"wf {i}")["id"] for i in range(5)]
    for workflow_id in ids:
        _record(writer_session, workflow_id, ["success", "failed"])
    statements: list[str] = []

    def capture(*args: Any) -> None:
        statements.append(args[2])

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        items = _list(client, tenant)
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
    assert {item["success_rate"] for item in items} == {50.0}
    bucket_reads = [s for s in statements if "execution_stat_buckets" in s]
    assert len(bucket_reads) == 1, bucket_reads
    assert "workflow_executions" not in " ".join(statements)


def test_sort_orders(client: TestClient, tenant: Tenant, writer_session: Session) -> None:
    b = _named(client, tenant, "beta")
    a = _named(client, tenant, "Alpha")
    c = _named(client, tenant, "charlie")
    now = utcnow()
    values = {
        a["id"]: (5, now - timedelta(days=1)),
        b["id"]: (50, now),
        c["id"]: (0, None),
    }
    for workflow_id, (count, last) in values.items():
        writer_session.execute(
            update(Workflow)
            .where(Workflow.id == workflow_id)
            .values(execution_count=count, last_executed_at=last)
        )
    writer_session.commit()
    client.put(f"{URL}/{b['id']}", json={"description": "touched"}, headers=tenant.headers())

    def names(sort: str) -> list[str]:
        return [item["name"] for item in _list(client, tenant, f"?sort={sort}")]

    assert names("name") == ["Alpha", "beta", "charlie"]
    assert names("-name") == ["charlie", "beta", "Alpha"]
    assert names("execution_count") == ["charlie", "Alpha", "beta"]
    assert names("-execution_count") == ["beta", "Alpha", "charlie"]
    assert names("last_executed_at") == ["Alpha", "beta", "charlie"]  # never run: last
    assert names("-last_executed_at") == ["beta", "Alpha", "charlie"]
    assert names("-updated_at")[0] == "beta"
    assert _list(client, tenant)[0]["name"] == "beta"  # default
    assert names("updated_at")[-1] == "beta"


@pytest.mark.parametrize("bad", ["created", "-id", "status", "name;drop", ""])
def test_unknown_sort_is_422_naming_sort(client: TestClient, tenant: Tenant, bad: str) -> None:
    response = client.get(f"{URL}?sort={bad}", headers=tenant.headers())
    assert response.status_code == 422, response.text
    assert "sort" in response.text


def test_a_thousand_workflows_list_fast(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    now = utcnow()
    template = {
        "company_id": tenant.company_id,
        "description": "",
        "status": "draft",
        "trigger_type": "manual",
        "trigger_config": {},
        "actions": [],
        "is_template": False,
        "version_number": 1,
        "execution_count": 0,
        "created_at": now,
        "updated_at": now,
    }
    writer_session.execute(
        insert(Workflow), [{**template, "name": f"wf {i:04d}"} for i in range(1000)]
    )
    writer_session.commit()
    ids = [row.id for row in writer_session.query(Workflow.id).limit(500)]
    stats: dict[Any, list[Any]] = {}
    for workflow_id in ids:
        for status in ("success", "failed", "success"):
            add_finished(
                stats, workflow_id=workflow_id, status=status, duration_ms=5.0, completed_at=now
            )
    write_stat_buckets(writer_session.connection(), stats)
    writer_session.commit()
    started = time.perf_counter()
    response = client.get(f"{URL}?size=500&sort=-execution_count", headers=tenant.headers())
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 1000 and len(body["items"]) == 500
    assert elapsed < 2.0, elapsed
