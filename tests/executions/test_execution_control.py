"""Cancel, retry and re-run executions through the API, with the embedded runtime running them."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.auth.service import create_user
from crmflow.crm.models import Task
from crmflow.db.base import utcnow
from crmflow.engine.options import RunOptions
from crmflow.executions import control
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.runner import run_batch
from tests.conftest import Tenant
from tests.runtime.helpers import FINISHED
from tests.workflows.factories import create_org, create_workflow

EXECUTIONS = "/api/v1/executions"


def _workflow(client: TestClient, tenant: Tenant, actions: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"name": "controlled", "trigger_type": "manual", "actions": actions}
    return create_workflow(client, tenant.headers(), body, active=True)


def _execute(
    client: TestClient, tenant: Tenant, workflow_id: int, *, wait: float = 5, **body: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/workflows/{workflow_id}/execute?wait={wait}", json=body, headers=tenant.headers()
    )
    assert response.status_code in (200, 202), response.text
    return dict(response.json())


def _detail(client: TestClient, tenant: Tenant, execution_id: int) -> dict[str, Any]:
    response = client.get(f"{EXECUTIONS}/{execution_id}", headers=tenant.headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def _wait_for(
    client: TestClient, tenant: Tenant, execution_id: int, statuses: set[str]
) -> dict[str, Any]:
    deadline = time.monotonic() + 10.0
    while True:
        detail = _detail(client, tenant, execution_id)
        if detail["status"] in statuses or time.monotonic() > deadline:
            assert detail["status"] in statuses, detail
            return detail
        time.sleep(0.02)


def _task_titles(session: Session) -> list[str]:
    session.rollback()
    return sorted(session.scalars(select(Task.title)))


def _stats(client: TestClient, tenant: Tenant, workflow_id: int) -> dict[str, Any]:
    return dict(
        client.get(f"/api/v1/workflows/{workflow_id}/stats", headers=tenant.headers()).json()
    )


def _control(
    client: TestClient, tenant: Tenant, execution_id: int, verb: str, role: str = "editor"
) -> Any:
    return client.post(f"{EXECUTIONS}/{execution_id}/{verb}", headers=tenant.headers(role))


DELAYED = [
    {"type": "delay", "config": {"duration": "1 hour"}},
    {"type": "create_task", "config": {"title": "after the delay", "assignee": None}},
]


def test_cancel_a_waiting_execution_stops_it_for_good(
    live_client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    workflow = _workflow(live_client, tenant, DELAYED)
    started = _execute(live_client, tenant, workflow["id"], wait=0)
    waiting = _wait_for(live_client, tenant, started["id"], {"waiting"})
    assert waiting["resume_at"] is not None and waiting["waiting_for"] in (None, "delay")

    response = _control(live_client, tenant, waiting["id"], "cancel")
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["error_message"] == "cancelled by editor@acme.test"
    assert cancelled["completed_at"] is not None and cancelled["duration_ms"] > 0
    assert cancelled["resume_at"] is None and cancelled["waiting_for"] is None
    assert [s["type"] for s in cancelled["steps"]] == ["delay"]

    # Even once its delay is over, nothing claims it: the later step never runs.
    writer_session.execute(
        update(WorkflowExecution)
        .where(WorkflowExecution.id == waiting["id"])
        .values(resume_at=utcnow() - timedelta(seconds=5))
    )
    writer_session.commit()
    assert run_batch(writer_session, [waiting["id"]], RunOptions()).outcome == {}
    time.sleep(0.6)  # a few scheduler relays (every 0.2 s)
    after = _detail(live_client, tenant, waiting["id"])
    assert after["status"] == "cancelled"
    assert [s["type"] for s in after["steps"]] == ["delay"]
    assert _task_titles(session) == []

    again = _control(live_client, tenant, waiting["id"], "cancel")
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]
    stats = _stats(live_client, tenant, workflow["id"])
    assert stats["cancelled_count"] == 1 and stats["total_executions"] == 1
    assert stats["waiting_count"] == 0
    refreshed = live_client.get(f"/api/v1/workflows/{workflow['id']}", headers=tenant.headers())
    assert refreshed.json()["execution_count"] == 1


def test_cancel_a_pending_execution_closes_its_open_approvals(
    client: TestClient, tenant: Tenant, writer_session: Session, session: Session
) -> None:
    workflow = _workflow(client, tenant, DELAYED)
    pending = _execute(client, tenant, workflow["id"], wait=0)  # no runtime: stays pending
    assert pending["status"] == "pending"
    for path, status in (("actions/0", "pending"), ("actions/1", "approved")):
        writer_session.add(
            ApprovalRequest(
                company_id=tenant.company_id,
                execution_id=pending["id"],
                workflow_id=workflow["id"],
                step_path=path,
                name="Sign off",
                status=status,
            )
        )
    writer_session.commit()

    response = _control(client, tenant, pending["id"], "cancel", role="admin")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled" and body["duration_ms"] is None  # it never started
    session.rollback()
    approvals = {
        a.step_path: a
        for a in session.scalars(
            select(ApprovalRequest).where(ApprovalRequest.execution_id == pending["id"])
        )
    }
    assert approvals["actions/0"].status == "cancelled"
    assert approvals["actions/0"].outcome_reason == "execution cancelled by admin@acme.test"
    assert approvals["actions/0"].decided_at is not None
    assert approvals["actions/1"].status == "approved"  # decided ones are history, untouched


def test_control_routes_check_role_company_and_existence(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    workflow = _workflow(client, tenant, DELAYED)
    pending = _execute(client, tenant, workflow["id"], wait=0)
    for verb in ("cancel", "retry", "rerun"):
        viewer = _control(client, tenant, pending["id"], verb, role="viewer")
        assert viewer.status_code == 403, (verb, viewer.text)
        foreign = _control(client, other_tenant, pending["id"], verb, role="admin")
        assert foreign.status_code == 404, (verb, foreign.text)
        unknown = _control(client, tenant, 999999, verb)
        assert unknown.status_code == 404, (verb, unknown.text)
    assert _detail(client, tenant, pending["id"])["status"] == "pending"
    retry = _control(client, tenant, pending["id"], "retry")
    assert retry.status_code == 409 and "pending" in retry.json()["detail"]


def test_retry_resumes_at_the_failed_step_and_counts_the_run_once(
    live_client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    workflow = _workflow(
        live_client,
        tenant,
        [
            {"type": "create_task", "config": {"title": "first", "assignee": "editor@acme.test"}},
            {
                "type": "create_task",
                "on_error": "stop",
                "config": {"title": "second", "assignee": "newbie@acme.test"},
            },
        ],
    )
    failed = _execute(live_client, tenant, workflow["id"])
    assert failed["status"] == "failed", failed
    assert "no user with email" in failed["error_message"]
    assert [s["status"] for s in failed["steps"]] == ["success", "failed"]
    first_step = failed["steps"][0]
    assert _stats(live_client, tenant, workflow["id"])["failed_count"] == 1

    newbie = create_user(
        writer_session, company_id=tenant.company_id, email="newbie@acme.test", role="viewer"
    )
    writer_session.commit()
    response = _control(live_client, tenant, failed["id"], "retry")
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] in ("pending", "running", "success") and queued["error_message"] is None

    done = _wait_for(live_client, tenant, failed["id"], FINISHED)
    assert done["status"] == "success", done
    assert done["error_message"] is None
    assert [(s["path"], s["status"]) for s in done["steps"]] == [
        ("actions/0", "success"),
        ("actions/1", "success"),
    ]
    assert done["steps"][0] == first_step  # kept from the first attempt, never re-run
    assert done["steps"][1]["output"]["assignee_id"] == newbie.id
    assert done["started_at"] == failed["started_at"]
    assert done["actions_executed"] == 2
    assert _task_titles(session) == ["first", "second"]

    stats = _stats(live_client, tenant, workflow["id"])
    assert stats["total_executions"] == 1
    assert stats["success_count"] == 1 and stats["failed_count"] == 0
    assert stats["success_rate"] == 100.0
    refreshed = live_client.get(f"/api/v1/workflows/{workflow['id']}", headers=tenant.headers())
    assert refreshed.json()["execution_count"] == 1

    again = _control(live_client, tenant, failed["id"], "retry")
    assert again.status_code == 409 and "success" in again.json()["detail"]
    finished = _control(live_client, tenant, failed["id"], "cancel")
    assert finished.status_code == 409 and "success" in finished.json()["detail"]


def test_rerun_starts_a_new_execution_on_the_current_version(
    live_client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = _workflow(
        live_client,
        tenant,
        [{"type": "create_task", "config": {"title": "v1 {{ organisation.name }}"}}],
    )
    org = create_org(live_client, tenant.headers(), name="Umbrella", owner_id=tenant.editor_id)
    original = _execute(
        live_client,
        tenant,
        workflow["id"],
        trigger_entity_type="organisation",
        trigger_entity_id=org["id"],
        trigger_data={"why": "test"},
    )
    assert original["status"] == "success" and original["version"] == 1
    assert original["rerun_of_id"] is None

    edited = live_client.put(
        f"/api/v1/workflows/{workflow['id']}",
        json={
            "actions": [{"type": "create_task", "config": {"title": "v2 {{ organisation.name }}"}}]
        },
        headers=tenant.headers(),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2
    deactivated = live_client.post(
        f"/api/v1/workflows/{workflow['id']}/activate",
        json={"status": "inactive"},
        headers=tenant.headers(),
    )
    assert deactivated.status_code == 200, deactivated.text

    response = _control(live_client, tenant, original["id"], "rerun")
    assert response.status_code == 201, response.text
    rerun = response.json()
    assert rerun["id"] != original["id"] and rerun["rerun_of_id"] == original["id"]
    assert rerun["version"] == 2 and rerun["trigger_type"] == "manual"
    assert rerun["trigger_entity_type"] == "organisation"
    assert rerun["trigger_entity_id"] == org["id"]
    assert rerun["trigger_data"] == original["trigger_data"]
    assert rerun["causation_depth"] == 0 and rerun["event_id"] is None

    done = _wait_for(live_client, tenant, rerun["id"], FINISHED)
    assert done["status"] == "success", done
    assert _task_titles(session) == ["v1 Umbrella", "v2 Umbrella"]
    listed = live_client.get(
        f"{EXECUTIONS}?workflow_id={workflow['id']}", headers=tenant.headers()
    ).json()
    assert {e["id"]: e["rerun_of_id"] for e in listed["items"]} == {
        original["id"]: None,
        rerun["id"]: original["id"],
    }
    # The original is untouched, and may be re-run again.
    assert _detail(live_client, tenant, original["id"])["status"] == "success"
    second = _control(live_client, tenant, original["id"], "rerun")
    assert second.status_code == 201 and second.json()["id"] not in (original["id"], rerun["id"])


@pytest.mark.parametrize(
    ("verb", "stale", "final"), [("cancel", "waiting", "success"), ("retry", "failed", "running")]
)
def test_a_run_finishing_during_the_request_wins(
    client: TestClient,
    tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
    verb: str,
    stale: str,
    final: str,
) -> None:
    workflow = _workflow(client, tenant, DELAYED)
    pending = _execute(client, tenant, workflow["id"], wait=0)
    locked = control._locked

    def read_then_lose_the_race(session: Session, **kwargs: Any) -> Any:
        # The read still sees the old status; a worker changes the row before the UPDATE.
        row = locked(session, **kwargs)
        session.execute(
            update(WorkflowExecution).where(WorkflowExecution.id == row.id).values(status=final)
        )
        return SimpleNamespace(**{**row._asdict(), "status": stale})

    monkeypatch.setattr(control, "_locked", read_then_lose_the_race)
    response = _control(client, tenant, pending["id"], verb)
    assert response.status_code == 409, response.text
    assert final in response.json()["detail"]
    stats = _stats(client, tenant, workflow["id"])
    assert stats["cancelled_count"] == 0 and stats["failed_count"] == 0
