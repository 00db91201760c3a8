"""Failure streaks (with optional deactivation) and multi-window burn-rate alerts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.crm.models import Notification
from crmflow.db import base
from crmflow.sla.alerts import AlertSettings
from crmflow.sla.service import HEALTH_EVERY, scan_and_alert
from crmflow.workflows.models import Workflow
from tests.conftest import Tenant
from tests.engine.flow_support import Clock, dispatch, new_org, run, start_workflow
from tests.sla.support import create_sla

QUIET = AlertSettings(emails_enabled=False, recipients=(), public_url="http://crm.test")
ALERTS = "/api/v1/workflow/workflow-alerts/"


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def _check(writer_session: Session, clock: Clock) -> None:
    clock.advance(HEALTH_EVERY)
    scan_and_alert(writer_session, QUIET)


def _alerts(client: TestClient, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = client.get(ALERTS, params=params, headers=tenant.headers())
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _runs(client: TestClient, tenant: Tenant, writer_session: Session, *names: str) -> list[str]:
    for name in names:
        new_org(client, tenant, name=name)
    return list(run(writer_session, dispatch(writer_session)).values())


FLAKY = {
    "actions": [
        {
            "type": "assign_user",
            "when": {"organisation.name": {"$starts_with": "fail"}},
            "config": {"user": "nobody@nowhere.test"},
            "on_error": "stop",
        }
    ]
}


def test_three_failures_in_a_row_alert_once_and_a_success_clears_it(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    workflow = start_workflow(client, tenant, FLAKY)
    assert _runs(client, tenant, writer_session, "fail 1", "fail 2") == ["failed"] * 2
    _check(writer_session, clock)
    assert _alerts(client, tenant) == []  # two is not a streak of three
    assert _runs(client, tenant, writer_session, "fail 3") == ["failed"]
    _check(writer_session, clock)
    _check(writer_session, clock)
    [alert] = _alerts(client, tenant, open="true")
    assert alert["kind"] == "failure_streak" and alert["workflow_id"] == workflow["id"]
    assert "failed 3 times in a row" in alert["message"] and not alert["details"]["deactivated"]
    notes = writer_session.scalars(
        select(Notification).where(Notification.source_step_key.like("failure-streak:%"))
    ).all()
    assert len(notes) == 1 and notes[0].user_id == tenant.admin_id
    writer_session.rollback()  # a writer session holds SQLite's write lock until it ends
    assert _runs(client, tenant, writer_session, "fine") == ["success"]
    _check(writer_session, clock)
    assert _alerts(client, tenant, open="true") == []
    [resolved] = _alerts(client, tenant)
    assert resolved["resolved_at"] is not None
    # A new streak is a new alert.
    assert _runs(client, tenant, writer_session, "fail 4", "fail 5", "fail 6") == ["failed"] * 3
    _check(writer_session, clock)
    assert len(_alerts(client, tenant, open="true")) == 1 and len(_alerts(client, tenant)) == 2


def test_a_streak_can_deactivate_the_workflow(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    workflow = start_workflow(client, tenant, FLAKY)
    url = f"/api/v1/workflow/workflow-alerting/{workflow['id']}/"
    assert client.get(url, headers=tenant.headers()).json() == {
        "workflow_id": workflow["id"],
        "failure_streak": 3,
        "deactivate_on_streak": False,
    }
    bad = client.put(url, json={"failure_streak": 0}, headers=tenant.headers())
    assert bad.status_code == 422 and "failure_streak" in bad.text
    put = client.put(
        url, json={"failure_streak": 2, "deactivate_on_streak": True}, headers=tenant.headers()
    )
    assert put.status_code == 200 and put.json()["failure_streak"] == 2
    assert _runs(client, tenant, writer_session, "fail a", "fail b") == ["failed"] * 2
    _check(writer_session, clock)
    [alert] = _alerts(client, tenant)
    assert alert["details"]["deactivated"] and "deactivated" in alert["message"]
    writer_session.rollback()
    assert writer_session.get_one(Workflow, workflow["id"]).status == "inactive"


def _slow_runs(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock, count: int
) -> None:
    """`count` runs that each take two minutes (a one-minute delay, resumed later)."""
    ids = []
    for n in range(count):
        new_org(client, tenant, name=f"slow {n}")
    ids = dispatch(writer_session)
    assert set(run(writer_session, ids).values()) == {"waiting"}
    clock.advance(timedelta(minutes=2))
    assert set(run(writer_session, ids).values()) == {"success"}


def _slo(client: TestClient, tenant: Tenant) -> int:
    workflow = start_workflow(
        client, tenant, {"actions": [{"type": "delay", "config": {"duration": "1 minute"}}]}
    )
    sla = create_sla(
        client,
        tenant,
        workflow["id"],
        name="a second",
        target_duration_seconds=1,
        warning_threshold_seconds=1,
        critical_threshold_seconds=1,
    )
    return int(sla["id"])


def test_a_burning_slo_pages_and_opens_a_ticket_once(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    sla_id = _slo(client, tenant)
    _slow_runs(client, tenant, writer_session, clock, 12)
    _check(writer_session, clock)
    _check(writer_session, clock)
    alerts = {a["kind"]: a for a in _alerts(client, tenant, open="true")}
    assert set(alerts) == {"burn_rate_page", "burn_rate_ticket"}
    page = alerts["burn_rate_page"]
    assert page["sla_id"] == sla_id and "100.0x over 1 h" in page["message"]
    assert "alert above 14.4x" in page["message"]


def test_too_few_runs_page_nobody(
    client: TestClient, tenant: Tenant, writer_session: Session, clock: Clock
) -> None:
    _slo(client, tenant)
    _slow_runs(client, tenant, writer_session, clock, 5)  # below the 10-run minimum
    _check(writer_session, clock)
    assert _alerts(client, tenant) == []
