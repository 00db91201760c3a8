"""The seed's suggestions API: `workflow-suggestions/` (list, detail, generate, accept, reject)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.enums import SuggestionKind, SuggestionStatus
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging
from crmflow.simulation.service import Options
from crmflow.suggestions import service
from crmflow.suggestions.llm import refiner_from_settings
from crmflow.suggestions.schemas import DecisionIn, GenerateIn, JobOut, SuggestionOut

router = APIRouter(prefix="/workflow/workflow-suggestions", tags=["suggestions"])


@router.get("/", response_model=Page[SuggestionOut], summary="List suggestions")
def list_suggestions(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    status_filter: Annotated[SuggestionStatus | None, Query(alias="status")] = None,
    kind: SuggestionKind | None = None,
    workflow_id: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """The company's suggestions, most confident first."""
    return service.list_suggestions(
        session,
        company_id=principal.company_id,
        params=params,
        status=status_filter.value if status_filter else None,
        kind=kind.value if kind else None,
        workflow_id=workflow_id,
    )


@router.post(
    "/generate/",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Mine the history for suggestions (a job with progress)",
)
def generate(
    body: GenerateIn,
    session: DbSession,
    principal: Writer,
    request: Request,
    jobs: BackgroundTasks,
) -> Any:
    """Start a generation over the last `days`; follow it with GET .../generate/{job_id}/ until
    `status` is `completed` (or `failed`)."""
    job = service.queue_job(
        session,
        principal=principal,
        days=body.days,
        min_occurrences=body.min_occurrences,
        use_llm=body.use_llm,
    )
    settings = request.app.state.settings
    jobs.add_task(
        service.run_job,
        request.app.state.session_factory,
        job_id=job.id,
        options=Options.from_settings(settings),
        read_factory=request.app.state.read_session_factory,
        refiner=refiner_from_settings(settings),
        language=body.language,
    )
    return job


@router.get("/generate/{job_id}/", response_model=JobOut, summary="A generation job's progress")
def get_job(job_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Its status, progress (0-100), stage, and the suggestions it created or refreshed."""
    return service.get_job(session, company_id=principal.company_id, job_id=job_id)


@router.get("/{suggestion_id}/", response_model=SuggestionOut, summary="Get a suggestion")
def get_suggestion(suggestion_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """One suggestion with its evidence, change and back-test."""
    return service.get_suggestion(
        session, company_id=principal.company_id, suggestion_id=suggestion_id
    )


@router.post(
    "/{suggestion_id}/accept/", response_model=SuggestionOut, summary="Accept a suggestion"
)
def accept(suggestion_id: Id, body: DecisionIn, session: DbSession, principal: Writer) -> Any:
    """Apply its change as a new draft version of the workflow (a draft copy when the workflow is
    active; a new draft workflow for a proposed one). 409 when the workflow changed since."""
    return service.accept(
        session, principal=principal, suggestion_id=suggestion_id, notes=body.notes
    )


@router.post(
    "/{suggestion_id}/reject/", response_model=SuggestionOut, summary="Reject a suggestion"
)
def reject(suggestion_id: Id, body: DecisionIn, session: DbSession, principal: Writer) -> Any:
    """Turn it down with notes; the same pattern is not proposed again."""
    return service.reject(
        session, principal=principal, suggestion_id=suggestion_id, notes=body.notes
    )
