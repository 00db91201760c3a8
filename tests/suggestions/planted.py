"""The planted history, planted and mined for a test (the ground truth: bench PATTERNS)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.config import Settings
from crmflow.db.session import get_session_factory
from crmflow.demo_history import Planted, plant_history
from crmflow.simulation.service import Options
from crmflow.suggestions import service
from crmflow.suggestions.models import WorkflowSuggestion
from tests.conftest import Tenant


def principal_of(tenant: Tenant) -> Principal:
    return Principal(
        user_id=tenant.admin_id, company_id=tenant.company_id, role="admin", email="admin@acme.test"
    )


def plant_and_generate(
    writer_session: Session,
    db_url: str,
    tenant: Tenant,
    *,
    scale: int = 1,
    filler: int = 0,
    **job: Any,
) -> tuple[Planted, list[WorkflowSuggestion], Any]:
    """Plant the history, run one generation job, return what it saved."""
    principal = principal_of(tenant)
    planted = plant_history(
        writer_session, principal=principal, scale=scale, filler=filler, seed=job.get("seed", 7)
    )
    writer_session.commit()
    job_row = service.queue_job(
        writer_session,
        principal=principal,
        days=job.get("days", 30),
        min_occurrences=job.get("min_occurrences", 10),
        use_llm=job.get("use_llm", False),
    )
    writer_session.rollback()
    outcome = service.run_job(
        get_session_factory(db_url),
        job_id=job_row.id,
        options=Options.from_settings(Settings(database_url=db_url)),
        read_factory=get_session_factory(db_url, writer=False),
        refiner=job.get("refiner"),
    )
    writer_session.rollback()
    rows = list(
        writer_session.scalars(
            select(WorkflowSuggestion).where(WorkflowSuggestion.company_id == tenant.company_id)
        )
    )
    return planted, rows, outcome
