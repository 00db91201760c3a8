"""Global execution history (`GET /api/v1/executions`, one execution) and run control."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import Select
from sqlalchemy.orm import Session

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.enums import ExecutionStatus
from crmflow.common.i18n import RequestLanguage
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, PageParams, Paging, make_page, paginate
from crmflow.executions import control, names, run_texts, service
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.schemas import (
    ExecutionStepResponse,
    WorkflowExecutionListItem,
    WorkflowExecutionResponse,
)

router = APIRouter(prefix="/executions", tags=["executions"])


def execution_detail(
    session: Session, execution: WorkflowExecution, language: str | None = None
) -> dict[str, Any]:
    """Build the full execution body: fields, logs and steps, its texts in `language`."""
    steps = service.execution_steps(session, execution_id=execution.id)
    refs = names.references_in(
        [execution.trigger_data, *(s.input for s in steps), *(s.output for s in steps)]
    )
    refs.update(names.trigger_reference(execution))
    known = names.resolve_names(session, company_id=execution.company_id, references=refs)
    body = WorkflowExecutionListItem.model_validate(execution).model_dump()
    body.update(
        record_label=names.record_label(known, execution),
        references=known,
        trigger_data=execution.trigger_data or {},
        decision=execution.decision,
        causation_depth=execution.causation_depth,
        attempt=execution.attempt,
        resume_at=execution.resume_at,
        execution_logs=service.execution_logs(execution, steps, language),
        steps=steps,
    )
    if not run_texts.is_english(language):
        body.update(
            error_message=run_texts.translated_error(language, execution.error_message),
            decision=run_texts.translated_decision(language, execution.decision),
            steps=[
                run_texts.translated_step(
                    language, ExecutionStepResponse.model_validate(step).model_dump()
                )
                for step in steps
            ],
        )
    return body


def _fresh_detail(request: Request, execution_id: int, language: str) -> dict[str, Any]:
    """Read the committed execution in a reader session, so no write lock outlives the change."""
    with request.app.state.read_session_factory() as reader:
        return execution_detail(reader, reader.get_one(WorkflowExecution, execution_id), language)


def execution_page(
    session: Session,
    company_id: int,
    query: Select[Any],
    params: PageParams,
    language: str | None = None,
) -> dict[str, Any]:
    """One page of `query`'s executions, each with its record's name (one query per kind)."""
    rows, total = paginate(session, query, params)
    labels = names.record_labels(session, company_id=company_id, executions=rows)
    items = [
        WorkflowExecutionListItem.model_validate(row).model_copy(
            update={
                "record_label": labels[row.id],
                "error_message": run_texts.translated_error(language, row.error_message),
            }
        )
        for row in rows
    ]
    return make_page(items, total, params)


@router.get("", response_model=Page[WorkflowExecutionListItem], summary="List executions")
def list_executions(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    language: RequestLanguage,
    workflow_id: Id | None = None,
    status: ExecutionStatus | None = None,
    trigger_entity_type: str | None = None,
    trigger_entity_id: Id | None = None,
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
    return execution_page(session, principal.company_id, query, params, language)


@router.get(
    "/{execution_id}",
    response_model=WorkflowExecutionResponse,
    summary="Get an execution with its steps",
)
def get_execution(
    execution_id: Id, session: DbSession, principal: CurrentUser, language: RequestLanguage
) -> dict[str, Any]:
    """Return one execution with its decision, logs and steps."""
    execution = service.get_execution(
        session, company_id=principal.company_id, execution_id=execution_id
    )
    return execution_detail(session, execution, language)


@router.post(
    "/{execution_id}/cancel",
    response_model=WorkflowExecutionResponse,
    summary="Cancel a pending, running or waiting execution",
    responses={409: {"description": "the execution already finished"}},
)
def cancel_execution(
    execution_id: Id,
    session: DbSession,
    principal: Writer,
    request: Request,
    language: RequestLanguage,
) -> dict[str, Any]:
    """Stop the run for good: later steps never run, open approvals are closed."""
    control.cancel_execution(session, principal=principal, execution_id=execution_id)
    return _fresh_detail(request, execution_id, language)


@router.post(
    "/{execution_id}/retry",
    response_model=WorkflowExecutionResponse,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Retry a failed execution from its failed step",
    responses={409: {"description": "the execution is not failed"}},
)
def retry_execution(
    execution_id: Id,
    session: DbSession,
    principal: Writer,
    request: Request,
    language: RequestLanguage,
) -> dict[str, Any]:
    """Queue the failed run again; steps that finished keep their outcome and never re-run."""
    control.retry_execution(session, principal=principal, execution_id=execution_id)
    return _fresh_detail(request, execution_id, language)


@router.post(
    "/{execution_id}/rerun",
    response_model=WorkflowExecutionResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Run an execution's trigger again on the workflow's current version",
)
def rerun_execution(
    execution_id: Id,
    session: DbSession,
    principal: Writer,
    request: Request,
    language: RequestLanguage,
) -> dict[str, Any]:
    """Start a new execution (`rerun_of_id` = this one) with the same trigger and record."""
    new_id = control.rerun_execution(session, principal=principal, execution_id=execution_id)
    return _fresh_detail(request, new_id, language)
