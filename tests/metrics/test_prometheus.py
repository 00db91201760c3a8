"""/metrics: the seed's families read from the database, equal to its counts, promtool-clean,
monotonic through pruning, with every active SLA's thresholds among the histogram buckets."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.db import base
from crmflow.executions.models import WorkflowExecution
from crmflow.runtime.jobs import prune_executions
from crmflow.sla.alerts import AlertSettings
from crmflow.sla.service import scan_and_alert
from tests.conftest import Tenant
from tests.engine.flow_support import Clock, dispatch, new_org, run, start_workflow
from tests.sla.support import create_sla

SEED_FAMILIES = {
    "workflow_execution",
    "workflow_execution_duration_seconds",
    "workflow_simulation",
    "workflow_simulation_duration_seconds",
    "workflow_sla_breach",
    "workflow_sla_target_seconds",
    "workflow_sla_percentage",
    "workflow_suggestion",
    "workflow_suggestion_confidence",
    "action_execution",
    "action_execution_duration_seconds",
    "action_success_rate",
}


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def scrape(client: TestClient) -> tuple[str, dict[str, Any]]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    return response.text, families


def sample(families: dict[str, Any], name: str, family: str | None = None, **labels: str) -> float:
    for s in families[family or name].samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return float(s.value)
    raise AssertionError(f"no sample {name}{labels}")


def _history(client: TestClient, tenant: Tenant, writer_session: Session) -> dict[str, Any]:
    """Runs that succeed, fail and are skipped, an SLA breached, a simulation."""
    workflow = start_workflow(
        client,
        tenant,
        {
            "conditions": {"organisation.name": {"$ne": "skip me"}},
            "actions": [
                {"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}},
                {
                    "type": "assign_user",
                    "when": {"organisation.name": {"$eq": "fail me"}},
                    "config": {"user": "nobody@nowhere.test"},
                    "on_error": "stop",
                },
            ],
        },
    )
    for name in ("a", "b", "fail me", "skip me"):
        new_org(client, tenant, name=name)
    ids = dispatch(writer_session)
    outcome = run(writer_session, ids)
    assert sorted(outcome.values()) == ["failed", "skipped", "success", "success"], outcome
    create_sla(
        client,
        tenant,
        workflow["id"],
        name="fast",
        target_duration_seconds=240,
        warning_threshold_seconds=120,
        critical_threshold_seconds=240,
    )
    simulated = client.post(
        "/api/v1/workflow/workflow-simulations/",
        headers=tenant.headers(),
        json={"workflow_id": workflow["id"], "input_data": {"name": "x"}},
    )
    assert simulated.status_code == 201
    return workflow


def test_every_seed_family_is_exposed_and_equals_the_database(
    client: TestClient, tenant: Tenant, writer_session: Session, session: Session
) -> None:
    _history(client, tenant, writer_session)
    text, families = scrape(client)
    assert set(families) >= SEED_FAMILIES, SEED_FAMILIES - set(families)
    session.rollback()
    in_db = dict(
        session.execute(
            select(WorkflowExecution.status, func.count()).group_by(WorkflowExecution.status)
        ).all()
    )
    for status, count in in_db.items():
        value = sample(
            families,
            "workflow_execution_total",
            "workflow_execution",
            workflow_type="organisation_created",
            status=status,
        )
        assert value == count, (status, value, count)
    buckets = {
        s.labels["le"]
        for s in families["workflow_execution_duration_seconds"].samples
        if s.name.endswith("_bucket")
    }
    assert {"120.0", "240.0"} <= buckets  # the SLA's thresholds are bucket edges
    assert (
        sample(
            families,
            "workflow_execution_duration_seconds_count",
            "workflow_execution_duration_seconds",
            workflow_type="organisation_created",
        )
        == 4
    )
    assert (
        sample(
            families,
            "action_execution_total",
            "action_execution",
            action_type="create_task",
            latency_class="instant",
        )
        == 3
    )
    assert sample(families, "action_success_rate", action_type="assign_user") == 0.0
    assert sample(families, "action_success_rate", action_type="create_task") == 1.0
    assert (
        sample(families, "workflow_simulation_total", "workflow_simulation", status="completed")
        == 1
    )
    assert (
        sample(families, "workflow_sla_target_seconds", workflow_name="flow", sla_name="fast")
        == 240
    )
    # No run of the window has... every finished run acted quickly: 100 % within the target.
    assert (
        sample(families, "workflow_sla_percentage", workflow_name="flow", sla_name="fast") == 100.0
    )
    assert families["workflow_suggestion"].samples == []  # not built yet: no figure, no lie
    assert "workflow_execution_total{" in text


def test_promtool_finds_no_problem(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: `make test` installs Debian's prometheus package"
    _history(client, tenant, writer_session)
    waits = start_workflow(
        client,
        tenant,
        {"actions": [{"type": "delay", "config": {"duration": "1 day"}}]},
        name="slow one",
    )
    new_org(client, tenant, name="waits")
    ids = dispatch(writer_session)
    assert list(run(writer_session, ids).values()).count("waiting") == 1
    create_sla(
        client,
        tenant,
        waits["id"],
        name="a minute",
        target_duration_seconds=60,
        warning_threshold_seconds=30,
        critical_threshold_seconds=60,
    )
    clock.advance(timedelta(minutes=5))
    assert scan_and_alert(writer_session, AlertSettings(False, (), "http://crm.test")) == 2
    text, families = scrape(client)
    critical = {"severity": "critical", "workflow_name": "slow one"}
    assert sample(families, "workflow_sla_breach_total", "workflow_sla_breach", **critical) == 1
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60
    )
    problems = (checked.stdout + checked.stderr).decode()
    assert checked.returncode == 0 and problems == "", problems


def test_counters_never_go_down_when_old_runs_are_pruned(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    _history(client, tenant, writer_session)
    _, before = scrape(client)
    clock.advance(timedelta(days=200))
    assert prune_executions(writer_session, now=base.utcnow(), retention_days=90) == 4
    _, after = scrape(client)
    for status in ("success", "failed", "skipped"):
        labels = {"workflow_type": "organisation_created", "status": status}
        assert sample(after, "workflow_execution_total", "workflow_execution", **labels) == sample(
            before, "workflow_execution_total", "workflow_execution", **labels
        )
    assert (
        sample(
            after,
            "action_execution_total",
            "action_execution",
            action_type="create_task",
            latency_class="instant",
        )
        == 3
    )
