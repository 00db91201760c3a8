"""A burst on the Celery runtime: one /metrics scrape of the API counts exactly what the
workers committed (real worker processes, PostgreSQL, Redis)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from crmflow.db.session import get_session_factory
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.main import create_app
from tests.conftest import make_tenant
from tests.integration.processes import (
    celery_stack,
    wait_until,
)

BROKER = "redis://127.0.0.1:6379/3"
BURST = 60


def test_a_scrape_equals_the_database_after_a_burst(pg_url: str, tmp_path: Path) -> None:
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    factory = get_session_factory(pg_url, writer=False)
    with (
        celery_stack(pg_url, BROKER, tmp_path) as settings,
        TestClient(create_app(settings)) as client,
    ):
        headers = tenant.headers()
        created = client.post(
            "/api/v1/workflows",
            headers=headers,
            json={
                "name": "burst",
                "trigger_type": "organisation_created",
                "status": "active",
                "conditions": {"organisation.name": {"$ne": "skip"}},
                "actions": [{"type": "create_task", "config": {"title": "t"}}],
            },
        )
        assert created.status_code == 201, created.text
        for n in range(BURST):
            name = "skip" if n % 10 == 0 else f"org {n}"
            response = client.post("/api/v1/organisations", headers=headers, json={"name": name})
            assert response.status_code == 201

        def all_done() -> bool:
            with factory() as session:
                finished = session.scalar(
                    select(func.count())
                    .select_from(WorkflowExecution)
                    .where(WorkflowExecution.status.in_(["success", "skipped"]))
                )
            return finished == BURST

        wait_until(all_done, 120, f"{BURST} executions to finish")
        text = client.get("/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    scraped = {
        s.labels["status"]: s.value
        for s in families["workflow_execution"].samples
        if s.name == "workflow_execution_total"
    }
    with factory() as session:
        in_db = dict(
            session.execute(
                select(WorkflowExecution.status, func.count()).group_by(WorkflowExecution.status)
            ).all()
        )
        tasks = session.scalar(
            select(func.count())
            .select_from(ExecutionStep)
            .where(ExecutionStep.type == "create_task", ExecutionStep.status == "success")
        )
    assert scraped == {status: float(n) for status, n in in_db.items()}, (scraped, in_db)
    assert in_db == {"success": BURST - BURST // 10, "skipped": BURST // 10}
    actions = {
        s.labels["action_type"]: s.value
        for s in families["action_execution"].samples
        if s.name == "action_execution_total"
    }
    assert actions == {"create_task": float(tasks)}
