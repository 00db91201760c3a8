"""Run executions: claim a batch, evaluate conditions, walk the steps, checkpoint, finish.

Internal actions only touch our own rows, so a batch of executions made of them runs in one
transaction: the claims, every step record, every effect and every final status commit
together. A crash before the commit leaves the executions `pending` with nothing written; a
crash after leaves them finished. Either way no task is created twice. Each action runs in a
SAVEPOINT so a failing action rolls back its own writes while the run goes on (or stops, per
`on_error`). Step records, final statuses and statistics are written once per batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from crmflow.actions.registry import ActionContext, ActionFailed, get_action
from crmflow.db.base import utcnow
from crmflow.engine.batch import (
    STEPS,
    BatchWrites,
    RunOptions,
    claim_batch,
    fence_claims,
    release_claims,
)
from crmflow.engine.compiled_cache import compiled_version
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import (
    ActionStep,
    BranchStep,
    CompiledStep,
    DelayStep,
    StopStep,
)
from crmflow.engine.delays import delay_until
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.templating import render


@dataclass
class _Run:
    """One claimed execution being walked."""

    row: dict[str, Any]
    data: dict[str, Any]
    done: dict[str, dict[str, Any]]
    now: datetime
    t0: float
    records: list[dict[str, Any]] = field(default_factory=list)
    actions_executed: int = 0
    failed: str | None = None
    stopped: str | None = None
    resume_at: datetime | None = None
    position: int = 0

    @property
    def id(self) -> int:
        return int(self.row["id"])


def run_execution(session: Session, execution_id: int, options: RunOptions) -> str | None:
    """Claim and run one execution; commit; return its final status (None if not claimable)."""
    return run_batch(session, [execution_id], options).outcome.get(execution_id)


@dataclass
class BatchResult:
    """Final status per execution run, ids left for later, and the work time under the lock."""

    outcome: dict[int, str]
    work_ms: float
    leftover: list[int] = field(default_factory=list)


# A batch gives way to other writers only after this much work, so it stays worth its commit.
MIN_WORK_BEFORE_YIELD_MS = 2.0
# Executions are claimed this many at a time: one statement per execution would cost a fifth
# of the run; a whole batch at once could not stop early for a waiting writer.
CLAIM_CHUNK = 16


def _should_stop(
    started: float, should_yield: Callable[[], bool] | None, max_work_ms: float | None
) -> bool:
    worked_ms = (time.perf_counter() - started) * 1000.0
    if max_work_ms is not None and worked_ms >= max_work_ms:
        return True
    return should_yield is not None and worked_ms >= MIN_WORK_BEFORE_YIELD_MS and should_yield()


def run_batch(
    session: Session,
    execution_ids: list[int],
    options: RunOptions,
    should_yield: Callable[[], bool] | None = None,
    max_work_ms: float | None = None,
) -> BatchResult:
    """Claim and run executions in one transaction; return their final statuses.

    Executions are claimed a few at a time, so when `should_yield` says writers are waiting,
    or the work passes `max_work_ms`, the batch commits early and hands back the ids it did
    not touch (`leftover`).
    """
    batch = BatchWrites()
    remaining = list(execution_ids)
    claimed: list[int] = []
    try:
        started = time.perf_counter()
        if options.commit_claims:
            rows = claim_batch(session.connection(), remaining, options)
            claimed, remaining = [int(r["id"]) for r in rows], []
            session.commit()
            conn = session.connection()
            loader = ContextLoader(conn)
            for row in fence_claims(conn, rows, options):
                _run_one(session, conn, loader, row, options, batch)
        else:
            conn = session.connection()
            loader = ContextLoader(conn)
            while remaining:
                chunk, remaining = remaining[:CLAIM_CHUNK], remaining[CLAIM_CHUNK:]
                for row in claim_batch(conn, chunk, options):
                    _run_one(session, conn, loader, row, options, batch)
                if remaining and _should_stop(started, should_yield, max_work_ms):
                    break
        batch.write(conn)
        session.commit()
        work_ms = (time.perf_counter() - started) * 1000.0
    except DBAPIError:
        # Infrastructure trouble (database down, locked, connection lost): nothing committed,
        # the executions stay claimable and the relay hands them out again.
        session.rollback()
        _release(session, claimed, options)
        raise
    return BatchResult(outcome=batch.outcome, work_ms=work_ms, leftover=remaining)


def _release(session: Session, claimed: list[int], options: RunOptions) -> None:
    """Best effort: give committed claims back so the retry need not wait for the lease."""
    if not claimed:
        return
    try:
        release_claims(session.connection(), claimed, options)
        session.commit()
    except DBAPIError:
        session.rollback()  # still down: the lease expires and the relay re-sends them


def _run_one(
    session: Session,
    conn: Connection,
    loader: ContextLoader,
    row: dict[str, Any],
    options: RunOptions,
    batch: BatchWrites,
) -> None:
    t0 = time.perf_counter()
    now = utcnow()
    run = _Run(row=row, data={}, done={}, now=now, t0=t0)
    losses = int(row.get("worker_losses") or 0)
    if losses >= options.max_worker_losses:
        gave_up = (
            f"gave up: the worker running this execution was lost {losses} times (killed, "
            "crashed or past its lease); a step probably crashes the worker. Steps that "
            "finished before are kept and never run twice."
        )
        _finish(run, batch, "failed", decision=row["decision"], error=gave_up)
        return
    try:
        status, decision, error = _walk(session, conn, loader, run, options)
    except DBAPIError:
        raise
    except Exception as exc:  # noqa: BLE001 - an engine bug fails this run, never the batch
        status, decision, error = "failed", None, f"internal error: {type(exc).__name__}: {exc}"
    if status == "waiting" and run.resume_at is not None:
        batch.add_wait(
            execution_id=run.id,
            resume_at=run.resume_at,
            actions_executed=int(row["actions_executed"] or 0) + run.actions_executed,
            decision=decision,
            step_records=run.records,
        )
        return
    _finish(run, batch, status, decision=decision, error=error)


def _walk(
    session: Session, conn: Connection, loader: ContextLoader, run: _Run, options: RunOptions
) -> tuple[str, dict[str, Any] | None, str | None]:
    row = run.row
    compiled = compiled_version(session, int(row["version_id"]))
    run.data = loader.build(
        company_id=row["company_id"],
        trigger_type=row["trigger_type"],
        entity_type=row["trigger_entity_type"],
        entity_id=row["trigger_entity_id"],
        trigger_data=row["trigger_data"] or {},
        event_id=row["event_id"],
    )
    run.data["now"] = run.now
    run.data["workflow"] = {"id": row["workflow_id"], "version": row["version"]}
    run.data["execution"] = {"id": row["id"]}
    if row["attempt"] > 1:
        run.done = _finished_steps(conn, run.id)
    depth = int(row["causation_depth"] or 0)
    if depth > options.max_causation_depth:
        explanation = (
            f"loop guard: this run was caused by a chain of {depth} workflow changes "
            f"(limit {options.max_causation_depth})"
        )
        return (
            "skipped",
            {"result": False, "rule": None, "actual": depth, "explanation": explanation},
            None,
        )
    decision = row["decision"]
    if decision is None:
        verdict = compiled.conditions.explain(run.data)
        decision = verdict.to_dict()
        if not verdict.result:
            return "skipped", decision, None
    _walk_steps(session, loader, run, compiled.steps)
    if run.failed is not None:
        return "failed", decision, run.failed
    if run.resume_at is not None:
        return "waiting", decision, None
    return run.stopped or "success", decision, None


def _finished_steps(conn: Connection, execution_id: int) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        select(STEPS.c.path, STEPS.c.status, STEPS.c.output, STEPS.c.step_id).where(
            STEPS.c.execution_id == execution_id
        )
    )
    return {
        path: {"status": status, "output": output, "step_id": step_id}
        for path, status, output, step_id in rows
        if status in ("success", "skipped", "failed")
    }


def _walk_steps(
    session: Session, loader: ContextLoader, run: _Run, steps: list[CompiledStep]
) -> None:
    for compiled in steps:
        if run.failed is not None or run.stopped is not None or run.resume_at is not None:
            return
        _run_step(session, loader, run, compiled)


def _record(run: _Run, compiled: CompiledStep, status: str, **values: Any) -> None:
    step = compiled.step
    run.position += 1
    run.records.append(
        {
            "execution_id": run.id,
            "path": compiled.path,
            "position": run.position,
            "step_id": step.id,
            "name": step.name,
            "type": step.type,
            "status": status,
            "attempt": run.row["attempt"],
            "idempotency_key": f"{run.id}:{compiled.path}",
            "input": values.get("input"),
            "output": values.get("output"),
            "error": values.get("error"),
            "message": values.get("message"),
            "started_at": values.get("started_at") or utcnow(),
            "finished_at": utcnow(),
            "duration_ms": values.get("duration_ms", 0.0),
        }
    )
    if step.id:
        run.data["steps"][step.id] = {"status": status, "output": values.get("output")}


def _run_step(session: Session, loader: ContextLoader, run: _Run, compiled: CompiledStep) -> None:
    step = compiled.step
    previous = run.done.get(compiled.path)
    if previous is not None and not isinstance(step, BranchStep):
        # Finished in an earlier attempt: keep its outcome, never run its effect again.
        if step.id:
            run.data["steps"][step.id] = {
                "status": previous["status"],
                "output": previous["output"],
            }
        return
    if compiled.when is not None:
        verdict = compiled.when.explain(run.data)
        if not verdict.result:
            _record(
                run,
                compiled,
                "skipped",
                message=f"when: {verdict.explanation}",
                output={"decision": verdict.to_dict()},
            )
            return
    if isinstance(step, BranchStep):
        _run_branch(session, loader, run, compiled, previous)
    elif isinstance(step, StopStep):
        reason = step.config.reason or "stop step reached"
        _record(run, compiled, "success", message=reason, output={"status": step.config.status})
        if step.config.status == "failed":
            run.failed = f"stopped: {reason}"
        else:
            run.stopped = step.config.status
    elif isinstance(step, ActionStep):
        _run_action(session, loader, run, compiled, step)
    elif isinstance(step, DelayStep):
        _run_delay(run, compiled, step)
    else:  # parallel / delay / approval are refused at save time until the runner supports them
        _record(run, compiled, "failed", error=f"step type {step.type!r} is not supported yet")
        run.failed = f"{compiled.path}: step type {step.type!r} is not supported yet"


def _run_delay(run: _Run, compiled: CompiledStep, step: DelayStep) -> None:
    """Pause the run until the delay is over: the wait lives in the database (`resume_at`)."""
    try:
        wanted, resume_at = delay_until(step, run.data, run.now)
    except (TemplateRenderError, ValueError) as exc:
        _record(run, compiled, "failed", error=str(exc))
        if step.on_error == "stop":
            run.failed = f"{compiled.path} (delay): {exc}"
        return
    if resume_at <= run.now:
        _record(run, compiled, "success", message=f"{wanted} is already past: no wait")
        return
    # Recorded as done now, so the resumed run continues after it instead of waiting again.
    _record(
        run,
        compiled,
        "success",
        output={"resume_at": resume_at.isoformat()},
        message=f"waits until {resume_at.isoformat()}",
    )
    run.resume_at = resume_at


def _run_branch(
    session: Session,
    loader: ContextLoader,
    run: _Run,
    compiled: CompiledStep,
    previous: dict[str, Any] | None,
) -> None:
    if previous is not None and isinstance(previous.get("output"), dict):
        taken = previous["output"].get("taken")
    else:
        taken = "else"
        explanations = []
        for index, (guard, _) in enumerate(compiled.branches):
            verdict = guard.explain(run.data)
            explanations.append(verdict.explanation)
            if verdict.result:
                taken = index
                break
        _record(
            run,
            compiled,
            "success",
            output={"taken": taken, "checked": explanations},
            message=f"took {'else' if taken == 'else' else f'branch {taken}'}",
        )
    if taken == "else":
        _walk_steps(session, loader, run, compiled.else_steps)
    elif isinstance(taken, int) and 0 <= taken < len(compiled.branches):
        _walk_steps(session, loader, run, compiled.branches[taken][1])


def _run_action(
    session: Session, loader: ContextLoader, run: _Run, compiled: CompiledStep, step: ActionStep
) -> None:
    action = get_action(step.type)
    t0 = time.perf_counter()
    started_at = utcnow()
    rendered: dict[str, Any] | None = None
    row = run.row
    try:
        if action is None:
            raise ActionFailed(f"unknown action type {step.type!r}")
        value = render(step.config, run.data, "config")
        rendered = value if isinstance(value, dict) else {}
        config = action.parse_config(rendered)
        ctx = ActionContext(
            session=session,
            company_id=row["company_id"],
            execution_id=run.id,
            workflow_id=row["workflow_id"],
            step_path=compiled.path,
            idempotency_key=f"{run.id}:{compiled.path}",
            data=run.data,
            trigger_entity_type=row["trigger_entity_type"],
            trigger_entity_id=row["trigger_entity_id"],
            causation_depth=int(row["causation_depth"] or 0),
            now=run.now,
            users=loader,
            connection=loader.conn,
        )
        if action.uses_orm:
            with session.begin_nested():
                output = action.execute(ctx, config)
        elif ctx.conn.dialect.name == "postgresql":
            # On PostgreSQL any failed statement aborts the transaction: isolate the action.
            with ctx.conn.begin_nested():
                output = action.execute(ctx, config)
        else:
            # SQLite rolls back just the failing statement, and Core-only actions check
            # everything before their single write, so no savepoint is needed.
            output = action.execute(ctx, config)
    except (IntegrityError, DataError) as exc:
        # A constraint or data error is about this step's data, not the infrastructure: the
        # action's savepoint (or SQLite's statement rollback) undid its writes; fail the step
        # instead of retrying the whole batch forever.
        _step_failed(run, compiled, step, f"database refused the write: {exc.orig}", rendered, t0)
        return
    except (ActionFailed, TemplateRenderError) as exc:
        _step_failed(run, compiled, step, str(exc), rendered, t0)
        return
    run.actions_executed += 1
    _record(
        run,
        compiled,
        "success",
        input=rendered,
        output=output,
        started_at=started_at,
        duration_ms=(time.perf_counter() - t0) * 1000.0,
    )


def _step_failed(
    run: _Run,
    compiled: CompiledStep,
    step: ActionStep,
    error: str,
    rendered: dict[str, Any] | None,
    t0: float,
) -> None:
    elapsed = time.perf_counter() - t0
    _record(
        run,
        compiled,
        "failed",
        input=rendered,
        error=error,
        started_at=utcnow() - timedelta(seconds=elapsed),
        duration_ms=elapsed * 1000.0,
    )
    if step.on_error == "stop":
        run.failed = f"{compiled.path} ({step.type}): {error}"


def _finish(
    run: _Run,
    batch: BatchWrites,
    status: str,
    *,
    decision: dict[str, Any] | None,
    error: str | None,
) -> None:
    row = run.row
    completed = utcnow()
    duration_ms = (time.perf_counter() - run.t0) * 1000.0
    if row["attempt"] > 1 and row["started_at"] is not None:
        # A resumed run's duration counts from its first start.
        duration_ms = max(duration_ms, (completed - row["started_at"]).total_seconds() * 1000.0)
    batch.add_run(
        execution_id=run.id,
        workflow_id=int(row["workflow_id"]),
        status=status,
        completed=completed,
        duration_ms=duration_ms,
        actions_executed=int(row["actions_executed"] or 0) + run.actions_executed,
        decision=decision,
        error=error,
        step_records=run.records,
    )
