"""`crmflow suggestions generate`: mine the history for suggestions, with a progress bar."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crmflow.cli.terminal import admin_principal, console, fail, get_settings, prepare
from crmflow.common.enums import SuggestionStatus
from crmflow.common.errors import Conflict
from crmflow.db.session import get_session_factory, session_scope

if TYPE_CHECKING:
    from crmflow.auth.service import Principal
    from crmflow.config import Settings
    from crmflow.suggestions.generator import Outcome

suggestions_app = typer.Typer(help="Suggestions mined from the history.", no_args_is_help=True)


def run_generation(
    settings: Settings,
    principal: Principal,
    *,
    days: int,
    min_occurrences: int,
    llm: bool,
    language: str = "en",
    on_progress: Callable[[float, str], None] | None = None,
) -> tuple[int, Outcome | None]:
    """Queue a generation job and run it here to the end; the job's id and what it saved."""
    from crmflow.simulation.service import Options
    from crmflow.suggestions import service
    from crmflow.suggestions.llm import refiner_from_settings

    with session_scope(settings.database_url) as session:
        try:
            job_id = service.queue_job(
                session,
                principal=principal,
                days=days,
                min_occurrences=min_occurrences,
                use_llm=llm,
            ).id
        except Conflict as exc:
            fail(str(exc))
    outcome = service.run_job(
        get_session_factory(settings.database_url),
        job_id=job_id,
        options=Options.from_settings(settings),
        read_factory=get_session_factory(settings.database_url, writer=False),
        refiner=refiner_from_settings(settings) if llm else None,
        language=language,
        on_progress=on_progress,
    )
    return job_id, outcome


@suggestions_app.command("generate")
def generate(
    days: Annotated[int, typer.Option(min=1, max=365, help="how far back to look")] = 30,
    min_occurrences: Annotated[
        int, typer.Option(min=3, help="how often a pattern must have been seen")
    ] = 10,
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
    llm: Annotated[bool, typer.Option(help="let CRMFLOW_LLM_* rewrite the texts")] = True,
    language: Annotated[str, typer.Option(help="en or fr, for rewritten texts")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="print the suggestions as JSON")] = False,
) -> None:
    """Run every miner over the last DAYS, check and back-test each change, save the results."""
    from crmflow.suggestions.models import SuggestionJob, WorkflowSuggestion

    if language not in ("en", "fr"):
        fail("--language: en or fr")
    prepare()
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        principal = admin_principal(session, company)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f} %"),
    )
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=as_json) as bar:
        task = bar.add_task("starting", total=100)
        job_id, _ = run_generation(
            settings,
            principal,
            days=days,
            min_occurrences=min_occurrences,
            llm=llm,
            language=language,
            on_progress=lambda done, stage: bar.update(
                task, completed=done, description=stage[:60]
            ),
        )
        bar.update(task, completed=100, description="done")
    with session_scope(settings.database_url) as session:
        job = session.get(SuggestionJob, job_id)
        assert job is not None
        if job.error:
            fail(f"generation failed: {job.error}")
        rows = (
            session.query(WorkflowSuggestion)
            .filter(
                WorkflowSuggestion.company_id == principal.company_id,
                WorkflowSuggestion.status == SuggestionStatus.PENDING,
            )
            .order_by(WorkflowSuggestion.confidence_score.desc())
            .all()
        )
        items = [
            {
                "id": r.id,
                "kind": r.kind,
                "confidence": r.confidence_score,
                "frequency": r.pattern_frequency,
                "title": r.title,
                "workflow_id": r.workflow_id,
            }
            for r in rows
        ]
        summary = (
            f"{job.created_count} new, {job.refreshed_count} refreshed, "
            f"{len(job.discarded)} discarded in {(job.duration_ms or 0) / 1000:.1f} s"
        )
    if as_json:
        print(json.dumps({"summary": summary, "pending": items}, indent=2, ensure_ascii=False))
        return
    console.print(summary)
    table = Table(title="Pending suggestions", box=box.SIMPLE)
    for column in ("id", "kind", "confidence", "seen", "workflow", "title"):
        table.add_column(column, justify="left" if column in ("kind", "title") else "right")
    for item in items:
        table.add_row(
            str(item["id"]),
            str(item["kind"]),
            f"{item['confidence']:.2f}",
            str(item["frequency"]),
            str(item["workflow_id"] or "new"),
            str(item["title"]),
        )
    Console(width=150).print(table)
