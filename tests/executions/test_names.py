"""Runs name their records and users: the run's record, and ids in its trigger data and steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from crmflow.executions import names
from tests.conftest import Tenant
from tests.workflows.factories import create_org, create_workflow


@contextmanager
def _counted(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()
    own = session.connection()

    def count(*args: Any) -> None:
        # This session's queries only: the session's own BEGIN is not a lookup, and the server's
        # background loops (the scheduler polls workflows) share the engine on PostgreSQL.
        if args[0] is own and str(args[2]).lstrip().upper().startswith("SELECT"):
            statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_references_are_found_under_known_keys_at_any_depth() -> None:
    found = names.references_in(
        [
            {"organisation_id": 3, "nested": {"items": [{"deal_id": 7}, {"assignee_id": 2}]}},
            {"entity_type": "contact", "entity_id": 9, "owner_id": 2},
            {"related_type": "task", "related_id": 4, "user_id": True, "deal_id": "7", "id": 5},
            None,
        ]
    )
    assert found == {
        ("organisation", 3),
        ("deal", 7),
        ("user", 2),
        ("contact", 9),
        ("task", 4),
    }


def test_names_are_the_companys_own_and_cost_one_query_per_kind(
    live_client: TestClient, tenant: Tenant, other_tenant: Tenant, session: Session
) -> None:
    ours = create_org(live_client, tenant.headers(), name="Umbrella")
    second = create_org(live_client, tenant.headers(), name="Initech")
    theirs = create_org(live_client, other_tenant.headers(), name="Globex secret")
    session.rollback()
    refs = {
        ("organisation", ours["id"]),
        ("organisation", second["id"]),
        ("organisation", theirs["id"]),
        ("user", tenant.editor_id),
        ("user", other_tenant.editor_id),
        ("nonsense", 1),
    }
    with _counted(session) as statements:
        known = names.resolve_names(session, company_id=tenant.company_id, references=refs)
    assert known == {
        "organisation": {str(ours["id"]): "Umbrella", str(second["id"]): "Initech"},
        "user": {str(tenant.editor_id): "editor"},
    }
    assert len(statements) == 2, statements

    runs = [
        SimpleNamespace(id=i, trigger_entity_type=kind, trigger_entity_id=ref_id)
        for i, (kind, ref_id) in enumerate(
            [
                ("organisation", ours["id"]),
                ("organisation", second["id"]),
                ("organisation", theirs["id"]),
                (None, None),
            ]
        )
    ]
    with _counted(session) as statements:
        labels = names.record_labels(
            session,
            company_id=tenant.company_id,
            executions=runs,  # type: ignore[arg-type]
        )
    assert labels == {0: "Umbrella", 1: "Initech", 2: None, 3: None}
    assert len(statements) == 1


def test_a_run_names_its_record_and_what_its_steps_refer_to(
    live_client: TestClient, tenant: Tenant
) -> None:
    body = {
        "name": "follow up",
        "trigger_type": "manual",
        "actions": [{"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}}],
    }
    workflow = create_workflow(live_client, tenant.headers(), body, active=True)
    org = create_org(live_client, tenant.headers(), name="Umbrella", owner_id=tenant.editor_id)
    response = live_client.post(
        f"/api/v1/workflows/{workflow['id']}/execute?wait=5",
        json={"trigger_entity_type": "organisation", "trigger_entity_id": org["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["status"] == "success", run
    task_id = run["steps"][0]["output"]["task_id"]

    detail = live_client.get(f"/api/v1/executions/{run['id']}", headers=tenant.headers()).json()
    assert detail["record_label"] == "Umbrella"
    assert detail["references"]["organisation"] == {str(org["id"]): "Umbrella"}
    assert detail["references"]["task"] == {str(task_id): "Call Umbrella"}
    assert detail["references"]["user"][str(tenant.editor_id)] == "editor"

    listed = live_client.get("/api/v1/executions", headers=tenant.headers()).json()
    assert [(item["id"], item["record_label"]) for item in listed["items"]] == [
        (run["id"], "Umbrella")
    ]
    # A workflow's own Executions tab lists the same name.
    tab = live_client.get(
        f"/api/v1/workflows/{workflow['id']}/executions", headers=tenant.headers()
    ).json()
    assert [(item["id"], item["record_label"]) for item in tab["items"]] == [
        (run["id"], "Umbrella")
    ]
