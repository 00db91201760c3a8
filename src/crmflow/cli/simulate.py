"""`crmflow simulate`: a workflow's path on one input as a tree; `simulate backtest` on history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.tree import Tree

from crmflow.cli.terminal import admin_principal, console, fail, get_settings, prepare
from crmflow.db.session import session_scope

simulate_app = typer.Typer(
    help="Simulate a workflow (nothing is written or sent), or back-test it over history.",
    invoke_without_command=True,
)
out = Console()
STATUS_STYLE = {"success": "green", "skipped": "dim", "failed": "red", "partial": "yellow"}
WorkflowOption = Annotated[int | None, typer.Option("--workflow", help="the workflow id")]
DefinitionOption = Annotated[
    Path | None, typer.Option("--definition", help="an unsaved definition (JSON file)")
]
CompanyOption = Annotated[str | None, typer.Option(help="company name (default: the first)")]


def _options() -> Any:
    from crmflow.simulation.service import Options

    return Options.from_settings(get_settings())


def _json_file(path: Path | None, what: str) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        value = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{what}: cannot read {path}: {exc}")
    if not isinstance(value, dict):
        fail(f"{what}: {path} must hold a JSON object")
    return dict(value)


def _print_result(row: Any) -> None:
    style = STATUS_STYLE.get(str(row.outcome), "white")
    title = f"simulation {row.id}: [{style}]{row.outcome or row.status}[/]"
    if row.would_trigger is False:
        title += " (would not trigger)"
    tree = Tree(title)
    decisions = row.trigger_data or {}
    for label, key in (("trigger", "decision"), ("conditions", "conditions")):
        decision = decisions.get(key)
        if decision:
            verdict = "[green]holds[/]" if decision["result"] else "[red]does not hold[/]"
            tree.add(f"{label} {verdict}: {decision['explanation']}")
    nodes: dict[int, Tree] = {-1: tree}
    for step in row.execution_path:
        parent = nodes.get(step["depth"] - 1, tree)
        label = f"[{STATUS_STYLE.get(step['status'], 'white')}]{step['status']:8}[/] "
        label += f"{step['name'] or step['type']} [dim]({step['path']})[/]"
        if step.get("message"):
            label += f" — {step['message']}"
        if step.get("error"):
            label += f" [red]{step['error']}[/]"
        nodes[step["depth"]] = parent.add(label)
    out.print(tree)
    for level in row.approval_chain:
        who = ", ".join(u["email"] for u in level["users"]) or f"nobody ({level['error']})"
        out.print(f"approval {level['name'] or level['path']}: {who} ({level['mode']})")
    if row.predicted_duration_ms:
        d = row.predicted_duration_ms
        out.print(f"predicted duration: p50 {d['p50']:.0f} ms, p90 {d['p90']:.0f} ms")
    for issue in [*row.validation_errors, *row.warnings]:
        out.print(f"[yellow]{issue['code']}[/] {issue['path']}: {issue['message']}")


@simulate_app.callback()
def simulate(
    ctx: typer.Context,
    workflow: WorkflowOption = None,
    definition: DefinitionOption = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", help='input_data as a JSON file ({"amount": 1})')
    ] = None,
    entity: Annotated[
        str | None, typer.Option(help="an existing record instead, as type:id (deal:12)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole result as JSON")] = False,
    company: CompanyOption = None,
) -> None:
    """Simulate one run of a workflow and print its path as a tree."""
    if ctx.invoked_subcommand is not None:
        return
    from crmflow.simulation.inputs import SimulationInput
    from crmflow.simulation.schemas import SimulationOut
    from crmflow.simulation.service import create_simulation

    if workflow is None and definition is None:
        fail("give --workflow ID or --definition FILE")
    entity_type = entity_id = None
    if entity:
        kind, _, number = entity.partition(":")
        if not number.isdigit():
            fail(f"--entity: {entity!r} is not type:id (deal:12)")
        entity_type, entity_id = kind, int(number)
    given = SimulationInput(
        input_data=_json_file(input_file, "--input") or {},
        entity_type=entity_type,
        entity_id=entity_id,
    )
    prepare()
    with session_scope(get_settings().database_url) as session:
        principal = admin_principal(session, company)
        try:
            row = create_simulation(
                session,
                company_id=principal.company_id,
                user_id=principal.user_id,
                workflow_id=workflow,
                version=None,
                definition=_json_file(definition, "--definition"),
                given=given,
                options=_options(),
            )
        except Exception as exc:  # noqa: BLE001 - shown as a one-line error
            fail(str(exc))
        if as_json:
            out.print_json(SimulationOut.model_validate(row).model_dump_json())
        else:
            _print_result(row)


@simulate_app.command("backtest")
def backtest_command(
    workflow: WorkflowOption = None,
    definition: DefinitionOption = None,
    days: Annotated[int, typer.Option(min=1, max=365, help="days of recorded events")] = 30,
    company: CompanyOption = None,
) -> None:
    """Replay recorded events through a workflow (or a draft of it), with a progress bar."""
    from crmflow.simulation.backtest import backtest
    from crmflow.simulation.service import resolve_subject

    if workflow is None and definition is None:
        fail("give --workflow ID or --definition FILE")
    prepare()
    with session_scope(get_settings().database_url) as session:
        principal = admin_principal(session, company)
        subject = resolve_subject(
            session,
            company_id=principal.company_id,
            workflow_id=workflow,
            version=None,
            definition=_json_file(definition, "--definition"),
        )
        if subject.errors:
            fail("; ".join(f"{e['path']}: {e['message']}" for e in subject.errors))
        columns = (
            TextColumn("back-test"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} events"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("events", total=0)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = backtest(
                session,
                company_id=principal.company_id,
                subject=subject,
                days=days,
                max_events=1_000_000,
                options=_options(),
                progress=progress,
            )
    out.print_json(json.dumps(report))
