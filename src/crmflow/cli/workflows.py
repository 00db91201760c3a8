"""`crmflow workflows`: export, import, and the run statistics of a company's workflows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from crmflow.cli.terminal import console, fail, get_settings, prepare
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


def _admin_principal(session: Any, company: str | None) -> Any:
    from crmflow.auth.models import Company, User
    from crmflow.auth.service import Principal

    query = select(Company).order_by(Company.id)
    if company:
        query = query.where(Company.name == company)
    target = session.scalars(query).first()
    if target is None:
        fail(f"no company {company!r}")
    admin = session.scalars(
        select(User).where(User.company_id == target.id, User.role == "admin").order_by(User.id)
    ).first()
    if admin is None:
        fail(f"company {target.name!r} has no admin")
    return Principal(user_id=admin.id, company_id=target.id, role="admin", email=admin.email)


@workflows_app.command("export")
def workflows_export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="file to write ('-' = stdout)")
    ] = Path("-"),
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
) -> None:
    """Export every workflow definition of a company as JSON (credentials masked)."""
    from crmflow.vault.masking import mask_definition
    from crmflow.workflows.validation import DEFINITION_KEYS

    prepare()
    with session_scope(get_settings().database_url) as session:
        principal = _admin_principal(session, company)
        items = [
            {
                # Credentials typed in clear are masked: an export is a file people pass around.
                **mask_definition({k: getattr(w, k) for k in DEFINITION_KEYS}),
                "status": w.status,
                "is_template": w.is_template,
            }
            for w in session.scalars(
                select(Workflow)
                .where(Workflow.company_id == principal.company_id)
                .order_by(Workflow.id)
            )
        ]
    text = json.dumps({"crmflow_export": 1, "workflows": items}, indent=2, ensure_ascii=False)
    if str(output) == "-":
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"exported {len(items)} workflows to {output}")


@workflows_app.command("import")
def workflows_import(
    source: Annotated[Path, typer.Argument(help="JSON file written by `workflows export`")],
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
) -> None:
    """Import workflows (validated like the API; imported as drafts unless marked active)."""
    from crmflow.engine.errors import DefinitionError
    from crmflow.workflows.directory import CompanyDirectory
    from crmflow.workflows.schemas import WorkflowCreate
    from crmflow.workflows.service import create_workflow
    from crmflow.workflows.validation import validate_definition

    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{source}: {exc}")
        return
    items = data.get("workflows") if isinstance(data, dict) else data
    if not isinstance(items, list):
        fail(f"{source}: expected {{'workflows': [...]}} or a list of workflows")
        return
    prepare()
    created = 0
    with session_scope(get_settings().database_url) as session:
        principal = _admin_principal(session, company)
        directory = CompanyDirectory(session, principal.company_id)
        # Check every entry before writing any: an import is all or nothing.
        checked = []
        for index, item in enumerate(items):
            name = item.get("name", "?") if isinstance(item, dict) else "?"
            label = f"workflows[{index}] ({name})"
            try:
                body = WorkflowCreate.model_validate(item).model_dump(mode="json")
                validate_definition(body, directory)
            except ValidationError as exc:
                err = exc.errors()[0]
                fail(f"{label}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
            except DefinitionError as exc:
                fail(f"{label}: {exc}")
            checked.append(body)
        for body in checked:
            create_workflow(session, principal=principal, data=body)
            created += 1
    console.print(f"imported {created} workflows")


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
        principal = _admin_principal(session, company)
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
