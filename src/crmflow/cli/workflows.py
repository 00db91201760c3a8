"""`crmflow workflows`: export, import, and the run statistics of a company's workflows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from crmflow.cli.terminal import admin_principal, console, fail, get_settings, prepare
from crmflow.common.enums import FINISHED_IN_ORDER, ExecutionStatus
from crmflow.db.session import session_scope
from crmflow.executions.stats import workflow_stats
from crmflow.workflows.models import Workflow

workflows_app = typer.Typer(
    help="Export and import workflows as JSON; show their run statistics.", no_args_is_help=True
)
# The API's and the UI's definition, word for word (docs/workflows.md).
SUCCESS_RATE = (
    "success rate = success / (success + completed with errors + failed + rejected); "
    "skipped and cancelled runs are beside it, not in it"
)


@workflows_app.command("export")
def workflows_export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="file to write ('-' = stdout)")
    ] = Path("-"),
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
) -> None:
    """Export every workflow of a company as canonical JSON (credentials masked)."""
    from crmflow.workflows.transfer import canonical_json, export_document

    prepare()
    with session_scope(get_settings().database_url) as session:
        principal = admin_principal(session, company)
        workflows = list(
            session.scalars(
                select(Workflow)
                .where(Workflow.company_id == principal.company_id)
                .order_by(Workflow.id)
            )
        )
        text = canonical_json(export_document(workflows))
    if str(output) == "-":
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"exported {len(workflows)} workflows to {output}")


@workflows_app.command("import")
def workflows_import(
    source: Annotated[Path, typer.Argument(help="JSON file written by `workflows export`")],
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
) -> None:
    """Import workflows as drafts, validated like the API; all of them or none."""
    from crmflow.common.errors import DomainError
    from crmflow.workflows.transfer import import_document

    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{source}: {exc}")
        return
    prepare()
    with session_scope(get_settings().database_url) as session:
        principal = admin_principal(session, company)
        try:
            created = import_document(session, principal=principal, document=data)
        except DomainError as exc:
            fail(f"{source}: {exc.message}")
            return
    console.print(f"imported {len(created)} workflows (as drafts)")


@workflows_app.command("stats")
def workflows_stats(
    workflow_id: Annotated[
        int | None, typer.Argument(help="one workflow (default: every workflow of the company)")
    ] = None,
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Runs per outcome and the success rate, as GET /workflows/{id}/stats counts them."""
    prepare()
    with session_scope(get_settings().database_url) as session:
        principal = admin_principal(session, company)
        query = select(Workflow).where(Workflow.company_id == principal.company_id)
        if workflow_id is not None:
            query = query.where(Workflow.id == workflow_id)
        workflows = list(session.scalars(query.order_by(Workflow.id)))
        if workflow_id is not None and not workflows:
            fail(f"no workflow {workflow_id} in this company")
        rows = [{"name": w.name, **workflow_stats(session, workflow_id=w.id)} for w in workflows]
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return
    table = Table(title="Runs per outcome", caption=SUCCESS_RATE, box=box.SIMPLE)
    for column in ("id", "workflow", "runs", *(_label(s) for s in FINISHED_IN_ORDER), "rate"):
        table.add_column(column, justify="left" if column == "workflow" else "right")
    for row in rows:
        rate = row["success_rate"]
        table.add_row(
            str(row["workflow_id"]),
            row["name"],
            str(row["total_executions"]),
            *(str(row[f"{s.value}_count"]) for s in FINISHED_IN_ORDER),
            "—" if rate is None else f"{rate:.1f} %",
        )
    # Data goes to stdout, wide enough for its columns when piped.
    Console(width=None if sys.stdout.isatty() else 150).print(table)


def _label(status: ExecutionStatus) -> str:
    # `partial` reads as what it is everywhere people see it.
    return "completed with errors" if status == ExecutionStatus.PARTIAL else status.value
