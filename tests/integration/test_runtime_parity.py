"""The same 500-event burst gives identical results on the embedded runtime (SQLite) and on
the Celery runtime (PostgreSQL, a real worker): executions, steps, tasks, tags, messages."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from crmflow.config import Settings
from crmflow.crm.models import Notification, Organisation, Task
from crmflow.db import signals
from crmflow.db.migrate import upgrade
from crmflow.db.session import get_session_factory
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.main import create_app
from crmflow.workflows.models import Workflow
from tests.conftest import make_tenant
from tests.integration.processes import celery_env, purge_queue, start_worker, stop, wait_until

EVENTS = 500
BROKER = "redis://127.0.0.1:6379/9"
WORKFLOWS: list[dict[str, Any]] = [
    {
        "name": "big accounts",
        "trigger_type": "organisation_created",
        "conditions": {"organisation.potential_amount": {"$gt": 50000}},
        "actions": [
            {"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}},
            {"type": "add_tag", "config": {"tag": "big"}},
            {
                "type": "send_notification",
                "config": {
                    "message": "{{ organisation.name }}: {{ organisation.potential_amount }}"
                },
            },
        ],
    },
    {
        "name": "triage",
        "trigger_type": "organisation_created",
        "actions": [
            {
                "type": "branch",
                "branches": [
                    {
                        "when": {"organisation.potential_amount": {"$gt": 80000}},
                        "actions": [
                            {
                                "type": "create_task",
                                "config": {"title": "VIP {{ organisation.name }}"},
                            }
                        ],
                    },
                    {
                        "when": {"organisation.category": "retail"},
                        "actions": [{"type": "add_tag", "config": {"tag": "retail"}}],
                    },
                ],
                "else": [
                    {"type": "stop", "config": {"status": "skipped", "reason": "nothing to do"}}
                ],
            },
            {"type": "add_tag", "config": {"tag": "triaged"}},
        ],
    },
]


def _burst(client: TestClient, headers: dict[str, str]) -> None:
    for workflow in WORKFLOWS:
        response = client.post(
            "/api/v1/workflows", headers=headers, json={**workflow, "status": "active"}
        )
        assert response.status_code == 201, response.text
    for n in range(EVENTS):
        body = {
            "name": f"org {n:03d}",
            "potential_amount": (n * 7919) % 100_000,
            "category": ("retail", "software", "energy")[n % 3],
        }
        assert client.post("/api/v1/organisations", headers=headers, json=body).status_code == 201


def _results(url: str) -> dict[str, Any]:
    """Everything the burst produced, keyed by names (ids differ between databases)."""
    factory = get_session_factory(url, writer=False)

    def finished() -> bool:
        with factory() as session:
            statuses = list(session.scalars(select(WorkflowExecution.status)))
        return len(statuses) == EVENTS * len(WORKFLOWS) and not {"pending", "running"} & set(
            statuses
        )

    wait_until(finished, 120, f"{EVENTS * len(WORKFLOWS)} finished executions")
    with factory() as session:
        executions = Counter(
            session.execute(
                select(Workflow.name, WorkflowExecution.status).join(
                    Workflow, Workflow.id == WorkflowExecution.workflow_id
                )
            ).all()
        )
        steps = Counter(
            session.execute(
                select(Workflow.name, ExecutionStep.path, ExecutionStep.status)
                .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
                .join(Workflow, Workflow.id == WorkflowExecution.workflow_id)
            ).all()
        )
        tasks = Counter(session.scalars(select(Task.title)))
        messages = Counter(session.scalars(select(Notification.message)))
        tags = {
            name: sorted(tags or [])
            for name, tags in session.execute(select(Organisation.name, Organisation.tags))
        }
    return {
        "executions": executions,
        "steps": steps,
        "tasks": tasks,
        "messages": messages,
        "tags": tags,
    }


def _embedded(tmp_path: Path) -> dict[str, Any]:
    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    upgrade(url)
    with get_session_factory(url)() as session:
        tenant = make_tenant(session, "Acme")
    with TestClient(create_app(Settings(CRMFLOW_DATABASE_URL=url))) as client:
        _burst(client, tenant.headers())
        return _results(url)


def _celery(pg_url: str, tmp_path: Path) -> dict[str, Any]:
    with get_session_factory(pg_url)() as session:
        tenant = make_tenant(session, "Acme")
    purge_queue(BROKER)
    worker = start_worker(celery_env(pg_url, BROKER), tmp_path / "worker.log", new_session=True)
    settings = Settings(
        CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=pg_url, CELERY_BROKER_URL=BROKER
    )
    try:
        with TestClient(create_app(settings)) as client:
            _burst(client, tenant.headers())
            return _results(pg_url)
    finally:
        signals.unsubscribe_all()
        stop(worker)


def test_a_500_event_burst_gives_identical_results_on_both_runtimes(
    pg_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    embedded = _embedded(tmp_path)
    celery = _celery(pg_url, tmp_path)
    assert embedded["executions"] == celery["executions"]
    assert embedded["steps"] == celery["steps"]
    assert embedded["tasks"] == celery["tasks"]
    assert embedded["messages"] == celery["messages"]
    assert embedded["tags"] == celery["tags"]
    # The burst exercised every path: runs and skips, both branches, the else and its stop.
    statuses = {status for (_, status) in embedded["executions"]}
    assert statuses == {"success", "skipped"}, embedded["executions"]
    assert sum(embedded["tasks"].values()) > 100 and len(embedded["tags"]) == EVENTS
    assert time.monotonic() - started < 300
