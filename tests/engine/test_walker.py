"""The walker: one handler per step type, typed path outcomes, and the dry-run effects policy."""

from __future__ import annotations

import time
from typing import Any, get_args

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.approvals.models import ApprovalRequest
from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.db.base import utcnow
from crmflow.engine.compiled_cache import compiled_version
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import ActionStep, Step
from crmflow.engine.options import RunOptions
from crmflow.engine.run_state import GO_ON, Effects, PathOutcome, Run, StepEnv
from crmflow.engine.walker import HANDLERS, walk_steps
from crmflow.executions.models import WorkflowExecution
from crmflow.workflows.models import WorkflowVersion
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, new_org, start_workflow

EFFECTS = (Task, OutgoingEmail, ApprovalRequest, Notification)


def test_every_step_type_has_a_handler() -> None:
    union = get_args(Step)[0]  # Annotated[Union[Annotated[StepClass, Tag], ...], Discriminator]
    classes = {get_args(member)[0] for member in get_args(union)}
    assert len(classes) == 6 and ActionStep in classes
    assert classes == set(HANDLERS)


def test_path_outcomes_end_a_path_only_when_they_say_so() -> None:
    assert not GO_ON.ended
    assert PathOutcome(failed="x").ended and PathOutcome(stopped="skipped").ended
    assert PathOutcome(blocked=True).ended


def _counts(session: Session) -> dict[str, int]:
    return {
        m.__name__: int(session.scalar(select(func.count()).select_from(m)) or 0) for m in EFFECTS
    }


def _walk(writer_session: Session, execution_id: int, effects: Effects) -> tuple[PathOutcome, Run]:
    """Walk one execution's steps in the writer's open transaction, as the runner would."""
    execution = writer_session.get_one(WorkflowExecution, execution_id)
    version = writer_session.get_one(WorkflowVersion, execution.version_id)
    compiled = compiled_version(writer_session, version.id, version.checksum)
    conn = writer_session.connection()
    loader = ContextLoader(conn, None)
    row: dict[str, Any] = {
        c.name: getattr(execution, c.key) for c in WorkflowExecution.__table__.columns
    }
    data = loader.build(
        company_id=execution.company_id,
        trigger_type=execution.trigger_type,
        entity_type=execution.trigger_entity_type,
        entity_id=execution.trigger_entity_id,
        trigger_data=execution.trigger_data or {},
        event_id=execution.event_id,
    )
    run = Run(row=row, data={**data, "steps": {}, "now": utcnow()}, now=utcnow(), t0=time.time())
    env = StepEnv(writer_session, loader, RunOptions(), effects=effects)
    return walk_steps(env, run, compiled.steps), run


def test_a_dry_run_walks_every_step_and_writes_nothing(
    client: TestClient, tenant: Tenant, writer_session: Session, session: Session
) -> None:
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {"type": "create_task", "config": {"title": "Call {{ organisation.name }}"}},
                {"type": "send_email", "config": {"to": "a@b.test", "subject": "s", "body": "b"}},
                {"type": "delay", "config": {"duration": "2 days"}},
                {"type": "approval", "config": {"approvers": ["role:admin"]}},
                {
                    "type": "parallel",
                    "branches": [
                        [{"type": "create_task", "config": {"title": "left"}}],
                        [{"type": "send_notification", "config": {"message": "right"}}],
                    ],
                },
            ]
        },
    )
    new_org(client, tenant, name="Globex")
    [execution_id] = dispatch(writer_session)
    before = _counts(writer_session)

    outcome, run = _walk(writer_session, execution_id, Effects.DRY_RUN)
    during = _counts(writer_session)  # same transaction: would see the walk's own writes
    writer_session.rollback()

    assert outcome == GO_ON  # nothing waited, nothing failed
    assert during == before
    by_path = {r["path"]: r for r in run.records}
    assert [by_path[f"actions/{i}"]["status"] for i in range(5)] == ["success"] * 5
    assert by_path["actions/0"]["message"] == "would run create_task"
    assert by_path["actions/0"]["input"]["title"] == "Call Globex"
    assert by_path["actions/2"]["message"].startswith("would wait until ")
    assert by_path["actions/3"]["message"].startswith("would ask ")
    assert by_path["actions/3"]["message"].endswith("assumed approved")
    # Each action predicts its output: the task's resolved assignee, the email's recipients.
    assert by_path["actions/4/branches/0/actions/0"]["output"] == {
        "dry_run": True,
        "would": ["task_created"],
        "title": "left",
        "assignee_id": by_path["actions/0"]["output"]["assignee_id"],
        "assignee": "editor@acme.test",
        "due_date": None,
        "priority": "normal",
    }
    assert by_path["actions/4/branches/1/actions/0"]["output"]["users"] == ["editor@acme.test"]
    assert by_path["actions/1"]["output"]["to"] == ["a@b.test"]
    assert run.actions_executed == 0


def test_the_same_walk_for_real_acts_and_waits(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    start_workflow(
        client,
        tenant,
        {
            "actions": [
                {"type": "create_task", "config": {"title": "real"}},
                {"type": "delay", "config": {"duration": "2 days"}},
            ]
        },
    )
    new_org(client, tenant)
    [execution_id] = dispatch(writer_session)
    before = _counts(writer_session)
    outcome, run = _walk(writer_session, execution_id, Effects.REAL)
    during = _counts(writer_session)
    writer_session.rollback()
    assert outcome.blocked and [kind for kind, _ in run.waits] == ["delay"]
    assert during["Task"] == before["Task"] + 1
    assert run.actions_executed == 1
