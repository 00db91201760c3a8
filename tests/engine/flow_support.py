"""Shared set-up for flow-control tests: a controllable clock, workflows, runs and reads."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.db import base
from crmflow.engine.options import RunOptions
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.runner import run_batch
from crmflow.runtime.dispatcher import dispatch_pending_events
from tests.conftest import Tenant
from tests.workflows.factories import create_workflow


class Clock:
    """Moves `utcnow()` for the whole process (the engine's only clock)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.set(start or datetime.now(UTC))

    def set(self, moment: datetime) -> None:
        """Make `utcnow()` read `moment` now, ticking in real time from there."""
        base._SIMULATED = (moment, time.time(), 1.0)

    def advance(self, delta: timedelta) -> None:
        """Jump forward."""
        self.set(base.utcnow() + delta)


def start_workflow(
    client: TestClient, tenant: Tenant, body: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """Create and activate a workflow from a partial body (organisation_created by default)."""
    full = {"name": "flow", "trigger_type": "organisation_created", **body, **extra}
    return create_workflow(client, tenant.headers(), full, active=True)


def new_org(client: TestClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    """Create an organisation owned by the editor (whose manager is the manager)."""
    body = {"name": "Initech", "owner_id": tenant.editor_id, **fields}
    response = client.post("/api/v1/organisations", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    org: dict[str, Any] = response.json()
    return org


def dispatch(writer_session: Session) -> list[int]:
    """Turn pending events into executions; return their ids."""
    _, ids = dispatch_pending_events(writer_session)
    return ids


def run(writer_session: Session, ids: list[int]) -> dict[int, str]:
    """Claim and run executions once; return their statuses."""
    return run_batch(writer_session, ids, RunOptions()).outcome


def execution(session: Session, execution_id: int) -> WorkflowExecution:
    """Re-read an execution."""
    session.rollback()
    found = session.get(WorkflowExecution, execution_id, populate_existing=True)
    assert found is not None
    return found


def steps(session: Session, execution_id: int) -> dict[str, ExecutionStep]:
    """The execution's step records by path."""
    session.rollback()
    rows = session.scalars(
        select(ExecutionStep)
        .where(ExecutionStep.execution_id == execution_id)
        .execution_options(populate_existing=True)
    )
    return {row.path: row for row in rows}


def titles(session: Session, model: Any) -> list[str]:
    """Sorted titles of the rows of a model (tasks, notifications)."""
    session.rollback()
    return sorted(session.scalars(select(model.title)))
