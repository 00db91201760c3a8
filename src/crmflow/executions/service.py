"""Create, find and list executions (no HTTP)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.common.errors import NotFound
from crmflow.common.i18n import word
from crmflow.common.i18n_run_texts import translate_explanation, translate_run_text
from crmflow.db import dialect
from crmflow.db.base import utcnow
from crmflow.db.signals import mark_executions_ready
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.run_texts import is_english


def insert_executions(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert executions, silently skipping duplicates of (workflow, event) or (workflow, fire key).

    Returns the ids of the rows actually created; they become runnable when the session commits.
    """
    if not rows:
        return []
    now = utcnow()
    defaults = {
        "status": ExecutionStatus.PENDING,
        "trigger_data": {},
        "causation_depth": 0,
        "attempt": 0,
        "actions_executed": 0,
        "created_at": now,
        "updated_at": now,
        "event_id": None,
        "fire_key": None,
        "trigger_entity_type": None,
        "trigger_entity_id": None,
    }
    insert = dialect.upsert_insert(session)
    # One multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING id: duplicates return nothing.
    # Core, not the ORM's bulk insert: the same SQL at a third of the Python per row.
    table = WorkflowExecution.__table__
    stmt = insert(table).on_conflict_do_nothing().returning(table.c.id)
    result = session.connection().execute(stmt, [{**defaults, **row} for row in rows])
    ids = [int(i) for i in result.scalars()]
    mark_executions_ready(session, ids)
    return ids


def get_execution(
    session: Session, *, company_id: int, execution_id: int, workflow_id: int | None = None
) -> WorkflowExecution:
    """Return an execution of the company (and workflow), or raise NotFound."""
    execution = session.get(WorkflowExecution, execution_id)
    if (
        execution is None
        or execution.company_id != company_id
        or (workflow_id is not None and execution.workflow_id != workflow_id)
    ):
        raise NotFound(f"execution {execution_id} not found")
    return execution


def execution_steps(session: Session, *, execution_id: int) -> list[ExecutionStep]:
    """Return the steps of an execution in the order they ran."""
    return list(
        session.scalars(
            select(ExecutionStep)
            .where(ExecutionStep.execution_id == execution_id)
            .order_by(ExecutionStep.position, ExecutionStep.id)
        )
    )


def execution_query(
    *,
    company_id: int,
    workflow_id: int | None = None,
    status: str | None = None,
    trigger_entity_type: str | None = None,
    trigger_entity_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Any]:
    """Build the filtered, newest-first execution query for a company."""
    query = select(WorkflowExecution).where(WorkflowExecution.company_id == company_id)
    if workflow_id is not None:
        query = query.where(WorkflowExecution.workflow_id == workflow_id)
    if status:
        query = query.where(WorkflowExecution.status == status)
    if trigger_entity_type:
        query = query.where(WorkflowExecution.trigger_entity_type == trigger_entity_type)
    if trigger_entity_id is not None:
        query = query.where(WorkflowExecution.trigger_entity_id == trigger_entity_id)
    if since is not None:
        query = query.where(WorkflowExecution.created_at >= since)
    if until is not None:
        query = query.where(WorkflowExecution.created_at < until)
    return query.order_by(WorkflowExecution.created_at.desc(), WorkflowExecution.id.desc())


def execution_logs(
    execution: WorkflowExecution, steps: list[ExecutionStep], language: str | None = None
) -> list[dict[str, Any]]:
    """Render the seed's `execution_logs`: one line per decision and step, in order.

    The lines are in `language` (the texts the run stored are English; None keeps them so).
    """
    logs: list[dict[str, Any]] = []
    if execution.decision:
        logs.append(
            {
                "timestamp": execution.started_at,
                "level": "info",
                "step": "conditions",
                "message": translate_explanation(
                    language, execution.decision.get("explanation", "")
                ),
            }
        )
    # French sets a space before the colon.
    colon = ": " if is_english(language) else " : "
    for step in steps:
        level = "error" if step.status == StepStatus.FAILED else "info"
        said = step.error or step.message
        text = translate_run_text(language, said) if said else word(language, "status", step.status)
        logs.append(
            {
                "timestamp": step.finished_at,
                "level": level,
                "step": step.path,
                "message": f"{step.name or step.type}{colon}{text}",
            }
        )
    if execution.error_message:
        logs.append(
            {
                "timestamp": execution.completed_at,
                "level": "error",
                "step": None,
                "message": translate_run_text(language, execution.error_message),
            }
        )
    return logs
