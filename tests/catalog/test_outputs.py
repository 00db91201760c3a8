"""Real step outputs, produced by workflows run through the API and the runner, match the
output schema the catalog publishes for their action."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.crm.models import Activity, Deal, Organisation
from crmflow.engine.plugins import all_actions
from crmflow.events.models import Event
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, run, start_workflow, steps

URL = "/api/v1/workflow/action-catalog"
# Needs an HTTP server and the outbox sender; it declares no output schema yet.
# call_webhook needs a receiver and send_email an SMTP server to succeed; the sent email's
# output is checked against its schema in tests/outbound/test_email_delivery.py.
NOT_RUN_HERE = {"call_webhook", "send_email"}
ORG_STEPS: list[dict[str, Any]] = [
    {"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}},
    {"type": "create_task", "config": {"title": "later", "due_date": "+2 days", "assignee": None}},
    {"type": "update_field", "config": {"field": "pipeline_stage", "value": "qualified"}},
    {"type": "update_field", "config": {"field": "custom_fields.tier", "value": "gold"}},
    {"type": "assign_user", "config": {"user": "manager"}},
    {"type": "add_tag", "config": {"tags": ["vip", "enterprise"]}},
    {"type": "remove_tag", "config": {"tag": "vip"}},
    {"type": "send_notification", "config": {"user": ["owner", "manager"], "message": "hi"}},
    {
        "type": "create_activity",
        "config": {"kind": "call", "subject": "Intro", "occurred_at": "-1 hour"},
    },
    {"type": "create_activity", "config": {"user": None}},
    {"type": "create_deal", "config": {"title": "Deal for {{ organisation.name }}", "amount": 5}},
    {"type": "create_deal", "config": {"title": "Bare", "organisation": "none", "owner": None}},
]


def _schemas(client: TestClient, tenant: Tenant) -> dict[str, dict[str, Any]]:
    items = client.get(URL, params={"size": 500}, headers=tenant.headers()).json()["items"]
    return {item["action_type"]: item["output_schema"] for item in items}


def _run_one(writer_session: Session) -> int:
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "success"}
    return execution_id


def test_every_builtin_output_matches_its_schema(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    schemas = _schemas(client, tenant)
    start_workflow(client, tenant, {"actions": ORG_STEPS})
    new_org(client, tenant, tags=["vip", "prospect"])
    execution_id = _run_one(writer_session)
    records = steps(session, execution_id)
    covered = set()
    for index, step in enumerate(ORG_STEPS):
        record = records[f"actions/{index}"]
        assert record.status == "success", (step, record.error)
        errors = list(Draft202012Validator(schemas[step["type"]]).iter_errors(record.output))
        assert not errors, (step["type"], record.output, [e.message for e in errors])
        covered.add(step["type"])
    assert covered == {a.type for a in all_actions()} - NOT_RUN_HERE


def test_records_from_a_deal_trigger_link_its_organisation(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    schemas = _schemas(client, tenant)
    org = new_org(client, tenant)
    actions = [
        {"type": "create_activity", "config": {"kind": "meeting", "subject": "Kick-off"}},
        {"type": "create_activity", "config": {"entity": "organisation", "subject": "On org"}},
        {"type": "create_deal", "config": {"title": "Upsell", "stage": "Proposal"}},
    ]
    start_workflow(client, tenant, {"actions": actions}, trigger_type="deal_created")
    deal = client.post(
        "/api/v1/deals",
        json={"title": "First", "organisation_id": org["id"], "owner_id": tenant.editor_id},
        headers=tenant.headers(),
    ).json()
    execution_id = _run_one(writer_session)  # the organisation's event starts nothing
    records = steps(session, execution_id)
    for index, step in enumerate(actions):
        output = records[f"actions/{index}"].output
        assert not list(Draft202012Validator(schemas[step["type"]]).iter_errors(output))
    on_deal, on_org, upsell = (records[f"actions/{i}"].output for i in range(3))
    assert (on_deal["entity_type"], on_deal["entity_id"]) == ("deal", deal["id"])
    assert on_deal["user_id"] == tenant.editor_id  # `owner`: the trigger record's owner
    assert (on_org["entity_type"], on_org["entity_id"]) == ("organisation", org["id"])
    assert upsell["organisation_id"] == org["id"] and upsell["stage"] == "proposal"
    assert upsell["owner_id"] == tenant.editor_id
    session.rollback()
    # As the API path does: last_activity_at moves on the deal and its organisation, and
    # activity_logged / deal_created events are recorded (caused by the run: depth 1).
    stored = session.get(Deal, deal["id"])
    assert stored is not None and stored.last_activity_at is not None
    organisation = session.get(Organisation, org["id"])
    assert organisation is not None and organisation.last_activity_at is not None
    events = session.scalars(select(Event).where(Event.causation_depth == 1)).all()
    kinds = sorted(e.type for e in events)
    assert kinds == ["activity_logged", "activity_logged", "deal_created"]
    activity = session.get(Activity, on_deal["activity_id"])
    assert activity is not None and activity.kind == "meeting"


def test_create_activity_needs_a_loggable_record(client: TestClient, tenant: Tenant) -> None:
    step = {"type": "create_activity", "config": {"subject": "again"}}
    body: dict[str, Any] = {"name": "on", "trigger_type": "activity_logged", "actions": [step]}
    response = client.post("/api/v1/workflows", json=body, headers=tenant.headers())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == "actions[0].config.entity"
    body["actions"] = [{"type": "create_activity", "config": {"entity": "deal"}}]
    assert client.post("/api/v1/workflows", json=body, headers=tenant.headers()).status_code == 201
