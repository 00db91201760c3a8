"""`crmflow bench --scenario delays`: N executions whose delays all fall due at the same instant.

Acceptance: 10,000 executions waiting on delays that fall due at once are resumed within 30 s
by the embedded runtime. The figure is printed beside a floor measured in the same run: the
same N executions of the same workflow without the delay step, started fresh (pending ->
success) by the same runtime. ratio = floor seconds / delays seconds, so 1.0 means that
resuming a wait costs no more than a fresh run.

Setup (not timed): the delay workflow's executions are inserted `pending` and run by the
runtime itself, so the waits are exactly the rows production makes (status `waiting`,
`resume_at` = T, the delay's step record). The runtime then stays up and idle while T passes,
as in production: its scheduler's relay (`runtime/jobs.py runnable_executions`) finds the due
waits and hands them to the workers. The clock runs from T until the runtime has committed all
N; every resumed execution must have created exactly one task, and none may have run twice.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import distinct, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.bench.runtime import Bench, percentile_of
from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.config import Settings
from crmflow.crm.models import Task
from crmflow.db.base import utcnow
from crmflow.db.session import dispose_all, is_sqlite
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.service import insert_executions
from crmflow.runtime.embedded import EmbeddedRuntime
from crmflow.workflows.models import Workflow
from crmflow.workflows.service import create_workflow

TARGET_EXECUTIONS = 10_000
TARGET_SECONDS = 30.0
WARMUP = 200
# T is set this long after the floor: twice the floor's duration (the setup runs as many
# executions, each a little cheaper) plus a pad, so every wait is committed before T.
SETUP_FACTOR = 2.0
SETUP_PAD_S = 3.0
INSERT_CHUNK = 1000
TIMEOUT_S = 600.0


class BenchFailed(RuntimeError):
    """The run ended with wrong rows (something ran twice, or not at all): exit 1."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


def _task_step(prefix: str) -> dict[str, Any]:
    # The title prefix tells each phase's tasks apart in the checks.
    return {
        "type": "create_task",
        "config": {
            "title": f"{prefix} {{{{ organisation.name }}}}",
            "due_date": "+3 days",
            "assignee": "owner",
        },
    }


def _definition(name: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "trigger_type": "manual", "status": "active", "actions": steps}


@dataclass
class Phase:
    """One timed drain: which executions, from when, until the runtime had committed them."""

    name: str
    workflow_id: int
    prefix: str
    start: datetime
    end: datetime


class DelayBench:
    """The bench database, its two workflows, and the runtime under test."""

    def __init__(self, directory: Path, url: str | None) -> None:
        self.bench = Bench(directory, "delays", url=url)
        self.settings = Settings(CRMFLOW_DATABASE_URL=self.bench.url)
        self.principal = Principal(
            user_id=self.bench.user_id, company_id=self.bench.company_id, role="admin", email=""
        )
        self.runtime = EmbeddedRuntime(self.settings, self.bench.factory)

    def workflow(self, name: str, steps: list[dict[str, Any]]) -> int:
        with self.bench.factory() as session:
            workflow = create_workflow(
                session, principal=self.principal, data=_definition(name, steps)
            )
            return int(workflow.id)

    def _rows(self, session: Session, workflow_id: int, org_ids: list[int]) -> list[dict[str, Any]]:
        """One pending manual execution per organisation, as `POST .../run` inserts them."""
        workflow = session.get_one(Workflow, workflow_id)
        return [
            {
                "company_id": self.bench.company_id,
                "workflow_id": workflow_id,
                "version_id": workflow.current_version_id,
                "version": workflow.version_number,
                "trigger_type": "manual",
                "trigger_entity_type": "organisation",
                "trigger_entity_id": org_id,
                "trigger_data": {"payload": {}, "requested_by": self.bench.user_id},
            }
            for org_id in org_ids
        ]

    def insert(self, workflow_id: int, org_ids: list[int]) -> Iterator[int]:
        """Insert the executions `INSERT_CHUNK` per commit; yield the count after each commit
        (the runtime is told of them at the commit, as of any new execution)."""
        with self.bench.factory() as session:
            for offset in range(0, len(org_ids), INSERT_CHUNK):
                chunk = org_ids[offset : offset + INSERT_CHUNK]
                insert_executions(session, self._rows(session, workflow_id, chunk))
                session.commit()
                yield offset + len(chunk)

    def insert_at_once(self, workflow_id: int, org_ids: list[int]) -> datetime:
        """Insert the executions in one transaction; return the instant just before its
        commit, when they all become runnable at once."""
        with self.bench.factory() as session:
            insert_executions(session, self._rows(session, workflow_id, org_ids))
            start = utcnow()
            session.commit()
        return start

    def unfinished(self, workflow_id: int) -> int:
        with self.bench.reader() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(WorkflowExecution)
                    .where(
                        WorkflowExecution.workflow_id == workflow_id,
                        WorkflowExecution.status.in_(
                            (
                                ExecutionStatus.PENDING,
                                ExecutionStatus.RUNNING,
                                ExecutionStatus.WAITING,
                            )
                        ),
                    )
                )
                or 0
            )

    def statuses(self, workflow_id: int) -> dict[str, int]:
        ex = WorkflowExecution
        with self.bench.reader() as session:
            rows = session.execute(
                select(ex.status, func.count())
                .where(ex.workflow_id == workflow_id)
                .group_by(ex.status)
            ).all()
        return {str(status): int(count) for status, count in rows}

    def first_error(self, workflow_id: int) -> str:
        """The error of one failed execution, for a failure message (empty if none failed)."""
        ex = WorkflowExecution
        with self.bench.reader() as session:
            error = session.scalar(
                select(ex.error_message)
                .where(ex.workflow_id == workflow_id, ex.status == ExecutionStatus.FAILED)
                .order_by(ex.id)
                .limit(1)
            )
        return f" (first error: {error})" if error else ""

    def wait_runtime(self, target: int, workflow_id: int, timeout: float) -> datetime:
        """Wait until the runtime has committed `target` runs in all; return that instant.

        The runtime's in-process counter is watched (free), as in the other embedded scenarios;
        once a second the database is asked too, so a lost counter update cannot hang the run.
        """
        started = last_check = time.monotonic()
        while self.runtime.completed < target:
            now = time.monotonic()
            if now - last_check >= 1.0:
                last_check = now
                if self.unfinished(workflow_id) == 0:
                    break
            if now - started > timeout:
                raise BenchFailed(
                    f"{self.unfinished(workflow_id)} executions still unfinished after "
                    f"{timeout:.0f} s; statuses {self.statuses(workflow_id)}"
                )
            time.sleep(0.002)
        return utcnow()

    def figures(self, phase: Phase, n: int) -> dict[str, Any]:
        """Total seconds, executions/s, and when the first / 50% / 99% / last finished."""
        ex = WorkflowExecution
        with self.bench.reader() as session:
            done = session.scalars(
                select(ex.completed_at).where(
                    ex.workflow_id == phase.workflow_id, ex.completed_at.is_not(None)
                )
            ).all()
        offsets = sorted((c - phase.start).total_seconds() for c in done if c is not None)
        seconds = (phase.end - phase.start).total_seconds()
        return {
            "executions": n,
            "seconds": seconds,
            "executions_per_s": n / seconds if seconds > 0 else 0.0,
            "first_s": offsets[0] if offsets else 0.0,
            "p50_s": percentile_of(offsets, 0.50),
            "p99_s": percentile_of(offsets, 0.99),
            "last_s": offsets[-1] if offsets else 0.0,
        }

    def check(self, phase: Phase, n: int, attempts: int) -> dict[str, Any]:
        """Every execution succeeded once: N tasks, one record per step, `attempts` claims."""
        ex, steps = WorkflowExecution, ExecutionStep
        wf = phase.workflow_id
        with self.bench.reader() as session:
            tasks, related = session.execute(
                select(func.count(), func.count(distinct(Task.related_id))).where(
                    Task.company_id == self.bench.company_id,
                    Task.title.like(f"{phase.prefix} %"),
                )
            ).one()
            claims = session.execute(
                select(
                    func.min(ex.attempt), func.max(ex.attempt), func.sum(ex.actions_executed)
                ).where(ex.workflow_id == wf)
            ).one()
            records = session.execute(
                select(steps.path, func.count(), func.count(distinct(steps.execution_id)))
                .join(ex, ex.id == steps.execution_id)
                .where(ex.workflow_id == wf, steps.status == StepStatus.SUCCESS)
                .group_by(steps.path)
            ).all()
        statuses = self.statuses(wf)
        checks: dict[str, Any] = {
            "statuses": statuses,
            "tasks_created": int(tasks),
            "tasks_distinct_records": int(related),
            "attempt_min": claims[0],
            "attempt_max": claims[1],
            "actions_executed": int(claims[2] or 0),
            "step_records": {str(path): int(count) for path, count, _ in records},
        }
        problems = []
        if statuses != {ExecutionStatus.SUCCESS: n}:
            problems.append(
                f"{phase.name}: statuses {statuses}, expected {n} success" + self.first_error(wf)
            )
        if tasks != n or related != n:
            problems.append(f"{phase.name}: {tasks} tasks on {related} records, expected {n}")
        if checks["actions_executed"] != n:
            problems.append(f"{phase.name}: {checks['actions_executed']} actions run, expected {n}")
        if (claims[0], claims[1]) != (attempts, attempts):
            problems.append(
                f"{phase.name}: attempts {claims[0]}..{claims[1]}, expected {attempts} "
                "(an execution was claimed more often than its steps need)"
            )
        for path, count, executions in records:
            if count != n or executions != n:
                problems.append(f"{phase.name}: {count} records of step {path}, expected {n}")
        checks["problems"] = problems
        return checks


def run_delays_bench(
    *, executions: int, database_url: str | None = None, quiet: bool = False
) -> dict[str, Any]:
    """Run the floor and the delays measurement; print a table (unless quiet), return figures.

    Raises BenchFailed (with the figures) when the rows show a run missing or repeated, and
    BenchSetupError when `database_url` is not a reachable PostgreSQL server.
    """
    if executions < 1:
        raise ValueError("executions must be at least 1")
    console = Console(stderr=True, quiet=quiet)
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crmflow-bench-")))
        url = None
        if database_url:
            from crmflow.bench.celery import BenchSetupError, scratch_database

            try:
                driver = make_url(database_url).drivername
            except Exception:  # noqa: BLE001 - any unparsable URL gets the same message
                driver = ""
            if not driver.startswith(("postgresql", "postgres")):
                raise BenchSetupError("--database-url: the delays bench takes a PostgreSQL URL")
            url = stack.enter_context(scratch_database(database_url))
        try:
            result = _measure(console, directory, executions, url)
        finally:
            dispose_all()
    _print(console, result)
    problems = result["checks"]["problems"]
    if problems:
        raise BenchFailed("; ".join(problems), result)
    return result


def _measure(console: Console, directory: Path, n: int, url: str | None) -> dict[str, Any]:
    db = DelayBench(directory, url)
    settings = db.settings
    result: dict[str, Any] = {
        "scenario": "delays",
        "runtime": "embedded",
        "database": "sqlite" if is_sqlite(db.bench.url) else "postgresql",
        "machine_cores": os.cpu_count() or 1,
        "load_average_at_start": os.getloadavg()[0],
        "executions": n,
        "scheduler_interval_s": settings.scheduler_interval_seconds,
        "worker_threads": 1 if is_sqlite(db.bench.url) else max(1, settings.worker_threads),
    }
    warm_id = db.workflow("bench: warm-up", [_task_step("Warm-up")])
    fresh_id = db.workflow("bench: fresh follow-up", [_task_step("Fresh")])
    orgs = db.bench.add_organisations(n)
    db.runtime.start()
    try:
        warm = orgs[:WARMUP]
        console.print(f"warm-up: {len(warm)} fresh executions (not measured)...")
        target = db.runtime.completed + len(warm)
        db.insert_at_once(warm_id, warm)
        db.wait_runtime(target, warm_id, 60.0 + len(warm) / 50.0)

        console.print(f"floor: {n} fresh executions without the delay, pending -> success...")
        target = db.runtime.completed + n
        start = db.insert_at_once(fresh_id, orgs)
        floor = Phase(
            "floor", fresh_id, "Fresh", start, db.wait_runtime(target, fresh_id, TIMEOUT_S)
        )
        floor_s = (floor.end - floor.start).total_seconds()

        due = utcnow() + timedelta(seconds=SETUP_FACTOR * floor_s + SETUP_PAD_S)
        delay_id = db.workflow(
            "bench: follow-up after a delay",
            [{"type": "delay", "config": {"until": due.isoformat()}}, _task_step("Resumed")],
        )
        setup_started = utcnow()
        _setup(console, db, delay_id, orgs, n)
        setup_done = utcnow()
        waiting = db.statuses(delay_id)
        if waiting != {ExecutionStatus.WAITING: n}:
            raise BenchFailed(f"setup: {waiting}, expected {n} waiting{db.first_error(delay_id)}")
        if setup_done >= due:
            raise BenchFailed(
                f"setup ended at {setup_done.isoformat()}, after T = {due.isoformat()}: the "
                "host was much slower than during the floor; run again"
            )
        result["setup"] = {
            "resume_at": due.isoformat(),
            "seconds": (setup_done - setup_started).total_seconds(),
            "idle_before_due_s": (due - setup_done).total_seconds(),
        }
        console.print(
            f"{n} executions waiting until T = {due:%H:%M:%S.%f}; the runtime idles "
            f"{(due - setup_done).total_seconds():.1f} s, then its relay must resume them all..."
        )
        target = db.runtime.completed + n
        time.sleep(max(0.0, (due - utcnow()).total_seconds()))
        delays = Phase(
            "delays", delay_id, "Resumed", due, db.wait_runtime(target, delay_id, TIMEOUT_S)
        )
    finally:
        db.runtime.stop()
    result["floor"] = db.figures(floor, n)
    result["delays"] = db.figures(delays, n)
    result["ratio_to_floor"] = result["floor"]["seconds"] / result["delays"]["seconds"]
    result["target"] = {
        "executions": TARGET_EXECUTIONS,
        "seconds": TARGET_SECONDS,
        # Only meaningful at the stated size: a smaller N says nothing about 10,000.
        "met": (result["delays"]["seconds"] <= TARGET_SECONDS) if n >= TARGET_EXECUTIONS else None,
    }
    floor_checks = db.check(floor, n, attempts=1)
    delay_checks = db.check(delays, n, attempts=2)
    result["checks"] = {
        "floor": floor_checks,
        "delays": delay_checks,
        "problems": floor_checks.pop("problems") + delay_checks.pop("problems"),
    }
    return result


def _setup(console: Console, db: DelayBench, workflow_id: int, orgs: list[int], n: int) -> None:
    """Insert the delay workflow's executions and let the runtime bring them to `waiting`."""
    target = db.runtime.completed + n
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        inserted = progress.add_task("setup: insert pending executions", total=n)
        waiting = progress.add_task("setup: run them to `waiting`", total=n)
        for count in db.insert(workflow_id, orgs):
            progress.update(inserted, completed=count)
            progress.update(waiting, completed=n - (target - db.runtime.completed))
        deadline = time.monotonic() + 60.0 + n / 50.0
        while db.runtime.completed < target:
            if time.monotonic() > deadline:
                raise BenchFailed(f"setup: statuses {db.statuses(workflow_id)} after the deadline")
            progress.update(waiting, completed=n - (target - db.runtime.completed))
            time.sleep(0.1)
        progress.update(waiting, completed=n)


def _print(console: Console, result: dict[str, Any]) -> None:
    n = result["executions"]
    table = Table(
        title=f"crmflow bench --scenario delays ({n} executions, embedded runtime, "
        f"{result['database']}, relay every {result['scheduler_interval_s']:g} s)"
    )
    table.add_column("measure")
    table.add_column("total (s)", justify="right")
    table.add_column("exec/s", justify="right")
    table.add_column("first / p50 / p99 (s)", justify="right")
    for key, label in (
        ("floor", "floor: fresh runs (from commit)"),
        ("delays", "delays due at once (from T)"),
    ):
        fig = result[key]
        table.add_row(
            label,
            f"{fig['seconds']:.2f}",
            f"{fig['executions_per_s']:.0f}",
            f"{fig['first_s']:.2f} / {fig['p50_s']:.2f} / {fig['p99_s']:.2f}",
        )
    table.add_row("ratio floor / delays", f"{result['ratio_to_floor']:.2f}", "", "")
    met = result["target"]["met"]
    verdict = "n/a (N < 10,000)" if met is None else ("met" if met else "MISSED")
    table.add_row("10,000 resumed in 30 s", verdict, "", "")
    problems = result["checks"]["problems"]
    checks = result["checks"]["delays"]
    attempts = f"{checks['attempt_min']}..{checks['attempt_max']}"
    table.add_row(
        "checks (delays)",
        "FAILED" if problems else "ok",
        "",
        f"{checks['tasks_created']} tasks, attempts {attempts}",
    )
    console.print(table)
    for problem in problems:
        console.print(f"[bold red]check failed:[/] {problem}")
