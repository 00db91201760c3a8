"""The `crmflow` command: serve, db, demo, users, workflows, bench."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from sqlalchemy import select

from crmflow.cli.simulate import simulate_app
from crmflow.cli.suggestions import run_generation, suggestions_app
from crmflow.cli.terminal import admin_principal, console, fail, get_settings, prepare
from crmflow.cli.workflows import workflows_app
from crmflow.db.base import utcnow
from crmflow.db.session import dispose_all, mask_url, session_scope

app = typer.Typer(help="crmflow: workflow automation for a CRM.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users and API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(workflows_app, name="workflows")
app.add_typer(simulate_app, name="simulate")
app.add_typer(suggestions_app, name="suggestions")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="load demo data; show the demo accounts on sign-in")
    ] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="API processes (Celery runtime only: the embedded runtime lives in the one "
            "API process)",
        ),
    ] = 1,
    runtime_process: Annotated[
        bool | None,
        typer.Option(
            "--runtime-process/--in-process",
            help="embedded runtime: in a child process (a core of its own, ~1.25x the events/s) "
            "or in the API process [default: CRMFLOW_RUNTIME_PROCESS, else in-process]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the API, the UI and the embedded runtime."""
    from crmflow.main import create_app, serve_app

    settings = get_settings()
    if runtime_process is not None:
        settings = settings.model_copy(update={"runtime_process": runtime_process})
    if workers > 1 and settings.runtime != "celery":
        fail(
            "--workers needs the Celery runtime (CRMFLOW_RUNTIME=celery with PostgreSQL): the "
            "embedded runtime runs inside the single API process"
        )
    token = prepare()
    if token:
        console.print(
            f"[bold green]admin {settings.admin_email}[/] API token (shown once): {token}"
        )
    if demo:
        _load_demo(None)
        settings = settings.model_copy(update={"demo": True})
    where = " (own process)" if settings.runtime_process and settings.runtime == "embedded" else ""
    console.print(
        f"crmflow on http://{host}:{port} (API docs: /docs) — database "
        f"{mask_url(settings.database_url)}, runtime {settings.runtime}{where}"
    )
    if workers > 1:
        # Each process builds its app from the environment (the database is migrated above).
        if demo:
            os.environ["CRMFLOW_DEMO"] = "1"
        dispose_all()  # no connection of this process may be inherited by the workers
        serve_app(
            "crmflow.main:create_app", host=host, port=port, log_level=log_level, workers=workers
        )
        return
    serve_app(create_app(settings), host=host, port=port, log_level=log_level)


def _celery_argv(ctx: typer.Context, command: str) -> tuple[Any, list[str]]:
    """Check the database and broker, then build Celery's argv (extra options pass through)."""
    settings = get_settings()  # first: importing the Celery app reads the settings too
    from crmflow.runtime.celery_app import celery_app, configure
    from crmflow.runtime.celery_client import BrokerUnavailable, check_broker

    prepare()
    # The parent forks the pool processes: it must not hold database connections they
    # would inherit and share.
    dispose_all()
    try:
        check_broker(settings)
    except BrokerUnavailable as exc:
        fail(str(exc))
    configure(celery_app, settings)
    return celery_app, [command, *ctx.args]


EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}


@app.command(context_settings=EXTRA_ARGS)
def worker(ctx: typer.Context) -> None:
    """Run a Celery worker (CRMFLOW_RUNTIME=celery); extra options go to Celery, e.g.
    `crmflow worker --concurrency 2 --hostname w1@%h`."""
    celery_app, argv = _celery_argv(ctx, "worker")
    if not any(a.startswith(("--loglevel", "-l")) for a in argv):
        argv.append("--loglevel=info")
    # Notifications made by runs here reach the API's sockets through Redis.
    from crmflow.live import fanout

    fanout.activate()
    celery_app.worker_main(argv)


@app.command(context_settings=EXTRA_ARGS)
def beat(ctx: typer.Context) -> None:
    """Run Celery beat: the seed's schedule plus the relay tick; extra options go to Celery."""
    celery_app, argv = _celery_argv(ctx, "beat")
    if not any(a.startswith(("--loglevel", "-l")) for a in argv):
        argv.append("--loglevel=info")  # one line per task sent: the audit trail of the beat
    celery_app.start(argv)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (also done automatically by `serve`)."""
    prepare()
    console.print(f"database {mask_url(get_settings().database_url)} is up to date")


def _load_demo(company: str | None) -> None:
    from crmflow.demo import has_demo_data, seed_demo

    settings = get_settings()
    with session_scope(settings.database_url) as session:
        admin = admin_principal(session, company)
        if has_demo_data(session, company_id=admin.company_id):
            name = company or "the first company"
            console.print(f"{name} already has data; demo not loaded again")
            return
        counts = seed_demo(session, company_id=admin.company_id, admin_user_id=admin.user_id)
    # Mined once (no language model), so the suggestions inbox has something on the first visit;
    # after the seeding session is closed, as on SQLite the job's writer sessions need the lock.
    _, outcome = run_generation(settings, admin, days=30, min_occurrences=10, llm=False)
    counts["suggestions"] = outcome.created if outcome else 0
    console.print("demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command()
def demo(
    company: Annotated[str | None, typer.Option(help="company name (default: the first)")] = None,
) -> None:
    """Load demo data: a sales team, accounts, deals, 90 days of activity, active templates."""
    prepare()
    _load_demo(company)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="the user's email")],
    company: Annotated[str, typer.Option(help="company name (created when new)")],
    role: Annotated[str, typer.Option(help="admin | editor | viewer")] = "editor",
    titles: Annotated[str, typer.Option(help="comma-separated, e.g. sales,manager")] = "",
    name: Annotated[str, typer.Option(help="display name")] = "",
    manager_email: Annotated[str | None, typer.Option(help="email of their manager")] = None,
    password: Annotated[str | None, typer.Option(help="password for UI sign-in")] = None,
    token: Annotated[bool, typer.Option("--token/--no-token", help="also issue a token")] = True,
) -> None:
    """Create a user (and the company when new); print an API token."""
    from crmflow.auth.models import User
    from crmflow.auth.service import create_user, get_or_create_company, issue_token
    from crmflow.common.enums import Role
    from crmflow.common.errors import DomainError

    try:
        Role(role)
    except ValueError:
        fail(f"--role: {role!r} is not one of admin, editor, viewer")
    prepare()
    with session_scope(get_settings().database_url) as session:
        try:
            target = get_or_create_company(session, name=company)
        except DomainError as exc:
            fail(exc.message)
            return
        manager_id = None
        if manager_email:
            manager = session.scalar(
                select(User).where(
                    User.company_id == target.id, User.email == manager_email.lower()
                )
            )
            if manager is None:
                fail(f"--manager-email: no user {manager_email} in company {company!r}")
                return
            manager_id = manager.id
        try:
            user = create_user(
                session,
                company_id=target.id,
                email=email,
                name=name,
                role=role,
                titles=[t for t in titles.split(",") if t.strip()],
                manager_id=manager_id,
                password=password,
            )
        except DomainError as exc:
            fail(exc.message)
            return
        plain = issue_token(session, user=user, name="cli") if token else None
        user_id = user.id
    console.print(f"user {email} (id {user_id}, {role}) in company {company!r}")
    if plain:
        print(plain)


@users_app.command("token")
def users_token(
    email: Annotated[str, typer.Option(help="the user's email")],
    company: Annotated[
        str | None, typer.Option(help="company (when the email is in several)")
    ] = None,
    name: Annotated[str, typer.Option(help="label for the token")] = "cli",
    expires_in_days: Annotated[
        int | None,
        typer.Option(min=1, max=3650, help="the token stops working after this many days"),
    ] = None,
) -> None:
    """Issue a new API token for an existing user and print it."""
    from crmflow.auth.models import Company, User
    from crmflow.auth.service import SESSION_TOKEN_NAME, issue_token

    if name.strip().lower() == SESSION_TOKEN_NAME:
        # Sign-out everywhere revokes tokens by this name: an API token must never carry it.
        fail(f"--name {SESSION_TOKEN_NAME!r} is reserved for browser sessions")
    prepare()
    with session_scope(get_settings().database_url) as session:
        query = select(User).where(User.email == email.strip().lower())
        if company:
            query = query.join(Company, Company.id == User.company_id).where(
                Company.name == company
            )
        users = list(session.scalars(query))
        if not users:
            fail(f"no user with email {email}" + (f" in company {company!r}" if company else ""))
            return
        if len(users) > 1:
            fail(f"{email} exists in several companies: pass --company")
            return
        expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
        plain = issue_token(session, user=users[0], name=name, expires_at=expires)
    print(plain)


@app.command()
def bench(
    runtime: Annotated[
        Literal["embedded", "celery"],
        typer.Option(help="embedded (SQLite, in process) or celery (PostgreSQL + Redis workers)"),
    ] = "embedded",
    scenario: Annotated[
        Literal["standard", "delays", "simulation", "suggestions"],
        typer.Option(
            help="standard: throughput, latency (and /stats); delays: N executions whose delays "
            "fall due at once, resumed by the embedded runtime; simulation: a 50-step "
            "simulation and a back-test over --events recorded events (default 100,000); "
            "suggestions: accuracy on planted histories and one generation over --executions "
            "runs (default 1,000,000)"
        ),
    ] = "standard",
    executions: Annotated[
        int | None,
        typer.Option(
            help="delays: executions waiting on delays that fall due at once (default 10,000); "
            "suggestions: executions in the speed run (default 1,000,000)"
        ),
    ] = None,
    events: Annotated[
        int | None,
        typer.Option(
            help="events in the throughput run (default 5,000); simulation: recorded events "
            "in the back-test (default 100,000)"
        ),
    ] = None,
    seeds: Annotated[
        int, typer.Option(min=1, max=100, help="suggestions: planted histories for the accuracy")
    ] = 10,
    rate: Annotated[
        int | None,
        typer.Option(help="events/s offered in the latency run (default: embedded 500, celery 50)"),
    ] = None,
    latency_seconds: Annotated[float, typer.Option(help="duration of the latency run")] = 10.0,
    workflows: Annotated[
        int, typer.Option(help="embedded: extra active workflows that never match")
    ] = 0,
    stats_rows: Annotated[
        int, typer.Option(help="embedded: executions behind the /stats timing (0: skip)")
    ] = 0,
    workers: Annotated[int, typer.Option(help="celery: worker processes to start")] = 2,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="celery: PostgreSQL server to make a scratch database on (default: "
            "CRMFLOW_DATABASE_URL); delays: the same, else a temporary SQLite file"
        ),
    ] = None,
    broker_url: Annotated[
        str | None,
        typer.Option(help="celery: Redis broker (default: CELERY_BROKER_URL or REDIS_URL)"),
    ] = None,
    http: Annotated[
        bool,
        typer.Option(
            "--http",
            help="the front door: wrk POSTs to a real `crmflow serve` (events, inbound hook, "
            "organisations) beside a minimal FastAPI floor served the same way",
        ),
    ] = False,
    duration: Annotated[
        float, typer.Option(min=1, max=600, help="--http: seconds of load per scenario")
    ] = 20.0,
    connections: Annotated[
        int, typer.Option(min=1, max=256, help="--http: concurrent connections")
    ] = 8,
    api_workers: Annotated[
        int, typer.Option(min=1, max=64, help="--http --runtime celery: API processes")
    ] = 2,
    runtime_process: Annotated[
        bool,
        typer.Option(
            "--runtime-process/--in-process",
            help="--http embedded: run the runtime in a process of its own, or in the API's",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Measure a runtime (executions/s, event-to-done latency) against a floor from the same run:
    the same rows in plain SQL (embedded) or no-op Celery tasks on the same workers (celery).
    `--scenario delays`: N waits falling due at once, beside the same N runs started fresh.
    `--http`: requests/s, response times and runs completed/s through `crmflow serve`."""
    if http:
        result = _bench_http(
            duration=duration,
            connections=connections,
            runtime=runtime,
            api_workers=api_workers,
            workers=workers,
            database_url=database_url,
            broker_url=broker_url,
            runtime_process=runtime_process,
            as_json=as_json,
        )
    elif scenario == "suggestions":
        from crmflow.bench.suggestions import run_suggestions_bench

        result = run_suggestions_bench(
            executions=executions or 1_000_000, seeds=seeds, quiet=as_json
        )
    elif scenario == "simulation":
        from crmflow.bench.simulation import run_simulation_bench

        result = run_simulation_bench(events=events or 100_000, quiet=as_json)
    elif scenario == "delays":
        if runtime != "embedded":
            fail("--scenario delays measures the embedded runtime (drop --runtime celery)")
        result = _bench_delays(
            executions=10000 if executions is None else executions,
            database_url=database_url,
            as_json=as_json,
        )
    elif runtime == "celery":
        result = _bench_celery(
            events=events or 5000,
            rate=rate or 50,
            latency_seconds=latency_seconds,
            workers=workers,
            database_url=database_url,
            broker_url=broker_url,
            quiet=as_json,
        )
    else:
        from crmflow.bench import run_bench

        result = run_bench(
            events=events or 5000,
            rate=rate or 500,
            latency_seconds=latency_seconds,
            extra_workflows=workflows,
            stats_rows=stats_rows,
            quiet=as_json,
        )
    if as_json:
        json.dump(result, sys.stdout, indent=2)
        print()


def _bench_http(
    *,
    duration: float,
    connections: int,
    runtime: str,
    api_workers: int,
    workers: int,
    database_url: str | None,
    broker_url: str | None,
    runtime_process: bool,
    as_json: bool,
) -> dict[str, Any]:
    from crmflow.bench.celery import BenchSetupError
    from crmflow.bench.http import run_http_bench
    from crmflow.bench.http_report import print_http_report
    from crmflow.bench.wrk import WrkUnavailable

    settings = get_settings()
    try:
        result = run_http_bench(
            seconds=duration,
            connections=connections,
            quiet=as_json,
            runtime=runtime,
            database_url=database_url or settings.database_url,
            broker_url=broker_url or settings.broker_url,
            api_workers=api_workers,
            workers=workers,
            runtime_process=runtime_process,
        )
    except (WrkUnavailable, BenchSetupError, RuntimeError) as exc:
        fail(f"http bench: {exc}")
    if not as_json:
        print_http_report(result)
    return result


def _bench_delays(*, executions: int, database_url: str | None, as_json: bool) -> dict[str, Any]:
    from crmflow.bench.celery import BenchSetupError
    from crmflow.bench.delays import BenchFailed, run_delays_bench

    if executions < 1:
        fail("--executions must be at least 1")
    try:
        return run_delays_bench(executions=executions, database_url=database_url, quiet=as_json)
    except BenchSetupError as exc:
        fail(str(exc))
    except BenchFailed as exc:
        if as_json and exc.result is not None:
            json.dump(exc.result, sys.stdout, indent=2)
            print()
        fail(f"delays bench: {exc}")
    raise AssertionError("unreachable: _fail exits")


def _bench_celery(
    *,
    events: int,
    rate: int,
    latency_seconds: float,
    workers: int,
    database_url: str | None,
    broker_url: str | None,
    quiet: bool,
) -> dict[str, Any]:
    from crmflow.bench.celery import BenchSetupError, run_celery_bench

    if workers < 1 or events < 1 or rate < 1:
        fail("--workers, --events and --rate must be at least 1")
    settings = get_settings()
    try:
        return run_celery_bench(
            database_url=database_url or settings.database_url,
            broker_url=broker_url or settings.broker_url,
            workers=workers,
            events=events,
            rate=rate,
            latency_seconds=latency_seconds,
            quiet=quiet,
        )
    except BenchSetupError as exc:
        fail(str(exc))
        raise  # unreachable: _fail exits


@app.command()
def openapi(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write to FILE")] = None,
) -> None:
    """Print the OpenAPI document (the web UI's typed client is generated from it)."""
    from crmflow.main import create_app

    document = json.dumps(create_app(start_runtime=False).openapi(), indent=1, sort_keys=True)
    if output is None:
        sys.stdout.write(document + "\n")
    else:
        output.write_text(document + "\n", encoding="utf-8")


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI."""
    app()
