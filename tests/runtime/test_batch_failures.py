"""A step whose write the database refuses fails alone; the rest of its batch still commits."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.crm.models import Tag, Task
from crmflow.engine.options import RunOptions
from crmflow.engine.plugins import _REGISTRY, Action, ActionContext, register
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.runner import run_batch
from crmflow.runtime.dispatcher import dispatch_pending_events
from tests.conftest import Tenant
from tests.workflows.factories import create_org, create_workflow


class _NoConfig(BaseModel):
    """No options."""


class _DuplicateTag(Action):
    """Test-only action: inserts a tag that already exists (a unique-constraint violation)."""

    type = "test_duplicate_tag"
    name = "duplicate tag"
    description = "always violates tags (company_id, name)"
    config_model = _NoConfig

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        ctx.conn.execute(
            Tag.__table__.insert().values(
                company_id=ctx.company_id, name="dup", created_at=ctx.now, updated_at=ctx.now
            )
        )
        return {}


def test_constraint_violation_fails_the_step_not_the_batch(
    client: TestClient, tenant: Tenant, session: Session, writer_session: Session
) -> None:
    register(_DuplicateTag())
    try:
        writer_session.add(Tag(company_id=tenant.company_id, name="dup"))
        writer_session.commit()
        create_workflow(
            client,
            tenant.headers(),
            {
                "name": "poison",
                "trigger_type": "organisation_created",
                "actions": [
                    {"type": "test_duplicate_tag", "on_error": "continue"},
                    {"type": "create_task", "config": {"title": "after"}},
                ],
            },
            active=True,
        )
        for name in ("a", "b", "c"):
            create_org(client, tenant.headers(), name=name)
        _, ids = dispatch_pending_events(writer_session)
        result = run_batch(writer_session, ids, RunOptions())
        # Each run went on past its failed step: completed with errors, not a success.
        assert sorted(result.outcome.values()) == ["partial"] * 3
        session.rollback()
        failed = list(
            session.scalars(select(ExecutionStep).where(ExecutionStep.status == "failed"))
        )
        assert len(failed) == 3
        assert all("database refused the write" in (s.error or "") for s in failed)
        assert len(list(session.scalars(select(Task)))) == 3
        statuses = set(session.scalars(select(WorkflowExecution.status)))
        assert statuses == {"partial"}
    finally:
        _REGISTRY.pop("test_duplicate_tag", None)
