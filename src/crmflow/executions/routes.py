"""Global execution history: `GET /api/v1/executions` with filters, and one execution."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from crmflow.auth.deps import CurrentUser
from crmflow.common.deps import DbSession
from crmflow.common.enums import ExecutionStatus
from crmflow.common.pagination import Page, Paging, page_of
from crmflow.executions import service
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.schemas import WorkflowExecutionListItem, WorkflowExecutionResponse

router = APIRouter(prefix="/executions", tags=["executions"])


def execution_detail(session: Session, execution: WorkflowExecution) -> dict[str, Any]:
    """Build the full execution body: fields, logs and steps."""
    steps = service.execution_steps(session, execution_id=execution.id)
    body = WorkflowExecutionListItem.model_validate(execution).model_dump()
    body.update(
        trigger_data=execution.trigger_data or {},
        decision=execution.decision,
        causation_depth=execution.causation_depth,
        attempt=execution.attempt,
        resume_at=execution.resume_at,
        execution_logs=service.execution_logs(execution, steps),
        steps=steps,
    )
    return body


@router.get("", response_model=Page[WorkflowExecutionListItem], summary="List executions")
def list_executions(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    workflow_id: int | None = None,
    status: ExecutionStatus | None = None,
    trigger_entity_type: str | None = None,
    trigger_entity_id: int | None = None,
    since: Annotated[datetime | None, Query(description="created at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="created before (ISO 8601)")] = None,
) -> dict[str, Any]:
    """List the company's executions, newest first, with filters."""
    query = service.execution_query(
        company_id=principal.company_id,
        workflow_id=workflow_id,
        status=status.value if status else None,
        trigger_entity_type=trigger_entity_type,
        trigger_entity_id=trigger_entity_id,
        since=since,
        until=until,
    )
    return page_of(session, query, params)


@router.get(
    "/{execution_id}",
    response_model=WorkflowExecutionResponse,
    summary="Get an execution with its steps",
)
def get_execution(execution_id: int, session: DbSession, principal: CurrentUser) -> dict[str, Any]:
    """Return one execution with its decision, logs and steps."""
    execution = service.get_execution(
        session, company_id=principal.company_id, execution_id=execution_id
    )
    return execution_detail(session, execution)
