"""Approval steps end to end: the seed's multi-level example, timeouts, escalation, on_reject."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalApprover, ApprovalRequest
from crmflow.auth.models import User
from crmflow.auth.service import create_user, issue_token
from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.db import base
from tests.conftest import Tenant
from tests.engine.flow_support import Clock, dispatch, execution, run, start_workflow, steps

FINISHED = {"success", "failed", "skipped", "rejected", "cancelled"}

DISCOUNT_APPROVAL = {
    "name": "Discount Approval",
    "trigger_type": "deal_created",
    "actions": [
        {
            "name": "Validate",
            "type": "stop",
            "when": {"deal.amount": {"$lte": 0}},
            "config": {"status": "failed", "reason": "a discount request needs an amount"},
        },
        {"name": "Manager Approval", "type": "approval", "config": {"approver": "manager"}},
        {
            "name": "Director Approval",
            "type": "approval",
            "when": {"deal.amount": {"$gt": 10000}},
            "config": {"approver": "director"},
        },
        {
            "name": "CFO Approval",
            "type": "approval",
            "when": {"deal.amount": {"$gt": 50000}},
            "config": {"approver": "cfo"},
        },
    ],
}


@pytest.fixture()
def people(writer_session: Session, tenant: Tenant) -> dict[str, str]:
    """Bearer headers' tokens of the manager, the director and a CFO (created here)."""
    cfo = create_user(
        writer_session, company_id=tenant.company_id, email="cfo@acme.test", titles=["cfo"]
    )
    tokens = {"cfo": issue_token(writer_session, user=cfo)}
    for key, user_id in (("manager", tenant.manager_id), ("director", tenant.director_id)):
        user = writer_session.get(User, user_id)
        assert user is not None
        tokens[key] = issue_token(writer_session, user=user)
    writer_session.commit()
    return tokens


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _poll(client: TestClient, headers: dict[str, str], url: str, done: Any) -> Any:
    deadline = time.monotonic() + 15
    body: Any = None
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json()
        if done(body):
            return body
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting on {url}: {body}")


def _deal(client: TestClient, tenant: Tenant, amount: int) -> int:
    response = client.post(
        "/api/v1/deals",
        json={"title": f"Discount {amount}", "amount": amount, "owner_id": tenant.editor_id},
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
    executions = _poll(
        client,
        tenant.headers(),
        f"/api/v1/executions?trigger_entity_type=deal&trigger_entity_id={response.json()['id']}",
        lambda page: page["total"] == 1,
    )
    return int(executions["items"][0]["id"])


def _pending_for(client: TestClient, token: str) -> list[dict[str, Any]]:
    page = client.get("/api/v1/approvals?mine=true&status=pending", headers=_auth(token))
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def _wait_for_ask(client: TestClient, token: str, execution_id: int) -> dict[str, Any]:
    items = _poll(
        client,
        _auth(token),
        "/api/v1/approvals?mine=true&status=pending",
        lambda page: any(i["execution_id"] == execution_id for i in page["items"]),
    )["items"]
    [item] = [i for i in items if i["execution_id"] == execution_id]
    return item


def _decide(client: TestClient, token: str, approval_id: int, verb: str, comment: str) -> None:
    response = client.post(
        f"/api/v1/approvals/{approval_id}/{verb}", json={"comment": comment}, headers=_auth(token)
    )
    assert response.status_code == 200, response.text


def _finished(client: TestClient, tenant: Tenant, execution_id: int) -> dict[str, Any]:
    body: dict[str, Any] = _poll(
        client,
        tenant.headers(),
        f"/api/v1/executions/{execution_id}",
        lambda e: e["status"] in FINISHED,
    )
    return body


def test_example_1_small_amount_asks_the_manager_only(
    live_client: TestClient, tenant: Tenant, people: dict[str, str]
) -> None:
    client = live_client
    start_workflow(client, tenant, DISCOUNT_APPROVAL)
    execution_id = _deal(client, tenant, 5000)
    ask = _wait_for_ask(client, people["manager"], execution_id)
    assert ask["name"] == "Manager Approval"
    assert _pending_for(client, people["director"]) == []
    _decide(client, people["manager"], ask["id"], "approve", "fine")
    done = _finished(client, tenant, execution_id)
    assert done["status"] == "success"
    by_name = {s["name"]: s for s in done["steps"]}
    assert by_name["Manager Approval"]["status"] == "success"
    assert by_name["Manager Approval"]["output"]["decisions"][0]["comment"] == "fine"
    assert by_name["Director Approval"]["status"] == "skipped"
    assert by_name["CFO Approval"]["status"] == "skipped"
    assert _pending_for(client, people["director"]) == _pending_for(client, people["cfo"]) == []


def test_example_1_large_amount_climbs_manager_director_cfo_in_order(
    live_client: TestClient, tenant: Tenant, people: dict[str, str]
) -> None:
    client = live_client
    start_workflow(client, tenant, DISCOUNT_APPROVAL)
    execution_id = _deal(client, tenant, 75000)
    asked: list[str] = []
    for who in ("manager", "director", "cfo"):
        ask = _wait_for_ask(client, people[who], execution_id)
        asked.append(ask["name"])
        # Nobody further up the chain is asked before this level has decided.
        later = {"manager": ("director", "cfo"), "director": ("cfo",), "cfo": ()}[who]
        for other in later:
            assert _pending_for(client, people[other]) == []
        _decide(client, people[who], ask["id"], "approve", f"ok from {who}")
    assert asked == ["Manager Approval", "Director Approval", "CFO Approval"]
    done = _finished(client, tenant, execution_id)
    assert done["status"] == "success"
    approvals = [s for s in done["steps"] if s["type"] == "approval"]
    assert [s["status"] for s in approvals] == ["success"] * 3
    assert [s["output"]["decisions"][0]["email"] for s in approvals] == [
        "manager@acme.test",
        "director@acme.test",
        "cfo@acme.test",
    ]


def test_example_1_rejection_at_the_director_stops_the_chain(
    live_client: TestClient, tenant: Tenant, people: dict[str, str]
) -> None:
    client = live_client
    workflow = start_workflow(client, tenant, DISCOUNT_APPROVAL)
    execution_id = _deal(client, tenant, 75000)
    _decide(
        client,
        people["manager"],
        _wait_for_ask(client, people["manager"], execution_id)["id"],
        "approve",
        "",
    )
    director_ask = _wait_for_ask(client, people["director"], execution_id)
    # Someone who is not a designated approver may not decide: 403, nothing recorded.
    forbidden = client.post(
        f"/api/v1/approvals/{director_ask['id']}/approve", json={}, headers=tenant.headers("editor")
    )
    assert forbidden.status_code == 403
    _decide(client, people["director"], director_ask["id"], "reject", "too generous")
    done = _finished(client, tenant, execution_id)
    assert done["status"] == "rejected"
    director = next(s for s in done["steps"] if s["name"] == "Director Approval")
    assert director["output"]["outcome"] == "rejected"
    assert "too generous" in director["message"]
    assert not any(s["name"] == "CFO Approval" for s in done["steps"])
    assert _pending_for(client, people["cfo"]) == []
    twice = client.post(
        f"/api/v1/approvals/{director_ask['id']}/approve",
        json={},
        headers=_auth(people["director"]),
    )
    assert twice.status_code == 409
    stats = client.get(f"/api/v1/workflows/{workflow['id']}/stats", headers=tenant.headers())
    assert stats.json()["rejected_count"] == 1 and stats.json()["failed_count"] == 0


@pytest.fixture()
def clock() -> Iterator[Clock]:
    saved = base._SIMULATED
    yield Clock()
    base._SIMULATED = saved


def _approval_run(
    client: TestClient,
    tenant: Tenant,
    writer_session: Session,
    step: dict[str, Any],
    *rest: dict[str, Any],
) -> int:
    start_workflow(
        client, tenant, {"trigger_type": "organisation_created", "actions": [step, *rest]}
    )
    client.post(
        "/api/v1/organisations",
        json={"name": "Initech", "owner_id": tenant.editor_id},
        headers=tenant.headers(),
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    return execution_id


def _request(session: Session, execution_id: int) -> ApprovalRequest:
    session.rollback()
    found = session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.execution_id == execution_id)
        .execution_options(populate_existing=True)
    ).one()
    return found


def test_approvers_are_notified_in_app_and_by_queued_email(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "name": "Big deal",
            "type": "approval",
            "config": {
                "approvers": ["title:director", "manager"],
                "mode": "all",
                "message": "Approve {{ organisation.name }}?",
            },
        },
    )
    waiting = execution(session, execution_id)
    assert waiting.waiting_for == "approval" and waiting.resume_at is None
    request = _request(session, execution_id)
    assert request.mode == "all" and request.message == "Approve Initech?"
    approvers = set(session.scalars(select(ApprovalApprover.user_id)))
    assert approvers == {tenant.director_id, tenant.manager_id}
    notified = session.execute(select(Notification.user_id, Notification.link)).all()
    assert sorted(notified) == sorted(
        [
            (tenant.director_id, f"/approvals/{request.id}"),
            (tenant.manager_id, f"/approvals/{request.id}"),
        ]
    )
    [email] = session.scalars(select(OutgoingEmail)).all()
    assert sorted(email.to) == ["director@acme.test", "manager@acme.test"]
    assert email.status == "queued" and f"/approvals/{request.id}" in email.body
    record = steps(session, execution_id)["actions/0"]
    assert record.status == "pending" and "waiting" in (record.message or "")


@pytest.mark.parametrize(("rule", "final"), [("approve", "success"), ("reject", "rejected")])
def test_timeout_decides_automatically(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    clock: Clock,
    rule: str,
    final: str,
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "type": "approval",
            "config": {"approver": "manager", "timeout": "2 days", "on_timeout": rule},
        },
        {"type": "create_task", "config": {"title": "after"}},
    )
    assert execution(session, execution_id).resume_at is not None
    clock.advance(timedelta(days=1))
    assert run(writer_session, [execution_id]) == {}  # not due yet
    clock.advance(timedelta(days=1, minutes=1))
    assert run(writer_session, [execution_id]) == {execution_id: final}
    request = _request(session, execution_id)
    assert request.status == ("approved" if rule == "approve" else "rejected")
    assert "no decision within 2 days" in (request.outcome_reason or "")
    session.rollback()
    assert (session.scalars(select(Task.title)).all() == ["after"]) == (final == "success")


def test_timeout_escalates_to_the_approvers_manager(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    clock: Clock,
    people: dict[str, str],
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "type": "approval",
            "config": {"approver": "manager", "timeout": "1h", "on_timeout": "escalate"},
        },
    )
    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    request = _request(session, execution_id)
    assert request.escalations == 1 and request.status == "pending"
    rows = session.execute(
        select(ApprovalApprover.user_id, ApprovalApprover.active, ApprovalApprover.round)
    ).all()
    assert sorted(rows) == sorted([(tenant.manager_id, False, 0), (tenant.director_id, True, 1)])
    assert "escalated to director@acme.test" in (
        steps(session, execution_id)["actions/0"].message or ""
    )
    # The manager may no longer decide; the director may.
    url = f"/api/v1/approvals/{request.id}/approve"
    assert client.post(url, json={}, headers=_auth(people["manager"])).status_code == 403
    assert client.post(url, json={}, headers=_auth(people["director"])).status_code == 200
    assert run(writer_session, [execution_id]) == {execution_id: "success"}
    # The director has no manager: a second timeout would have nobody to escalate to.


def test_escalation_with_nobody_above_fails_the_step(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "type": "approval",
            "config": {"approver": "title:director", "timeout": "1h", "on_timeout": "escalate"},
        },
        {"type": "create_task", "config": {"title": "never"}},
    )
    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [execution_id]) == {execution_id: "failed"}
    assert "no manager to escalate to" in (execution(session, execution_id).error_message or "")
    assert _request(session, execution_id).status == "cancelled"


def test_on_reject_steps_run_instead_of_the_rest(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    people: dict[str, str],
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "type": "approval",
            "config": {"approver": "manager"},
            "on_reject": [{"type": "create_task", "config": {"title": "rework the offer"}}],
        },
        {"type": "create_task", "config": {"title": "send the offer"}},
    )
    request = _request(session, execution_id)
    response = client.post(
        f"/api/v1/approvals/{request.id}/reject",
        json={"comment": "no"},
        headers=_auth(people["manager"]),
    )
    assert response.status_code == 200, response.text
    assert run(writer_session, [execution_id]) == {execution_id: "rejected"}
    session.rollback()
    assert session.scalars(select(Task.title)).all() == ["rework the offer"]
    assert steps(session, execution_id)["actions/0/on_reject/0"].status == "success"


def test_cancel_closes_the_open_approval(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _approval_run(
        client, tenant, writer_session, {"type": "approval", "config": {"approver": "manager"}}
    )
    response = client.post(f"/api/v1/executions/{execution_id}/cancel", headers=tenant.headers())
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    request = _request(session, execution_id)
    assert request.status == "cancelled"
    again = client.post(
        f"/api/v1/approvals/{request.id}/approve", json={}, headers=tenant.headers()
    )
    assert again.status_code == 409


def test_template_approver_resolves_at_run_time(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {"type": "approval", "config": {"approvers": ["{{ organisation.owner.manager.email }}"]}},
    )
    session.rollback()
    assert session.scalars(select(ApprovalApprover.user_id)).all() == [tenant.manager_id]
    assert execution(session, execution_id).status == "waiting"


def test_a_decision_made_after_the_deadline_but_before_the_run_resumes_wins(
    client: TestClient,
    tenant: Tenant,
    session: Session,
    writer_session: Session,
    clock: Clock,
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {"type": "approval", "config": {"approver": "role:admin", "timeout": "1h"}},
    )
    clock.advance(timedelta(minutes=61))  # due to time out (reject), not yet resumed
    request = _request(session, execution_id)
    listed = client.get(f"/api/v1/approvals?execution_id={execution_id}", headers=tenant.headers())
    assert [item["id"] for item in listed.json()["items"]] == [request.id]
    response = client.post(
        f"/api/v1/approvals/{request.id}/approve",
        json={"comment": "just in time"},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    assert run(writer_session, [execution_id]) == {execution_id: "success"}
    assert _request(session, execution_id).status == "approved"
    other = client.get("/api/v1/approvals?execution_id=999999", headers=tenant.headers())
    assert other.json()["total"] == 0


def test_a_failed_approval_stops_the_run_unless_told_to_continue(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    nobody = {"type": "approval", "config": {"approvers": ["{{ organisation.category }}"]}}
    after = {"type": "create_task", "config": {"title": "after"}}
    # Going on past the failed approval completes the run with errors: `partial`, not success.
    for on_error, final in (({}, "failed"), ({"on_error": "continue"}, "partial")):
        workflow = start_workflow(
            client, tenant, {"name": f"approve {final}", "actions": [{**nobody, **on_error}, after]}
        )
        assert workflow["actions"][0].get("on_error") == on_error.get("on_error")
        client.post(
            "/api/v1/organisations", json={"name": f"Org {final}"}, headers=tenant.headers()
        ).raise_for_status()
        ids = dispatch(writer_session)
        outcomes = run(writer_session, ids)
        assert final in outcomes.values(), outcomes
        client.post(
            f"/api/v1/workflows/{workflow['id']}/activate",
            json={"status": "inactive"},
            headers=tenant.headers(),
        ).raise_for_status()
    session.rollback()
    assert session.scalars(select(Task.title)).all() == ["after"]


def test_a_quorum_larger_than_the_approvers_fails_the_step(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {
                    "type": "approval",
                    "config": {
                        "approvers": ["title:director", "manager"],
                        "mode": "quorum",
                        "quorum": 3,
                    },
                }
            ]
        },
    )
    client.post(
        "/api/v1/organisations",
        json={"name": "Initech", "owner_id": tenant.editor_id},
        headers=tenant.headers(),
    ).raise_for_status()
    [execution_id] = dispatch(writer_session)
    assert run(writer_session, [execution_id]) == {execution_id: "failed"}
    error = execution(session, execution_id).error_message or ""
    assert "quorum 3 cannot be reached: only 2 approver(s)" in error
    session.rollback()
    assert session.scalars(select(ApprovalRequest)).all() == []


def test_retrying_a_failed_escalation_asks_again(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session, clock: Clock
) -> None:
    execution_id = _approval_run(
        client,
        tenant,
        writer_session,
        {
            "type": "approval",
            "config": {"approver": "title:director", "timeout": "1h", "on_timeout": "escalate"},
        },
    )
    clock.advance(timedelta(minutes=61))
    assert run(writer_session, [execution_id]) == {execution_id: "failed"}
    response = client.post(f"/api/v1/executions/{execution_id}/retry", headers=tenant.headers())
    assert response.status_code == 202, response.text
    assert run(writer_session, [execution_id]) == {execution_id: "waiting"}
    request = _request(session, execution_id)
    assert request.status == "pending" and request.escalations == 0
