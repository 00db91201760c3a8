"""Parallel paths, business-hours delays, step retries and run policies, walked by the runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.crm.models import Task
from crmflow.db import base
from crmflow.db.base import utcnow
from tests.conftest import Tenant
from tests.engine.flow_support import (
    Clock,
    dispatch,
    execution,
    new_org,
    run,
    start_workflow,
    steps,
    titles,
)


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def task(title: str, **extra: object) -> dict[str, object]:
    return {"type": "create_task", "config": {"title": title}, **extra}


MISSING_ASSIGNEE = {"title": "assigned", "assignee": "later@acme.test"}


def test_parallel_paths_wait_independently_and_join(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {
                    "type": "parallel",
                    "branches": [
                        {
                            "name": "slow",
                            "actions": [
                                {"type": "delay", "config": {"duration": "1h"}},
                                task("slow done"),
                            ],
                        },
                        [{"type": "delay", "config": {"duration": "2h"}}, task("slower done")],
                        [task("fast")],
                    ],
                },
                task("joined"),
            ]
        },
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    assert titles(session, Task) == ["fast"]
    waiting = execution(session, execution_id)
    assert waiting.waiting_for == "delay"
    assert timedelta(minutes=59) < waiting.resume_at - utcnow() <= timedelta(hours=1)
    assert "actions/0" not in steps(session, execution_id)  # joined only when all paths end

    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    assert titles(session, Task) == ["fast", "slow done"]
    # Woken for the first path: the second path's delay is not over and waits again.
    waiting = execution(session, execution_id)
    assert timedelta(minutes=58) < waiting.resume_at - utcnow() <= timedelta(minutes=60)

    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [execution_id]) == {execution_id: "success"}
    assert titles(session, Task) == ["fast", "joined", "slow done", "slower done"]
    joined = steps(session, execution_id)["actions/0"]
    assert joined.status == "success" and joined.message == "3 branches joined"
    assert [b["status"] for b in joined.output["branches"]] == ["success"] * 3
    assert run(writer_session, [execution_id]) == {}  # nothing runs twice


@pytest.mark.parametrize(("lane_on_error", "final"), [("stop", "failed"), ("continue", "partial")])
def test_a_failed_parallel_path_follows_its_on_error(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    lane_on_error: str,
    final: str,
) -> None:
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {
                    "type": "parallel",
                    "branches": [
                        {
                            "name": "assign",
                            "on_error": lane_on_error,
                            "actions": [
                                {
                                    "type": "create_task",
                                    "on_error": "stop",
                                    "config": MISSING_ASSIGNEE,
                                },
                                task("never"),
                            ],
                        },
                        [task("other path")],
                    ],
                },
                task("after join"),
            ]
        },
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: final}
    expected = ["other path"] + (["after join"] if final == "partial" else [])
    assert titles(session, Task) == sorted(expected)
    joined = steps(session, execution_id)["actions/0"]
    assert joined.status == "failed"
    assert "later@acme.test" in (joined.error or "")
    assert [b["status"] for b in joined.output["branches"]] == ["failed", "success"]
    if final == "failed":
        assert "branch assign" in (execution(session, execution_id).error_message or "")


def test_parallel_without_branches_is_refused(client: TestClient, tenant: Tenant) -> None:
    body = {
        "name": "x",
        "trigger_type": "manual",
        "actions": [{"type": "parallel", "branches": []}],
    }
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 422
    assert "actions[0].branches" in response.text


def test_delay_counts_business_hours(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    clock.set(datetime(2026, 11, 27, 16, 0, tzinfo=UTC))  # a Friday, 16:00 UTC
    hours = {"start": "09:00", "end": "18:00", "days": ["mon", "tue", "wed", "thu", "fri"]}
    start_workflow(
        client,
        tenant,
        {"actions": [{"type": "delay", "config": {"duration": "4h", "business_hours": hours}}]},
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    resume_at = execution(session, execution_id).resume_at
    assert resume_at is not None
    assert resume_at.replace(second=0, microsecond=0) == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def test_retry_policy_backs_off_durably_and_keeps_every_attempt(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    retry = {"max_attempts": 3, "backoff": "exponential", "initial": "30s", "max": "1h"}
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {"type": "create_task", "config": MISSING_ASSIGNEE, "retry": retry},
                task("next"),
            ]
        },
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    first = execution(session, execution_id)
    assert first.waiting_for == "retry"
    assert timedelta(seconds=25) < first.resume_at - utcnow() <= timedelta(seconds=30)
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "pending" and record.attempt == 1
    assert "attempt 1 of 3 failed" in (record.message or "")

    clock.advance(timedelta(seconds=31))
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    second = execution(session, execution_id)
    assert timedelta(seconds=55) < second.resume_at - utcnow() <= timedelta(seconds=60)

    client.post(
        "/api/v1/users",
        json={"email": "later@acme.test", "role": "viewer"},
        headers=tenant.headers(),
    ).raise_for_status()
    clock.advance(timedelta(seconds=61))
    assert run(writer_session, [execution_id]) == {execution_id: "success"}
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "success" and record.attempt == 3
    assert [a["status"] for a in record.attempts] == ["failed", "failed", "success"]
    assert "later@acme.test" in record.attempts[0]["error"]
    assert titles(session, Task) == ["assigned", "next"]
    shown = client.get(f"/api/v1/executions/{execution_id}", headers=tenant.headers()).json()
    assert [a["attempt"] for a in shown["steps"][0]["attempts"]] == [1, 2, 3]


def test_retry_policy_gives_up_after_max_attempts(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    retry = {"max_attempts": 2, "backoff": "fixed", "initial": "10s"}
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {
                    "type": "create_task",
                    "on_error": "stop",
                    "config": MISSING_ASSIGNEE,
                    "retry": retry,
                },
                task("never"),
            ]
        },
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    clock.advance(timedelta(seconds=11))
    assert run(writer_session, [execution_id]) == {execution_id: "failed"}
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "failed" and record.attempt == 2
    assert record.message == "failed after 2 attempts"
    assert titles(session, Task) == []


DELAYED = [{"type": "delay", "config": {"duration": "1h"}}, task("done {{ execution.id }}")]


def _two_updates(
    client: TestClient, tenant: Tenant, writer_session: Session, mode: str
) -> tuple[int, int]:
    start_workflow(
        client,
        tenant,
        {"trigger_type": "organisation_updated", "actions": DELAYED, "run_policy": {"mode": mode}},
    )
    org = new_org(client, tenant)
    executions = []
    for amount in (1, 2):
        client.patch(
            f"/api/v1/organisations/{org['id']}",
            json={"potential_amount": amount},
            headers=tenant.headers(),
        ).raise_for_status()
        [execution_id] = dispatch(writer_session)
        executions.append(execution_id)
        run(writer_session, [execution_id])
    return executions[0], executions[1]


def test_run_mode_single_drops_a_second_run_for_the_same_record(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    first, second = _two_updates(client, tenant, writer_session, "single")
    assert execution(session, first).status == "waiting"
    dropped = execution(session, second)
    assert dropped.status == "skipped"
    assert f"run mode single: execution #{first} is in progress" in dropped.decision["explanation"]


def test_run_mode_restart_cancels_the_run_in_progress(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    first, second = _two_updates(client, tenant, writer_session, "restart")
    cancelled = execution(session, first)
    assert cancelled.status == "cancelled"
    assert f"restarted by execution #{second}" in (cancelled.error_message or "")
    assert execution(session, second).status == "waiting"
    stats = client.get(
        f"/api/v1/workflows/{cancelled.workflow_id}/stats", headers=tenant.headers()
    ).json()
    assert stats["cancelled_count"] == 1


def test_run_mode_queued_waits_for_the_run_ahead(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    first, second = _two_updates(client, tenant, writer_session, "queued")
    queued = execution(session, second)
    assert queued.status == "waiting" and queued.waiting_for == "queue"
    assert f"waits for execution #{first}" in queued.decision["queued"]
    assert steps(session, second) == {}
    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [first]) == {first: "success"}
    woken = execution(session, second)
    assert woken.resume_at is not None and woken.resume_at <= utcnow()  # woken by the finish
    assert run(writer_session, [second]) == {second: "waiting"}  # now in its own delay
    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [second]) == {second: "success"}
    assert titles(session, Task) == [f"done {first}", f"done {second}"]


@pytest.mark.parametrize("rule", ["never", {"after_days": 2}])
def test_reenrollment_rules(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    clock: Clock,
    rule: object,
) -> None:
    workflow = start_workflow(
        client,
        tenant,
        {
            "trigger_type": "organisation_updated",
            "actions": [task("enrolled")],
            "run_policy": {"reenrollment": rule},
        },
    )
    assert workflow["run_policy"] == {"mode": "parallel", "reenrollment": rule}
    org = new_org(client, tenant)
    other = new_org(client, tenant, name="Hooli")
    outcomes = []
    for org_id, amount, days_later in (
        (org["id"], 1, 0),
        (other["id"], 1, 0),
        (org["id"], 2, 1),
        (org["id"], 3, 3),
    ):
        clock.advance(timedelta(days=days_later))
        client.patch(
            f"/api/v1/organisations/{org_id}",
            json={"potential_amount": amount},
            headers=tenant.headers(),
        ).raise_for_status()
        [execution_id] = dispatch(writer_session)
        outcomes.append(run(writer_session, [execution_id])[execution_id])
    third = "skipped"
    fourth = "skipped" if rule == "never" else "success"
    assert outcomes == ["success", "success", third, fourth]


def test_rerun_ignores_reenrollment(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    start_workflow(
        client,
        tenant,
        {"actions": [task("enrolled")], "run_policy": {"reenrollment": "never"}},
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "success"}
    response = client.post(f"/api/v1/executions/{execution_id}/rerun", headers=tenant.headers())
    assert response.status_code == 201, response.text
    rerun_id = response.json()["id"]
    assert run(writer_session, [rerun_id]) == {rerun_id: "success"}
    assert titles(session, Task) == ["enrolled", "enrolled"]


def test_self_triggering_workflow_is_saved_with_a_warning(
    client: TestClient, tenant: Tenant
) -> None:
    body = {
        "name": "touch",
        "trigger_type": "organisation_updated",
        "actions": [{"type": "update_field", "config": {"field": "category", "value": "x"}}],
    }
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    [warning] = response.json()["warnings"]
    assert "re-trigger itself" in warning and "actions[0]" in warning
    quiet = {**body, "name": "quiet", "actions": [task("x")]}
    assert (
        client.post("/api/v1/workflows", json=quiet, headers=tenant.headers()).json()["warnings"]
        == []
    )


def test_cancelling_the_run_ahead_starts_the_queued_one(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    first, second = _two_updates(client, tenant, writer_session, "queued")
    response = client.post(f"/api/v1/executions/{first}/cancel", headers=tenant.headers())
    assert response.status_code == 200, response.text
    woken = execution(session, second)
    assert woken.resume_at is not None and woken.resume_at <= utcnow()
    assert run(writer_session, [second]) == {second: "waiting"}  # in its own delay now
    assert execution(session, second).waiting_for == "delay"
