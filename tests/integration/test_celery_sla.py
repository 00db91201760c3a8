"""SLA breaches on the Celery runtime: beat's relay tick finds a waiting run past its critical
threshold while it still waits (real worker and beat, PostgreSQL, Redis)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from crmflow.db.session import get_session_factory
from crmflow.executions.models import WorkflowExecution
from crmflow.main import create_app
from crmflow.sla.models import SLABreach
from tests.conftest import make_tenant
from tests.integration.processes import (
    celery_stack,
    wait_until,
)

BROKER = "redis://127.0.0.1:6379/4"


def test_beat_finds_a_breach_of_a_waiting_run_within_a_tick(pg_url: str, tmp_path: Path) -> None:
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    factory = get_session_factory(pg_url, writer=False)
    with (
        celery_stack(pg_url, BROKER, tmp_path) as settings,
        TestClient(create_app(settings)) as client,
    ):
        headers = tenant.headers()
        workflow = client.post(
            "/api/v1/workflows",
            headers=headers,
            json={
                "name": "waits",
                "trigger_type": "organisation_created",
                "status": "active",
                "actions": [{"type": "delay", "config": {"duration": "1 hour"}}],
            },
        )
        assert workflow.status_code == 201, workflow.text
        sla = client.post(
            "/api/v1/workflow/workflow-slas/",
            headers=headers,
            json={
                "workflow_id": workflow.json()["id"],
                "name": "3 seconds",
                "target_duration_seconds": 3,
                "warning_threshold_seconds": 2,
                "critical_threshold_seconds": 3,
            },
        )
        assert sla.status_code == 201, sla.text
        org = client.post("/api/v1/organisations", headers=headers, json={"name": "Initech"})
        assert org.status_code == 201

        def critical() -> bool:
            with factory() as session:
                return (
                    session.scalar(select(SLABreach).where(SLABreach.severity == "critical"))
                    is not None
                )

        wait_until(critical, 60, "a critical breach")
    with factory() as session:
        breaches = {b.severity: b for b in session.scalars(select(SLABreach))}
        run = session.scalars(select(WorkflowExecution)).one()
    assert set(breaches) == {"warning", "critical"}  # each once
    assert run.status == "waiting" and breaches["critical"].execution_status == "waiting"
    crossed = run.created_at + timedelta(seconds=3)
    # Beat's relay runs every second (CRMFLOW_SCHEDULER_INTERVAL=1): found within a few ticks.
    assert timedelta(0) < breaches["critical"].detected_at - crossed < timedelta(seconds=10)
