"""Suggestions: generation jobs, the inbox, and accepting or rejecting with notes."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crmflow.auth.service import Principal
from crmflow.common.enums import JobStatus, SuggestionStatus, WorkflowStatus
from crmflow.common.errors import Conflict, NotFound
from crmflow.common.pagination import PageParams, make_page, paginate
from crmflow.db.base import utcnow
from crmflow.simulation.service import Options
from crmflow.suggestions.generator import Outcome, mine_and_check, proposed_definition, save
from crmflow.suggestions.llm import Refiner
from crmflow.suggestions.models import SuggestionJob, WorkflowSuggestion
from crmflow.suggestions.patch import PatchError
from crmflow.suggestions.totals import count_reached
from crmflow.workflows.models import Workflow
from crmflow.workflows.service import create_workflow, get_workflow, update_workflow

log = logging.getLogger("crmflow.suggestions")


def queue_job(
    session: Session, *, principal: Principal, days: int, min_occurrences: int, use_llm: bool
) -> SuggestionJob:
    """Record a generation job (queued); one at a time per company."""
    fail_interrupted_jobs(session, company_id=principal.company_id)
    busy = session.scalar(
        select(SuggestionJob.id).where(
            SuggestionJob.company_id == principal.company_id,
            SuggestionJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
    )
    if busy is not None:
        # Two at once would race to insert the same patterns (the pending fingerprint is unique).
        raise Conflict(f"a generation is already running: follow job {busy} until it ends")
    job = SuggestionJob(
        company_id=principal.company_id,
        days=days,
        min_occurrences=min_occurrences,
        use_llm=use_llm,
        created_by=principal.user_id,
        discarded=[],
    )
    session.add(job)
    session.commit()
    return job


def run_job(
    factory: sessionmaker[Session],
    *,
    job_id: int,
    options: Options,
    read_factory: sessionmaker[Session] | None = None,
    refiner: Refiner | None = None,
    language: str = "en",
    on_progress: Callable[[float, str], None] | None = None,
) -> Outcome | None:
    """Run a queued job to the end, saving progress as it goes; never raises."""
    started = time.perf_counter()
    with factory() as session:
        job = session.get(SuggestionJob, job_id)
        if job is None or job.status != JobStatus.QUEUED:
            return None
        job.status = JobStatus.RUNNING
        session.commit()
        company_id, days, minimum, use_llm = (
            job.company_id,
            job.days,
            job.min_occurrences,
            job.use_llm,
        )

    def progress(percent: float, stage: str) -> None:
        with factory() as writer:
            found = writer.get(SuggestionJob, job_id)
            if found is not None:
                found.progress, found.stage = round(percent, 1), stage[:200]
                writer.commit()
        if on_progress:
            on_progress(percent, stage)

    outcome: Outcome | None = None
    error = None
    try:
        # On SQLite a writer session would hold the write lock while mining: read apart.
        with (read_factory or factory)() as reader:
            outcome = mine_and_check(
                reader,
                company_id=company_id,
                days=days,
                min_occurrences=minimum,
                options=options,
                progress=progress,
            )
        progress(95.0, "saving")
        with factory() as writer:
            save(
                writer,
                outcome,
                company_id=company_id,
                refiner=refiner if use_llm else None,
                language=language,
            )
            promote_implemented(writer, company_id=company_id)
    except Exception as exc:  # a job reports its failure instead of dying silently
        log.exception("suggestion job %s failed", job_id)
        error = f"{type(exc).__name__}: {exc}"
    with factory() as session:
        job = session.get(SuggestionJob, job_id)
        if job is not None:
            job.status = JobStatus.FAILED if error else JobStatus.COMPLETED
            job.error = error
            job.progress = job.progress if error else 100.0
            job.stage = JobStatus.FAILED.value if error else "done"
            if outcome is not None and not error:
                job.created_count, job.refreshed_count = outcome.created, outcome.refreshed
                job.discarded = outcome.discarded[:200]
            job.finished_at = utcnow()
            job.duration_ms = round((time.perf_counter() - started) * 1000, 1)
            session.commit()
    return outcome if not error else None


# A running job saves its progress after each miner and back-test: one whose row has not moved
# for this long was interrupted (its server stopped).
STALE_AFTER_MINUTES = 10


def fail_interrupted_jobs(session: Session, *, company_id: int | None = None) -> int:
    """Mark generation jobs that stopped moving as failed (at start-up, and before a new job of
    the company); return how many."""
    cutoff = utcnow() - timedelta(minutes=STALE_AFTER_MINUTES)
    query = select(SuggestionJob).where(
        SuggestionJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        SuggestionJob.updated_at < cutoff,
    )
    if company_id is not None:
        query = query.where(SuggestionJob.company_id == company_id)
    rows = session.scalars(query).all()
    for row in rows:
        row.status = JobStatus.FAILED
        row.error = "interrupted: the server stopped while it ran; generate again"
        row.finished_at = utcnow()
    session.commit()
    return len(rows)


def promote_implemented(session: Session, *, company_id: int) -> int:
    """Accepted suggestions whose workflow is now active are implemented; return how many."""
    rows = session.scalars(
        select(WorkflowSuggestion).where(
            WorkflowSuggestion.company_id == company_id,
            WorkflowSuggestion.status == SuggestionStatus.ACCEPTED,
            WorkflowSuggestion.applied_workflow_id.is_not(None),
        )
    ).all()
    promoted: Counter[tuple[str, str]] = Counter()
    for row in rows:
        workflow = session.get(Workflow, row.applied_workflow_id)
        if workflow is not None and workflow.status == WorkflowStatus.ACTIVE:
            row.status = SuggestionStatus.IMPLEMENTED
            promoted[(row.source, row.status)] += 1
    count_reached(session, promoted)
    session.commit()
    return promoted.total()


def get_job(session: Session, *, company_id: int, job_id: int) -> SuggestionJob:
    """One generation job of the company."""
    job = session.get(SuggestionJob, job_id)
    if job is None or job.company_id != company_id:
        raise NotFound(f"suggestion job {job_id} not found")
    return job


def list_suggestions(
    session: Session,
    *,
    company_id: int,
    params: PageParams,
    status: str | None,
    kind: str | None,
    workflow_id: int | None,
) -> dict[str, Any]:
    """The inbox: most confident first."""
    query = select(WorkflowSuggestion).where(WorkflowSuggestion.company_id == company_id)
    if status:
        query = query.where(WorkflowSuggestion.status == status)
    if kind:
        query = query.where(WorkflowSuggestion.kind == kind)
    if workflow_id is not None:
        query = query.where(WorkflowSuggestion.workflow_id == workflow_id)
    query = query.order_by(WorkflowSuggestion.confidence_score.desc(), WorkflowSuggestion.id.desc())
    rows, total = paginate(session, query, params)
    return make_page(rows, total, params)


def get_suggestion(session: Session, *, company_id: int, suggestion_id: int) -> WorkflowSuggestion:
    """One suggestion of the company."""
    row = session.get(WorkflowSuggestion, suggestion_id)
    if row is None or row.company_id != company_id:
        raise NotFound(f"suggestion {suggestion_id} not found")
    return row


def _pending(session: Session, principal: Principal, suggestion_id: int) -> WorkflowSuggestion:
    row = get_suggestion(session, company_id=principal.company_id, suggestion_id=suggestion_id)
    if row.status != SuggestionStatus.PENDING:
        raise Conflict(f"suggestion {suggestion_id} is already {row.status}")
    return row


def accept(
    session: Session, *, principal: Principal, suggestion_id: int, notes: str
) -> WorkflowSuggestion:
    """Apply the change as a new draft version (a draft copy when the workflow is live)."""
    row = _pending(session, principal, suggestion_id)
    change = row.change
    title, row_id = row.title, row.id
    if change is not None:
        try:
            definition = proposed_definition(session, principal.company_id, change)
        except PatchError as exc:
            raise Conflict(
                f"the workflow changed since this was mined ({exc}); generate suggestions again"
            ) from None
        workflow = _apply(session, principal, change, definition, f"suggestion {row_id}: {title}")
        row = get_suggestion(session, company_id=principal.company_id, suggestion_id=row_id)
        row.applied_workflow_id, row.applied_version = workflow.id, workflow.version_number
    return _decide(session, principal, row, SuggestionStatus.ACCEPTED, notes)


def _apply(
    session: Session,
    principal: Principal,
    change: dict[str, Any],
    definition: dict[str, Any],
    note: str,
) -> Workflow:
    draft = {**definition, "status": WorkflowStatus.DRAFT.value}
    if change["type"] == "new_workflow":
        return create_workflow(session, principal=principal, data=draft)
    workflow = get_workflow(
        session, company_id=principal.company_id, workflow_id=change["workflow_id"]
    )
    if workflow.status == WorkflowStatus.ACTIVE:
        # A live workflow is not changed under its runs: the change goes to a draft copy.
        draft["name"] = f"{workflow.name} (suggested)"[:300]
        return create_workflow(session, principal=principal, data=draft)
    return update_workflow(
        session,
        principal=principal,
        workflow_id=workflow.id,
        changes={**definition, "change_note": note[:500]},
    )


def reject(
    session: Session, *, principal: Principal, suggestion_id: int, notes: str
) -> WorkflowSuggestion:
    """Turn a suggestion down (the same pattern is not proposed again)."""
    row = _pending(session, principal, suggestion_id)
    return _decide(session, principal, row, SuggestionStatus.REJECTED, notes)


def _decide(
    session: Session,
    principal: Principal,
    row: WorkflowSuggestion,
    status: SuggestionStatus,
    notes: str,
) -> WorkflowSuggestion:
    row.status = status.value
    row.notes = notes
    row.decided_by = principal.user_id
    row.decided_at = utcnow()
    count_reached(session, Counter({(row.source, row.status): 1}))
    session.commit()
    return row
