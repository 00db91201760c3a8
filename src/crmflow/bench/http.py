"""`crmflow bench --http`: the front door, measured with wrk against `crmflow serve`.

A scratch SQLite database gets a company, an owner with a manager and an API token; a real
`crmflow serve` (embedded runtime) and a local SMTP sink start beside it. Each scenario POSTs
for the same duration over the same connections and then waits until every run it started
has finished: `POST /api/v1/events` (a `webhook_received` workflow: amount > 50000 -> create a
task), the same workflow's inbound hook URL, and `POST /organisations` with the seed's
"Alerte manager deal > 50k" active (an email and a notification to the manager). The floor
is a minimal FastAPI app (crmflow.bench.http_floor) served the same way, in the same run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from crmflow.auth.service import create_user, get_or_create_company, issue_token
from crmflow.bench.celery import (
    Drain,
    Workers,
    check_urls,
    refuse_shared_broker,
    scratch_database,
)
from crmflow.bench.runtime import percentile_of
from crmflow.bench.wrk import WrkResult, ensure_wrk, run_wrk
from crmflow.common.enums import FINISHED_STATUSES
from crmflow.config import Settings
from crmflow.db.migrate import upgrade
from crmflow.db.session import dispose_all, get_session_factory
from crmflow.events.models import Event
from crmflow.executions.models import WorkflowExecution
from crmflow.runtime.celery_app import celery_app, configure

TOKEN = "crmflow_bench_http_token_0123456789abcdef"
EVENT_BODY = '{"type": "webhook_received", "payload": {"amount": 75000, "customer": "ACME"}}'
HOOK_BODY = '{"amount": 75000, "customer": "ACME"}'
EVENT_WORKFLOW: dict[str, Any] = {
    "name": "bench: big inbound amount",
    "trigger_type": "webhook_received",
    "conditions": {
        "operator": "AND",
        "rules": [{"field": "trigger.data.amount", "operator": ">", "value": 50000}],
    },
    "actions": [
        {"type": "create_task", "config": {"title": "Call {{ trigger.data.customer }}"}},
    ],
}
SEED_TEMPLATE = "alerte-manager-deal-50k"
# How long the runs a scenario started may take to finish after its load stops.
DRAIN_TIMEOUT_SECONDS = 300.0
START_TIMEOUT_SECONDS = 120.0

Say = Callable[[str], None]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited ({process.returncode}): {log.read_text()[-800:]}"
            )
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {START_TIMEOUT_SECONDS:g} s")


@contextmanager
def _process(
    argv: list[str], env: dict[str, str], log: Path, health: str | None = None
) -> Iterator[None]:
    """Run a process until the block ends (stopped politely, then killed).

    With `health`, the block starts once that URL answers (a server); without, at once (beat).
    """
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        if health is not None:
            _wait_up(health, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _smtp_sink() -> Iterator[tuple[int, Counter[str]]]:
    """A local SMTP server that accepts and counts every message (aiosmtpd)."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError as exc:  # pragma: no cover - installed with the dev extras
        raise RuntimeError("the HTTP bench needs aiosmtpd (pip install -e '.[dev]')") from exc
    received: Counter[str] = Counter()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            received["messages"] += 1
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def _prepare_database(url: str) -> None:
    """Migrate and add the company, a manager and an owner (admin, with the bench token)."""
    upgrade(url)
    with get_session_factory(url)() as session:
        company = get_or_create_company(session, name="Bench HTTP")
        manager = create_user(
            session, company_id=company.id, email="manager@bench.test", name="Manager", role="admin"
        )
        owner = create_user(
            session,
            company_id=company.id,
            email="owner@bench.test",
            name="Owner",
            role="admin",
            manager_id=manager.id,
        )
        issue_token(session, user=owner, token=TOKEN)
        session.commit()


def _setup_workflows(api: httpx.Client) -> str:
    """Create and activate the two workflows; return the inbound hook URL."""
    created = api.post("/workflows", json=EVENT_WORKFLOW)
    created.raise_for_status()
    workflow = created.json()
    api.post(f"/workflows/{workflow['id']}/activate").raise_for_status()
    hook = api.post(f"/workflows/{workflow['id']}/hook", json={})
    hook.raise_for_status()
    seeded = api.post(f"/workflows/templates/{SEED_TEMPLATE}/create")
    seeded.raise_for_status()
    api.post(f"/workflows/{seeded.json()['id']}/activate").raise_for_status()
    return str(hook.json()["inbound_url"])


class RunWatcher:
    """Reads the scratch database: the runs a scenario started and when they finished."""

    def __init__(self, url: str) -> None:
        self.reader = get_session_factory(url, writer=False)

    def last_id(self) -> int:
        """The highest execution id so far."""
        with self.reader() as session:
            return session.scalar(select(func.max(WorkflowExecution.id))) or 0

    def unfinished(self, since: int) -> tuple[int, int]:
        """(runs started after `since`, those not finished yet plus events not dispatched).

        An accepted event has no run until the dispatcher reaches it: it counts as work left.
        """
        with self.reader() as session:
            base = select(func.count()).where(WorkflowExecution.id > since)
            total = session.scalar(base) or 0
            done = session.scalar(base.where(WorkflowExecution.status.in_(FINISHED_STATUSES))) or 0
            undispatched = select(func.count()).where(Event.dispatched_at.is_(None))
            waiting = session.scalar(undispatched) or 0
        return total, total - done + waiting

    def finished_runs(self, since: int) -> dict[str, Any]:
        """Statuses and event-to-done latencies (ms) of the runs started after `since`."""
        with self.reader() as session:
            rows = session.execute(
                select(
                    WorkflowExecution.status,
                    WorkflowExecution.created_at,
                    WorkflowExecution.completed_at,
                    Event.created_at,
                )
                .outerjoin(Event, Event.id == WorkflowExecution.event_id)
                .where(WorkflowExecution.id > since)
            ).all()
        latencies = [
            (done - (event_at or created)).total_seconds() * 1000.0
            for _status, created, done, event_at in rows
            if done is not None
        ]
        latencies.sort()
        statuses = Counter(str(row[0]) for row in rows)
        return {
            "runs": len(rows),
            "statuses": dict(sorted(statuses.items())),
            "event_to_done_p50_ms": round(percentile_of(latencies, 0.50), 1),
            "event_to_done_p99_ms": round(percentile_of(latencies, 0.99), 1),
        }


def _scenario(
    watcher: RunWatcher,
    load: Callable[[float], WrkResult],
    *,
    seconds: float,
) -> dict[str, Any]:
    """Warm up, then load for `seconds` and wait for every run the load started to finish."""
    load(2.0)
    _drain(watcher, 0)
    since = watcher.last_id()
    started = time.perf_counter()
    result = load(seconds)
    backlog = watcher.unfinished(since)[1]
    _drain(watcher, since)
    elapsed = time.perf_counter() - started
    runs = watcher.finished_runs(since)
    return {
        **result.as_dict(),
        "backlog_when_load_stopped": backlog,
        **runs,
        "completed_per_second": round(runs["runs"] / elapsed, 1) if elapsed else 0.0,
        "seconds_to_done": round(elapsed, 2),
    }


def _drain(watcher: RunWatcher, since: int) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    while True:
        total, left = watcher.unfinished(since)
        if left == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{left} of {total} runs still unfinished after the load")
        time.sleep(0.1)


def _serve_env(url: str, smtp_port: int, base: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRMFLOW_", "SMTP_"))}
    env.update(
        CRMFLOW_DATABASE_URL=url,
        CRMFLOW_RUNTIME="embedded",
        CRMFLOW_PUBLIC_URL=base,
        CRMFLOW_HOOK_RATE_LIMIT="1000000",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
    )
    env.pop("SENDGRID_API_KEY", None)
    return env


def measure_floor(wrk: str, scratch: Path, *, seconds: float, connections: int) -> dict[str, Any]:
    """wrk against the minimal FastAPI app: async and sync endpoints."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "crmflow.bench.http_floor", str(port)]
    figures: dict[str, Any] = {}
    with _process(argv, dict(os.environ), scratch / "floor.log", f"{base}/docs"):
        for kind in ("async", "sync"):
            post = {"Content-Type": "application/json"}
            run_wrk(wrk, f"{base}/{kind}", body=EVENT_BODY, headers=post, seconds=2)
            result = run_wrk(
                wrk,
                f"{base}/{kind}",
                body=EVENT_BODY,
                headers=post,
                seconds=seconds,
                connections=connections,
            )
            figures[kind] = result.as_dict()
    return figures


@contextmanager
def _embedded(scratch: Path, smtp_port: int, *, runtime_process: bool) -> Iterator[tuple[str, str]]:
    """`crmflow serve` on a scratch SQLite file: yield (base URL, database URL)."""
    url = f"sqlite:///{scratch / 'bench.db'}"
    _prepare_database(url)
    dispose_all()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "crmflow", "serve", "--port", str(port)]
    argv += ["--log-level", "warning"]
    env = _serve_env(url, smtp_port, base)
    env["CRMFLOW_RUNTIME_PROCESS"] = "true" if runtime_process else "false"
    with _process(argv, env, scratch / "serve.log", f"{base}/healthz"):
        yield base, url


@contextmanager
def _celery(
    scratch: Path,
    smtp_port: int,
    *,
    database_url: str,
    broker_url: str,
    api_workers: int,
    workers: int,
) -> Iterator[tuple[str, str]]:
    """`crmflow serve --workers N` and N `crmflow worker`s on a scratch PostgreSQL database."""
    check_urls(database_url, broker_url)
    with scratch_database(database_url) as url:
        _prepare_database(url)
        dispose_all()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **_serve_env(url, smtp_port, base),
            "CRMFLOW_RUNTIME": "celery",
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": broker_url,
        }
        argv = [sys.executable, "-m", "crmflow", "serve", "--port", str(port)]
        argv += ["--log-level", "warning", "--workers", str(api_workers)]
        # The queue must hold this run's tasks only: refuse a broker live workers consume
        # from, and drop what an interrupted run left behind.
        configure(celery_app, Settings(CELERY_BROKER_URL=broker_url, CRMFLOW_DATABASE_URL=url))
        refuse_shared_broker(celery_app, broker_url)
        drain = Drain(broker_url)
        drain.purge()
        pool = Workers(env, scratch)
        pool.start(workers)
        # Beat ticks the relay and the outbox (emails, resumed waits), as in a deployment.
        beat = [sys.executable, "-m", "crmflow", "beat", "--loglevel=warning"]
        beat += ["--schedule", str(scratch / "beat-schedule")]
        try:
            with (
                _process(beat, env, scratch / "beat.log"),
                _process(argv, env, scratch / "serve.log", f"{base}/healthz"),
            ):
                yield base, url
        finally:
            pool.stop()
            drain.purge()


def run_http_bench(
    *,
    seconds: float = 20.0,
    connections: int = 8,
    quiet: bool = False,
    runtime: str = "embedded",
    database_url: str | None = None,
    broker_url: str | None = None,
    api_workers: int = 2,
    workers: int = 2,
    runtime_process: bool = True,
) -> dict[str, Any]:
    """Measure the floor, then each front-door scenario; return every figure."""
    say: Say = (lambda _text: None) if quiet else (lambda text: print(text, flush=True))
    wrk = ensure_wrk(say)
    with tempfile.TemporaryDirectory(prefix="crmflow-http-bench-") as directory:
        scratch = Path(directory)
        say(f"floor: a minimal FastAPI app, {seconds:g} s per endpoint…")
        floor = measure_floor(wrk, scratch, seconds=seconds, connections=connections)
        scenarios: dict[str, Any] = {}
        with _smtp_sink() as (smtp_port, received):
            deployment = (
                _celery(
                    scratch,
                    smtp_port,
                    database_url=database_url or "",
                    broker_url=broker_url or "",
                    api_workers=api_workers,
                    workers=workers,
                )
                if runtime == "celery"
                else _embedded(scratch, smtp_port, runtime_process=runtime_process)
            )
            with deployment as (base, url):
                scenarios = _run_scenarios(say, wrk, base, url, seconds, connections)
            emails = received["messages"]
        dispose_all()
    return {
        "runtime": runtime,
        "runtime_process": runtime == "embedded" and runtime_process,
        "api_processes": api_workers if runtime == "celery" else 1,
        "workers": workers if runtime == "celery" else 0,
        "connections": connections,
        "seconds": seconds,
        "cores": os.cpu_count(),
        "floor": floor,
        "scenarios": scenarios,
        "emails_received": emails,
        "ratio_events_to_async_floor": _ratio(scenarios["events"], floor["async"]),
        "ratio_events_to_sync_floor": _ratio(scenarios["events"], floor["sync"]),
    }


def _run_scenarios(
    say: Say, wrk: str, base: str, url: str, seconds: float, connections: int
) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with httpx.Client(base_url=f"{base}/api/v1", headers=auth, timeout=30) as api:
        hook_url = _setup_workflows(api)
        owner_id = api.get("/users/me").json()["id"]
    watcher = RunWatcher(url)
    organisation = f'{{"name": "ACME", "potential_amount": 75000, "owner_id": {owner_id}}}'
    loads = {
        "events": (f"{base}/api/v1/events", EVENT_BODY, auth),
        "hook": (hook_url, HOOK_BODY, {"Content-Type": "application/json"}),
        "organisations": (f"{base}/api/v1/organisations", organisation, auth),
    }
    scenarios: dict[str, Any] = {}
    for name, (target, body, headers) in loads.items():
        say(f"{name}: POST {target.replace(base, '')} for {seconds:g} s…")

        def load(
            duration: float, target: str = target, body: str = body, headers: Any = headers
        ) -> WrkResult:
            return run_wrk(
                wrk,
                target,
                body=body,
                headers=headers,
                seconds=duration,
                connections=connections,
            )

        scenarios[name] = _scenario(watcher, load, seconds=seconds)
    return scenarios


def _ratio(scenario: dict[str, Any], floor: dict[str, Any]) -> float:
    return round(float(scenario["completed_per_second"]) / float(floor["ok_per_second"]), 3)
