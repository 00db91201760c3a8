"""Approvals API: listing, detail, decisions by mode, overrides, conflicts and waking the run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.approvals import service
from crmflow.approvals.models import ApprovalApprover, ApprovalDecision, ApprovalRequest
from crmflow.auth.models import User
from crmflow.auth.service import Principal, issue_token
from crmflow.common.errors import Conflict
from crmflow.db.base import utcnow
from crmflow.db.session import get_session_factory
from crmflow.executions.models import WorkflowExecution
from crmflow.workflows.models import Workflow, WorkflowVersion
from tests.conftest import Tenant

API = "/api/v1/approvals"
ROLES = ("admin", "editor", "viewer", "manager", "director")
Approval = tuple[int, int]  # (approval id, execution id)
Response = httpx.Response


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def users(writer_session: Session, tenant: Tenant) -> dict[str, tuple[int, str]]:
    """(user id, token) of every user of the tenant, by role or title (viewer's id unused)."""
    tokens = {"admin": tenant.admin_token, "editor": tenant.editor_token}
    for who, user_id in (("manager", tenant.manager_id), ("director", tenant.director_id)):
        tokens[who] = issue_token(writer_session, user=writer_session.get(User, user_id))  # type: ignore[arg-type]
    writer_session.commit()
    ids = {"admin": tenant.admin_id, "editor": tenant.editor_id, "viewer": 0}
    ids.update(manager=tenant.manager_id, director=tenant.director_id)
    return {who: (ids[who], tokens.get(who, tenant.viewer_token)) for who in ROLES}


@pytest.fixture()
def new(
    writer_session: Session, tenant: Tenant, users: dict[str, tuple[int, str]]
) -> Callable[..., Approval]:
    """Create a workflow, version, execution and approval request; return (approval, execution)."""

    def make(
        *approvers: str,
        inactive: tuple[str, ...] = (),
        status: str = "pending",
        execution_status: str = "waiting",
        age_minutes: int = 0,
        **fields: Any,
    ) -> Approval:
        ws, cid = writer_session, tenant.company_id
        workflow = Workflow(company_id=cid, name="Big deals", trigger_type="deal_created")
        ws.add(workflow)
        ws.flush()
        version = WorkflowVersion(
            company_id=cid, workflow_id=workflow.id, version=1, definition={}, created_at=utcnow()
        )
        ws.add(version)
        ws.flush()
        execution = WorkflowExecution(
            company_id=cid,
            workflow_id=workflow.id,
            version_id=version.id,
            trigger_type="deal_created",
            status=execution_status,
            waiting_for="approval" if execution_status == "waiting" else None,
        )
        ws.add(execution)
        ws.flush()
        approval = ApprovalRequest(
            company_id=cid,
            execution_id=execution.id,
            workflow_id=workflow.id,
            step_path="actions/0",
            name="Discount over 20%",
            status=status,
            context={"deal": {"amount": 50000}},
            created_at=utcnow() - timedelta(minutes=age_minutes),
            **fields,
        )
        ws.add(approval)
        ws.flush()
        for who in approvers + inactive:
            ws.add(
                ApprovalApprover(
                    approval_id=approval.id, user_id=users[who][0], active=who in approvers
                )
            )
        ws.commit()
        return approval.id, execution.id

    return make


@pytest.fixture()
def act(client: TestClient, users: dict[str, tuple[int, str]]) -> Callable[..., Response]:
    """POST a decision as someone: act("manager", id, "reject", comment="...")."""

    def post(who: str, approval_id: int, verb: str = "approve", **body: Any) -> Response:
        headers = _auth(users[who][1])
        return client.post(f"{API}/{approval_id}/{verb}", json=body or None, headers=headers)

    return post


def count_decisions(session: Session, approval_id: int) -> int:
    session.rollback()
    where = ApprovalDecision.approval_id == approval_id
    return session.scalar(select(func.count()).select_from(ApprovalDecision).where(where)) or 0


@pytest.mark.parametrize(
    ("mode", "quorum", "approvers", "approvals", "rejections", "expected"),
    [
        ("any", 1, 3, 0, 0, None),
        ("any", 1, 3, 1, 0, "approved"),
        ("any", 1, 3, 0, 1, "rejected"),
        ("all", 1, 2, 1, 0, None),
        ("all", 1, 2, 2, 0, "approved"),
        ("all", 1, 2, 1, 1, "rejected"),
        ("quorum", 2, 3, 1, 0, None),
        ("quorum", 2, 3, 1, 1, None),
        ("quorum", 2, 3, 2, 0, "approved"),
        ("quorum", 2, 3, 2, 1, "approved"),
        ("quorum", 2, 3, 0, 2, "rejected"),
        ("quorum", 3, 3, 2, 1, "rejected"),
    ],
)
def test_evaluate(
    mode: str, quorum: int, approvers: int, approvals: int, rejections: int, expected: str | None
) -> None:
    counts = {"approvers": approvers, "approvals": approvals, "rejections": rejections}
    assert service.evaluate(mode=mode, quorum=quorum, **counts) == expected


def test_evaluate_refuses_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown approval mode 'most'"):
        service.evaluate(mode="most", quorum=1, approvers=1, approvals=1, rejections=0)


def test_list_filters_mine_and_pages(
    client: TestClient, new: Callable[..., Approval], users: dict[str, tuple[int, str]]
) -> None:
    old, _ = new("manager", age_minutes=30)
    done, _ = new("editor", status="approved", age_minutes=20)
    gone, _ = new("director", inactive=("manager",), age_minutes=10)
    headers = _auth(users["viewer"][1])
    body = client.get(API, headers=headers).json()
    assert [i["id"] for i in body["items"]] == [gone, done, old]
    item = body["items"][0]
    assert item["approvers_count"] == 1 and item["workflow_name"] == "Big deals"
    keys = {"execution_id", "workflow_id", "name", "status", "created_at", "expires_at"}
    assert keys <= set(item)
    pending = client.get(API, params={"status": "PENDING"}, headers=headers).json()
    assert [i["id"] for i in pending["items"]] == [gone, old]
    mine = client.get(API, params={"mine": True}, headers=_auth(users["manager"][1])).json()
    assert [i["id"] for i in mine["items"]] == [old]  # an inactive approver is not "mine"
    page = client.get(API, params={"page": 2, "size": 2}, headers=headers).json()
    assert [i["id"] for i in page["items"]] == [old]
    assert (page["total"], page["pages"]) == (3, 2)
    bad = client.get(API, params={"status": "waiting"}, headers=headers)
    assert bad.status_code == 422 and "status" in str(bad.json()["detail"])


def test_detail_and_tenant_isolation(
    client: TestClient, new: Callable[..., Approval], tenant: Tenant, other_tenant: Tenant
) -> None:
    approval_id, execution_id = new("manager", "director", inactive=("editor",))
    body = client.get(f"{API}/{approval_id}", headers=tenant.headers("viewer")).json()
    assert body["execution_id"] == execution_id and body["status"] == "pending"
    assert body["workflow_name"] == "Big deals" and body["context"] == {"deal": {"amount": 50000}}
    assert body["link"] == f"http://localhost:8000/approvals/{approval_id}"
    assert [(a["email"], a["active"], a["decided"]) for a in body["approvers"]] == [
        ("manager@acme.test", True, None),
        ("director@acme.test", True, None),
        ("editor@acme.test", False, None),
    ]
    assert body["decisions"] == []
    for method, path in (("GET", ""), ("POST", "/approve"), ("POST", "/reject")):
        other = client.request(method, f"{API}/{approval_id}{path}", headers=other_tenant.headers())
        assert other.status_code == 404, (method, path)
        assert other.json()["detail"] == f"approval {approval_id} not found"
        unknown = client.request(method, f"{API}/999999{path}", headers=tenant.headers())
        assert unknown.status_code == 404


def test_any_mode_first_approval_decides_and_wakes_the_execution(
    new: Callable[..., Approval], act: Callable[..., Response], session: Session
) -> None:
    approval_id, execution_id = new("manager", "director")
    before = datetime.now(UTC)
    response = act("manager", approval_id)  # no body at all
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "approved" and body["decided_at"]
    assert body["outcome_reason"] == "approved by manager@acme.test (1 of 1)"
    assert body["decisions"][0]["decision"] == "approved" and not body["decisions"][0]["override"]
    assert [a["decided"] for a in body["approvers"]] == ["approved", None]
    execution = session.get(WorkflowExecution, execution_id)
    assert execution is not None and execution.resume_at is not None
    assert before - timedelta(seconds=1) <= execution.resume_at <= datetime.now(UTC)
    late = act("director", approval_id, "reject")
    assert late.status_code == 409
    assert late.json()["detail"].startswith(
        f"approval {approval_id} is already approved (by manager@acme.test at "
    )


def test_all_mode_needs_every_active_approver(
    new: Callable[..., Approval], act: Callable[..., Response]
) -> None:
    approval_id, _ = new("manager", "director", mode="all", inactive=("editor",))
    assert act("manager", approval_id, comment="fine by me").json()["status"] == "pending"
    assert act("editor", approval_id).status_code == 403  # superseded by an escalation
    twice = act("manager", approval_id, "reject")
    assert twice.status_code == 409
    assert twice.json()["detail"] == "you already approved this request"
    body = act("director", approval_id).json()
    assert body["status"] == "approved"
    assert body["outcome_reason"] == "approved by director@acme.test (2 of 2)"
    assert [d["comment"] for d in body["decisions"]] == ["fine by me", ""]
    rejected, _ = new("manager", "director", mode="all")
    body = act("director", rejected, "reject", comment="too cheap").json()
    assert body["status"] == "rejected"  # the first rejection decides
    assert body["outcome_reason"] == "rejected by director@acme.test: too cheap"


def test_quorum_two_of_three(new: Callable[..., Approval], act: Callable[..., Response]) -> None:
    approved, _ = new("manager", "director", "editor", mode="quorum", quorum=2)
    assert act("manager", approved).json()["status"] == "pending"
    assert act("editor", approved, "reject").json()["status"] == "pending"
    body = act("director", approved).json()
    assert body["status"] == "approved" and body["outcome_reason"].endswith("(2 of 2)")
    rejected, _ = new("manager", "director", "editor", mode="quorum", quorum=2)
    assert act("manager", rejected, "reject").json()["status"] == "pending"
    body = act("director", rejected, "reject", comment="no").json()
    assert body["status"] == "rejected"  # 0 approvals + 1 undecided can no longer make 2
    assert body["outcome_reason"] == "rejected by director@acme.test (quorum of 2 out of reach): no"


def test_non_approver_is_forbidden_and_nothing_is_written(
    new: Callable[..., Approval], act: Callable[..., Response], session: Session
) -> None:
    approval_id, execution_id = new("manager")
    for who in ("viewer", "editor", "director"):
        response = act(who, approval_id)
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "only a designated approver (or an admin, recorded as an override) "
            f"may decide approval {approval_id}"
        )
    assert count_decisions(session, approval_id) == 0
    assert session.get(ApprovalRequest, approval_id).status == "pending"  # type: ignore[union-attr]
    assert session.get(WorkflowExecution, execution_id).resume_at is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("verb", "status"), [("approve", "approved"), ("reject", "rejected")])
def test_admin_override_decides_outright(
    new: Callable[..., Approval], act: Callable[..., Response], verb: str, status: str
) -> None:
    approval_id, _ = new("manager", "director", mode="all")
    body = act("admin", approval_id, verb, comment="urgent").json()
    assert body["status"] == status
    assert body["outcome_reason"] == f"{status} by admin@acme.test (admin override): urgent"
    assert [(d["email"], d["override"]) for d in body["decisions"]] == [("admin@acme.test", True)]


def test_admin_who_is_an_approver_decides_as_one(
    new: Callable[..., Approval], act: Callable[..., Response]
) -> None:
    approval_id, _ = new("admin", "manager", mode="all")
    body = act("admin", approval_id).json()
    assert body["status"] == "pending" and body["decisions"][0]["override"] is False


def test_closed_requests_cannot_be_decided(
    new: Callable[..., Approval], act: Callable[..., Response]
) -> None:
    cancelled, _ = new("manager", status="cancelled")
    response = act("manager", cancelled)
    assert response.status_code == 409
    assert response.json()["detail"] == f"approval {cancelled} is cancelled"
    rejected, _ = new("manager", status="rejected")
    detail = act("admin", rejected).json()["detail"]
    assert detail.startswith(f"approval {rejected} is already rejected (at ")


def test_execution_not_waiting_keeps_its_resume_at(
    new: Callable[..., Approval], act: Callable[..., Response], session: Session
) -> None:
    approval_id, execution_id = new("manager", execution_status="running")
    assert act("manager", approval_id).json()["status"] == "approved"
    assert session.get(WorkflowExecution, execution_id).resume_at is None  # type: ignore[union-attr]


def test_bad_bodies_are_refused(
    new: Callable[..., Approval], act: Callable[..., Response], session: Session
) -> None:
    approval_id, _ = new("manager")
    too_long = act("manager", approval_id, comment="x" * 5001)
    assert too_long.status_code == 422 and "comment" in str(too_long.json()["detail"])
    assert act("manager", approval_id, note="hi").status_code == 422
    assert count_decisions(session, approval_id) == 0


def test_concurrent_decisions_have_one_winner(
    db_url: str, new: Callable[..., Approval], tenant: Tenant, users: dict[str, tuple[int, str]]
) -> None:
    approval_id, _ = new("manager", "director")
    factory = get_session_factory(db_url)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def run(who: str) -> None:
        principal = Principal(
            user_id=users[who][0], company_id=tenant.company_id, role="editor", email=who
        )
        barrier.wait()
        with factory() as s:
            try:
                service.decide(
                    s, principal=principal, approval_id=approval_id, decision="approve", comment=""
                )
                outcomes.append("won")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=run, args=(who,)) for who in ["manager", "director"] * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "won"]
    with get_session_factory(db_url, writer=False)() as reader:
        assert count_decisions(reader, approval_id) == 1
