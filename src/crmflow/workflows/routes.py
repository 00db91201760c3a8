"""The seed's workflow API (11 endpoints + templates) plus duplicate and versions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession, writer_gate
from crmflow.common.enums import FINISHED_STATUSES, ExecutionStatus, TriggerType, WorkflowStatus
from crmflow.common.i18n import RequestLanguage
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, make_page, paginate
from crmflow.executions import service as executions
from crmflow.executions.daily_stats import daily_stats
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.routes import execution_detail, execution_page
from crmflow.executions.schemas import WorkflowExecutionListItem, WorkflowExecutionResponse
from crmflow.executions.stats import success_rates, workflow_stats
from crmflow.executions.sync_waits import sync_waits, wait_for_outcome
from crmflow.workflows import hooks, service
from crmflow.workflows.editor_schema import editor_schema
from crmflow.workflows.schemas import (
    EditorSchema,
    TemplateInfo,
    WorkflowActivate,
    WorkflowCreate,
    WorkflowDailyStats,
    WorkflowDuplicate,
    WorkflowExecuteRequest,
    WorkflowListItem,
    WorkflowName,
    WorkflowResponse,
    WorkflowStats,
    WorkflowUpdate,
)
from crmflow.workflows.tags import tag_filter
from crmflow.workflows.templates import create_from_template, list_templates

router = APIRouter(prefix="/workflows", tags=["workflows"])


TemplateLanguage = Annotated[
    Literal["fr", "en"],
    Query(description="the built-in templates' texts: fr (the seed's original) or en"),
]


@router.get("/templates/list", response_model=list[TemplateInfo], summary="List templates")
def templates_list(
    session: DbSession, principal: CurrentUser, language: TemplateLanguage = "fr"
) -> list[dict[str, Any]]:
    """Return the built-in templates and the company's own template workflows."""
    return list_templates(session, company_id=principal.company_id, language=language)


@router.post(
    "/templates/{template_id}/create",
    response_model=WorkflowResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Create a workflow from a template",
)
def templates_create(
    template_id: str,
    session: DbSession,
    principal: Writer,
    name: Annotated[WorkflowName | None, Query()] = None,
    language: TemplateLanguage = "fr",
) -> Any:
    """Create a draft workflow from a template slug (or a template workflow's id)."""
    return create_from_template(
        session, principal=principal, template_id=template_id, name=name, language=language
    )


@router.get("/editor-schema", response_model=EditorSchema, summary="Describe what an editor offers")
def get_editor_schema(principal: CurrentUser, language: RequestLanguage) -> EditorSchema:
    """Return triggers, readable fields per record, operators and control steps.

    Labels and descriptions follow the request's Accept-Language (English or French).
    """
    return editor_schema(language)


@router.get("", response_model=Page[WorkflowListItem], summary="List workflows")
def list_workflows(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    status: WorkflowStatus | None = None,
    trigger_type: TriggerType | None = None,
    is_template: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="name contains")] = None,
    tag: Annotated[
        list[str] | None,
        Query(
            description="workflows holding every tag given (AND, ignoring case): repeat it "
            "(`?tag=a&tag=b`) or separate with commas (`?tag=a,b`)"
        ),
    ] = None,
    sort: Annotated[
        str,
        Query(
            description="name, updated_at, last_executed_at or execution_count; "
            "`-` prefix for descending"
        ),
    ] = "-updated_at",
) -> dict[str, Any]:
    """List workflows with filters (status, trigger_type: any case; is_template; q; tag), sorted."""
    query = service.list_query(
        company_id=principal.company_id,
        status=status.value if status else None,
        trigger_type=trigger_type.value if trigger_type else None,
        is_template=is_template,
        q=q,
        tags=tag_filter(tag or []),
        sort=sort,
    )
    rows, total = paginate(session, query, params)
    rates = success_rates(session, workflow_ids=[row.id for row in rows])
    items = [
        WorkflowListItem.model_validate(row).model_copy(update={"success_rate": rates[row.id]})
        for row in rows
    ]
    return make_page(items, total, params)


@router.post(
    "",
    response_model=WorkflowResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Create a workflow",
)
def create_workflow(body: WorkflowCreate, session: DbSession, principal: Writer) -> Any:
    """Validate and create a workflow (422 names the JSON path of any problem)."""
    workflow = service.create_workflow(
        session, principal=principal, data=body.model_dump(mode="json")
    )
    return service.with_warnings(session, workflow)


@router.get("/{workflow_id}", response_model=WorkflowResponse, summary="Get a workflow")
def get_workflow(workflow_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Return one workflow with its definition (and loop-guard warnings)."""
    workflow = service.get_workflow(
        session, company_id=principal.company_id, workflow_id=workflow_id
    )
    return service.with_warnings(session, workflow)


@router.put("/{workflow_id}", response_model=WorkflowResponse, summary="Update a workflow")
def update_workflow(
    workflow_id: Id, body: WorkflowUpdate, session: DbSession, principal: Writer
) -> Any:
    """Update fields; a changed definition makes a new version (running runs keep theirs)."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    workflow = service.update_workflow(
        session, principal=principal, workflow_id=workflow_id, changes=changes
    )
    return service.with_warnings(session, workflow)


@router.delete(
    "/{workflow_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a workflow"
)
def delete_workflow(workflow_id: Id, session: DbSession, principal: Writer) -> Response:
    """Delete a workflow, its versions and its executions."""
    service.delete_workflow(session, principal=principal, workflow_id=workflow_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{workflow_id}/activate", response_model=WorkflowResponse, summary="Activate or deactivate"
)
def activate_workflow(
    workflow_id: Id, session: DbSession, principal: Writer, body: WorkflowActivate | None = None
) -> Any:
    """Set the status (`{"status": "active"}` by default, or `inactive` / `draft`)."""
    target = (body or WorkflowActivate()).status.value
    return service.set_status(session, principal=principal, workflow_id=workflow_id, status=target)


@router.post(
    "/{workflow_id}/duplicate",
    response_model=WorkflowResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Duplicate a workflow",
)
def duplicate_workflow(
    workflow_id: Id, session: DbSession, principal: Writer, body: WorkflowDuplicate | None = None
) -> Any:
    """Copy a workflow into a new draft."""
    return service.duplicate_workflow(
        session, principal=principal, workflow_id=workflow_id, name=body.name if body else None
    )


@router.post(
    "/{workflow_id}/hook",
    response_model=hooks.HookSettingsOut,
    summary="Rotate the inbound webhook's token or signing secret, or set its rate limit",
)
def configure_hook(
    workflow_id: Id,
    session: DbSession,
    principal: Writer,
    body: hooks.HookSettingsIn | None = None,
) -> Any:
    """`{"rotate_token": true}` replaces the URL; `{"secret": "generate"}` returns a new secret
    once (never shown again), `{"secret": null}` removes it; `{"rate_limit_per_minute": N}`
    sets how many deliveries a minute it accepts (null: the server's default). Only for
    webhook_received workflows."""
    body = body or hooks.HookSettingsIn()
    workflow = service.get_workflow(
        session, company_id=principal.company_id, workflow_id=workflow_id
    )
    return hooks.configure_hook(
        session,
        workflow,
        rotate_token=body.rotate_token,
        change_secret="secret" in body.model_fields_set,
        secret=body.secret,
        change_rate_limit="rate_limit_per_minute" in body.model_fields_set,
        rate_limit=body.rate_limit_per_minute,
    )


@router.post(
    "/{workflow_id}/execute",
    response_model=WorkflowExecutionResponse,
    summary="Run a workflow by hand",
    responses={
        202: {"description": "accepted; still running after `wait` seconds"},
        429: {"description": "too many waiting calls of your company in flight"},
    },
)
async def execute_workflow(
    workflow_id: Id,
    body: WorkflowExecuteRequest,
    principal: Writer,
    request: Request,
    response: Response,
    language: RequestLanguage,
    wait: Annotated[float, Query(ge=0, le=30, description="seconds to wait for the end")] = 10,
) -> Any:
    """Start a manual execution and wait up to `wait` seconds for its outcome.

    A company may have CRMFLOW_MAX_SYNC_WAITS (4) waiting calls in flight per server process;
    more get 429 before anything is created (`wait=0` never waits and is not counted).
    """
    limit = request.app.state.settings.max_sync_waits_per_company
    waits = wait > 0
    if waits and not sync_waits.try_acquire(principal.company_id, limit):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many runs waited for at once by your company (at most {limit}, "
            "CRMFLOW_MAX_SYNC_WAITS): retry shortly, or call with wait=0 and follow "
            "GET /api/v1/executions/{id}",
            headers={"Retry-After": "1"},
        )
    try:
        # The writer gate is held while the run starts, never while it is waited for.
        async with writer_gate(request):
            execution_id = await run_in_threadpool(
                _start_manual_run,
                request.app.state.session_factory(),
                principal=principal,
                workflow_id=workflow_id,
                entity_type=body.trigger_entity_type,
                entity_id=body.trigger_entity_id,
                trigger_data=body.trigger_data,
                idempotency_key=body.idempotency_key,
            )
        read_factory = request.app.state.read_session_factory
        final = await wait_for_outcome(read_factory, execution_id=execution_id, timeout=wait)
    finally:
        if waits:
            sync_waits.release(principal.company_id)
    if final not in FINISHED_STATUSES:
        response.status_code = status.HTTP_202_ACCEPTED
    return await run_in_threadpool(_execution_detail, read_factory, execution_id, language)


def _start_manual_run(session: Session, **run: Any) -> int:
    # One thread call from start to close: reading the new row after the commit begins a
    # writer transaction on SQLite, and its lock must not be held across a thread hop (the
    # requests queued behind it would hold every thread the close needs).
    try:
        return service.start_manual_run(session, **run).id
    finally:
        session.rollback()
        session.close()


def _execution_detail(read_factory: Any, execution_id: int, language: str) -> Any:
    with read_factory() as reader:
        execution = reader.get_one(WorkflowExecution, execution_id)
        return execution_detail(reader, execution, language)


@router.get(
    "/{workflow_id}/executions",
    response_model=Page[WorkflowExecutionListItem],
    summary="List a workflow's executions",
)
def list_workflow_executions(
    workflow_id: Id,
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    language: RequestLanguage,
    status: ExecutionStatus | None = None,
) -> dict[str, Any]:
    """List the executions of one workflow, newest first."""
    service.get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    query = executions.execution_query(
        company_id=principal.company_id,
        workflow_id=workflow_id,
        status=status.value if status else None,
    )
    return execution_page(session, principal.company_id, query, params, language)


@router.get(
    "/{workflow_id}/executions/{execution_id}",
    response_model=WorkflowExecutionResponse,
    summary="Get one execution of a workflow",
)
def get_workflow_execution(
    workflow_id: Id,
    execution_id: Id,
    session: DbSession,
    principal: CurrentUser,
    language: RequestLanguage,
) -> Any:
    """Return an execution with its decision, logs and every step."""
    execution = executions.get_execution(
        session, company_id=principal.company_id, execution_id=execution_id, workflow_id=workflow_id
    )
    return execution_detail(session, execution, language)


@router.get("/{workflow_id}/stats", response_model=WorkflowStats, summary="Workflow statistics")
def get_stats(workflow_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Counts by status, success rate, mean and p50/p95 durations, last execution."""
    service.get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    return workflow_stats(session, workflow_id=workflow_id)


@router.get(
    "/{workflow_id}/stats/daily",
    response_model=WorkflowDailyStats,
    summary="Workflow statistics per day",
)
def get_daily_stats(
    workflow_id: Id,
    session: DbSession,
    principal: CurrentUser,
    days: Annotated[int, Query(ge=1, le=365, description="number of days, ending today")] = 30,
) -> Any:
    """Counts by status, success rate and p50/p95 durations for each of the last `days` days."""
    service.get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    return daily_stats(session, workflow_id=workflow_id, days=days)
