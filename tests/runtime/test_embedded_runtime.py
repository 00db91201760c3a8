"""End-to-end through the embedded runtime: CRM change -> event -> execution -> effects."""

from __future__ import annotations

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.db.base import utcnow
from crmflow.events.models import Event
from crmflow.executions.models import WorkflowExecution
from crmflow.runtime.dispatcher import dispatch_pending_events
from tests.conftest import Tenant
from tests.runtime.helpers import wait_for_executions
from tests.workflows.factories import create_org, create_workflow


def _template(client: TestClient, tenant: Tenant, slug: str) -> dict:
    created = client.post(f"/api/v1/workflows/templates/{slug}/create", headers=tenant.headers())
    assert created.status_code == 201, created.text
    workflow = created.json()
    client.post(
        f"/api/v1/workflows/{workflow['id']}/activate",
        json={"status": "active"},
        headers=tenant.headers(),
    )
    return workflow


def test_alert_template_runs_within_two_seconds_and_says_its_email_was_not_sent(
    live_client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = _template(live_client, tenant, "alerte-manager-deal-50k")
    started = time.monotonic()
    org = create_org(
        live_client,
        tenant.headers(),
        name="Big Co",
        potential_amount=75000,
        owner_id=tenant.editor_id,
    )
    [execution] = wait_for_executions(
        live_client, tenant.headers(), count=1, timeout=2.0, workflow_id=workflow["id"]
    )
    assert time.monotonic() - started < 2.0
    # No SMTP server here: the email is not sent, so the run completed with errors.
    assert execution["status"] == "partial" and execution["steps_failed"] == 1
    assert execution["trigger_entity_id"] == org["id"]
    email = session.scalar(select(OutgoingEmail))
    assert email is not None and email.to == ["manager@acme.test"]
    assert email.subject == "Gros potentiel : Big Co" and email.status == "failed"
    assert (email.error or "").startswith("not sent: no SMTP server")
    note = session.scalar(select(Notification).where(Notification.user_id == tenant.manager_id))
    assert note is not None and "75,000.00" in note.message


def test_alert_template_skips_small_amounts_and_says_why(
    live_client: TestClient, tenant: Tenant
) -> None:
    workflow = _template(live_client, tenant, "alerte-manager-deal-50k")
    create_org(live_client, tenant.headers(), potential_amount=10000, owner_id=tenant.editor_id)
    [execution] = wait_for_executions(
        live_client, tenant.headers(), count=1, timeout=2.0, workflow_id=workflow["id"]
    )
    assert execution["status"] == "skipped"
    detail = live_client.get(
        f"/api/v1/executions/{execution['id']}", headers=tenant.headers()
    ).json()
    assert detail["decision"]["rule"] == {
        "field": "organisation.potential_amount",
        "operator": ">",
        "value": 50000,
    }
    assert detail["decision"]["actual"] == 10000
    assert detail["decision"]["explanation"] == "organisation.potential_amount = 10000, not > 50000"
    assert detail["steps"] == []


def test_stage_change_runs_onboarding_only_for_matching_transition(
    live_client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = _template(live_client, tenant, "onboarding-nouveau-client")
    org = create_org(live_client, tenant.headers(), email="hello@client.test")
    deal = live_client.post(
        "/api/v1/deals",
        json={
            "title": "Mandate",
            "amount": 20000,
            "stage": "qualification",
            "organisation_id": org["id"],
            "owner_id": tenant.editor_id,
        },
        headers=tenant.headers(),
    ).json()
    url = f"/api/v1/deals/{deal['id']}"
    live_client.patch(url, json={"stage": "proposition"}, headers=tenant.headers())
    live_client.patch(url, json={"stage": "signed"}, headers=tenant.headers())
    [execution] = wait_for_executions(
        live_client, tenant.headers(), count=1, workflow_id=workflow["id"]
    )
    # Its welcome email is not sent (no SMTP server here): the three other actions ran.
    assert execution["status"] == "partial" and execution["actions_executed"] == 3
    titles = sorted(session.scalars(select(Task.title)))
    assert titles == ["Appel de bienvenue : Initech", "Envoyer documents : Initech"]
    email = session.scalar(select(OutgoingEmail))
    assert email is not None and email.to == ["hello@client.test"]
    time.sleep(0.3)  # the qualification -> proposition change must not have started a run
    total = live_client.get(
        f"/api/v1/workflows/{workflow['id']}/executions", headers=tenant.headers()
    ).json()["total"]
    assert total == 1


def test_loop_guard_stops_a_workflow_that_retriggers_itself(
    live_client: TestClient, tenant: Tenant
) -> None:
    workflow = create_workflow(
        live_client,
        tenant.headers(),
        {
            "name": "bump",
            "trigger_type": "organisation_updated",
            "actions": [
                {
                    "type": "update_field",
                    "config": {
                        "field": "potential_amount",
                        "value": "{{ organisation.potential_amount + 1 }}",
                    },
                }
            ],
        },
        active=True,
    )
    org = create_org(live_client, tenant.headers(), potential_amount=1)
    live_client.patch(
        f"/api/v1/organisations/{org['id']}", json={"potential_amount": 2}, headers=tenant.headers()
    )
    executions = wait_for_executions(
        live_client, tenant.headers(), count=7, workflow_id=workflow["id"]
    )
    statuses = sorted(e["status"] for e in executions)
    assert statuses == ["skipped"] + ["success"] * 6
    skipped = next(e for e in executions if e["status"] == "skipped")
    detail = live_client.get(f"/api/v1/executions/{skipped['id']}", headers=tenant.headers()).json()
    assert "loop guard" in detail["decision"]["explanation"]
    final = live_client.get(f"/api/v1/organisations/{org['id']}", headers=tenant.headers()).json()
    assert final["potential_amount"] == 8  # 2, then six successful bumps


def test_branch_else_and_stop_are_traced(live_client: TestClient, tenant: Tenant) -> None:
    workflow = create_workflow(
        live_client,
        tenant.headers(),
        {
            "name": "route",
            "trigger_type": "organisation_created",
            "actions": [
                {
                    "type": "branch",
                    "branches": [
                        {
                            "when": {"organisation.category": "institutional"},
                            "actions": [{"type": "add_tag", "config": {"tag": "vip"}}],
                        }
                    ],
                    "else": [
                        {
                            "type": "create_task",
                            "config": {"title": "Qualify {{ organisation.name }}"},
                        },
                        {"type": "stop", "config": {"reason": "not institutional"}},
                    ],
                },
                {"type": "add_tag", "config": {"tag": "never"}},
            ],
        },
        active=True,
    )
    create_org(live_client, tenant.headers(), category="sme")
    [execution] = wait_for_executions(
        live_client, tenant.headers(), count=1, workflow_id=workflow["id"]
    )
    detail = live_client.get(
        f"/api/v1/executions/{execution['id']}", headers=tenant.headers()
    ).json()
    assert detail["status"] == "success"
    assert [(s["path"], s["type"], s["status"]) for s in detail["steps"]] == [
        ("actions/0", "branch", "success"),
        ("actions/0/else/0", "create_task", "success"),
        ("actions/0/else/1", "stop", "success"),
    ]
    assert detail["steps"][0]["output"]["taken"] == "else"


def test_failed_action_rolls_back_its_writes_and_on_error_stop_fails_the_run(
    live_client: TestClient, tenant: Tenant, session: Session
) -> None:
    workflow = create_workflow(
        live_client,
        tenant.headers(),
        {
            "name": "fragile",
            "trigger_type": "organisation_created",
            "actions": [
                {"type": "create_task", "config": {"title": "kept"}},
                {
                    "type": "send_notification",
                    "on_error": "continue",
                    "config": {"user": "title:astronaut", "message": "nobody"},
                },
                {"type": "assign_user", "on_error": "stop", "config": {"user": 999999}},
                {"type": "create_task", "config": {"title": "never created"}},
            ],
        },
        active=True,
    )
    create_org(live_client, tenant.headers())
    [execution] = wait_for_executions(
        live_client, tenant.headers(), count=1, workflow_id=workflow["id"]
    )
    detail = live_client.get(
        f"/api/v1/executions/{execution['id']}", headers=tenant.headers()
    ).json()
    assert detail["status"] == "failed"
    assert [s["status"] for s in detail["steps"]] == ["success", "failed", "failed"]
    assert "no recipient" in detail["steps"][1]["error"]
    assert "no user 999999" in detail["error_message"]
    assert list(session.scalars(select(Task.title))) == ["kept"]


def test_redelivered_event_never_runs_a_workflow_twice(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    create_workflow(client, tenant.headers(), active=True)
    create_org(client, tenant.headers(), potential_amount=60000)
    assert dispatch_pending_events(session)[0] >= 1
    # Simulate a relay that lost its bookkeeping and dispatches the same event again.
    session.execute(update(Event).values(dispatched_at=None))
    session.commit()
    dispatch_pending_events(session)
    assert session.scalar(select(func.count()).select_from(WorkflowExecution)) == 1


def test_stale_pending_execution_is_relayed(
    client: TestClient, tenant: Tenant, session: Session, settings
) -> None:  # type: ignore[no-untyped-def]
    from crmflow.runtime.embedded import EmbeddedRuntime

    create_workflow(client, tenant.headers(), active=True)
    create_org(client, tenant.headers(), potential_amount=60000)
    dispatch_pending_events(session)  # the execution exists but no runtime was told about it
    session.execute(update(WorkflowExecution).values(created_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    runtime = EmbeddedRuntime(settings)
    runtime.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            session.rollback()  # end the read transaction so the next read sees new commits
            status = session.scalar(select(WorkflowExecution.status))
            if status == "success":
                break
            time.sleep(0.05)
        assert status == "success"
    finally:
        runtime.stop()
