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
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.db.base import utcnow
from crmflow.db.signals import mark_executions_ready
from crmflow.engine.company_actions import find_company_action
from crmflow.engine.compiled_cache import compiled_version
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import CompiledWorkflow, RunMode
from crmflow.engine.options import RunOptions
from crmflow.engine.run_state import Run, StepEnv, failed_steps, final_status
from crmflow.engine.walker import walk_steps
from crmflow.executions.batch import (
    STEPS,
    BatchWrites,
    claim_batch,
    fence_claims,
    release_claims,
)
from crmflow.executions.run_policy import QUEUE_POLL, check_mode, check_reenrollment


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
    not touch (`leftover`). With `options.commit_claims` (Celery) the claims commit first.
    """
    batch = BatchWrites()
    claimed: list[int] = []  # claims already committed, handed back if the batch fails
    try:
        started = time.perf_counter()
        if options.commit_claims:
            conn = _run_committed_claims(session, execution_ids, options, batch, claimed)
            remaining: list[int] = []
        else:
            conn, remaining = _run_claimed_in_chunks(
                session,
                execution_ids,
                options,
                batch,
                lambda: _should_stop(started, should_yield, max_work_ms),
            )
        batch.write(conn)
        mark_executions_ready(session, batch.woken)
        session.commit()
        work_ms = (time.perf_counter() - started) * 1000.0
    except DBAPIError:
        # Infrastructure trouble (database down, locked, connection lost): nothing committed,
        # the executions stay claimable and the relay hands them out again.
        session.rollback()
        _release(session, claimed, options)
        raise
    return BatchResult(outcome=batch.outcome, work_ms=work_ms, leftover=remaining)


def _run_committed_claims(
    session: Session,
    execution_ids: list[int],
    options: RunOptions,
    batch: BatchWrites,
    claimed: list[int],
) -> Connection:
    """Commit the claims, then lock (fence) the rows still ours and run them."""
    rows = claim_batch(session.connection(), list(execution_ids), options)
    session.commit()
    # A worker killed from here on leaves a trace (attempt, worker_losses) that bounds how
    # often a poison run is retried.
    claimed.extend(int(r["id"]) for r in rows)
    conn = session.connection()
    loader = ContextLoader(conn, options.secret_key)
    for row in fence_claims(conn, rows, options):
        _run_one(session, conn, loader, row, options, batch)
    return conn


def _run_claimed_in_chunks(
    session: Session,
    execution_ids: list[int],
    options: RunOptions,
    batch: BatchWrites,
    should_stop: Callable[[], bool],
) -> tuple[Connection, list[int]]:
    """Claim and run a few at a time in this transaction; return the ids left untouched."""
    conn = session.connection()
    loader = ContextLoader(conn, options.secret_key)
    remaining = list(execution_ids)
    while remaining:
        chunk, remaining = remaining[:CLAIM_CHUNK], remaining[CLAIM_CHUNK:]
        for row in claim_batch(conn, chunk, options):
            _run_one(session, conn, loader, row, options, batch)
        if remaining and should_stop():
            break
    return conn, remaining


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
    run = Run(row=row, data={"steps": {}}, now=utcnow(), t0=t0)
    losses = int(row.get("worker_losses") or 0)
    if losses >= options.max_worker_losses:
        gave_up = (
            f"gave up: the worker running this execution was lost {losses} times (killed, "
            "crashed or past its lease); a step probably crashes the worker. Steps that "
            "finished before are kept and never run twice."
        )
        _finish(run, batch, None, ExecutionStatus.FAILED, decision=row["decision"], error=gave_up)
        return
    compiled: CompiledWorkflow | None = None
    try:
        compiled = compiled_version(session, int(row["version_id"]), row["version_checksum"])
        status, decision, error = _walk(
            StepEnv(session, loader, options, custom_actions=find_company_action),
            compiled,
            run,
            batch,
        )
    except DBAPIError:
        raise
    except Exception as exc:  # noqa: BLE001 - an engine bug fails this run, never the batch
        status, decision, error = (
            ExecutionStatus.FAILED,
            None,
            f"internal error: {type(exc).__name__}: {exc}",
        )
    if status == ExecutionStatus.WAITING:
        due = [at for _, at in run.waits if at is not None]
        resume_at = min(due) if due else None
        kinds = [kind for kind, at in run.waits if at == resume_at]
        batch.add_wait(
            execution_id=run.id,
            resume_at=resume_at,
            waiting_for=kinds[0] if kinds else run.waits[0][0],
            actions_executed=int(row["actions_executed"] or 0) + run.actions_executed,
            steps_failed=failed_steps(run),
            decision=decision,
            step_records=run.records,
            replaced=run.replaced,
        )
        return
    _finish(run, batch, compiled, status, decision=decision, error=error)


def _walk(
    env: StepEnv, compiled: CompiledWorkflow, run: Run, batch: BatchWrites
) -> tuple[str, dict[str, Any] | None, str | None]:
    row = run.row
    options = env.options
    run.data = env.loader.build(
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
        _step_history(env.conn, run)
    depth = int(row["causation_depth"] or 0)
    if depth > options.max_causation_depth:
        explanation = (
            f"loop guard: this run was caused by a chain of {depth} workflow changes "
            f"(limit {options.max_causation_depth})"
        )
        return ExecutionStatus.SKIPPED, _refusal(depth, explanation), None
    decision = row["decision"]
    first = decision is None
    if first:
        verdict = compiled.conditions.explain(run.data)
        decision = verdict.to_dict()
        if not verdict.result:
            return ExecutionStatus.SKIPPED, decision, None
    policy = compiled.policy
    if not policy.is_default and row["trigger_entity_id"] is not None:
        if first:
            refused = check_reenrollment(env.conn, row, policy, run.now)
            if refused is not None:
                return ExecutionStatus.SKIPPED, _refusal(None, refused), None
        if first or row["waiting_for"] == "queue":
            verdict_mode = check_mode(env.conn, row, policy, batch.outcome, options, run.now)
            for cancelled_id, workflow_id in verdict_mode.cancelled or []:
                batch.count_finished(workflow_id, ExecutionStatus.CANCELLED, run.now, 0.0)
                batch.outcome[cancelled_id] = ExecutionStatus.CANCELLED
            if verdict_mode.action == "skip":
                return ExecutionStatus.SKIPPED, _refusal(None, verdict_mode.explanation), None
            if verdict_mode.action == "queue":
                run.block("queue", run.now + QUEUE_POLL)
                return (
                    ExecutionStatus.WAITING,
                    {**decision, "queued": verdict_mode.explanation},
                    None,
                )
            if verdict_mode.explanation:
                decision = {**decision, "run_policy": verdict_mode.explanation}
    outcome = walk_steps(env, run, compiled.steps)
    if outcome.blocked and outcome.failed is None:
        return ExecutionStatus.WAITING, decision, None
    return final_status(outcome, run), decision, outcome.failed


def _refusal(actual: Any, explanation: str) -> dict[str, Any]:
    return {"result": False, "rule": None, "actual": actual, "explanation": explanation}


_HISTORY = select(
    STEPS.c.path,
    STEPS.c.status,
    STEPS.c.output,
    STEPS.c.error,
    STEPS.c.message,
    STEPS.c.step_id,
    STEPS.c.attempts,
    STEPS.c.position,
    STEPS.c.input,
    STEPS.c.type,
).where(STEPS.c.execution_id == bindparam("execution_id"))


def _step_history(conn: Connection, run: Run) -> None:
    """Load the records of earlier attempts: finished steps, pending ones, the last position."""
    rows = conn.execute(_HISTORY, {"execution_id": run.id})
    for row in rows:
        item = dict(row._mapping)
        run.position = max(run.position, int(item["position"] or 0))
        if item["status"] == StepStatus.PENDING:
            run.pending[item["path"]] = item
        elif item["status"] in (StepStatus.SUCCESS, StepStatus.SKIPPED, StepStatus.FAILED):
            run.done[item["path"]] = item
            if item["step_id"]:
                run.data["steps"][item["step_id"]] = {
                    "status": item["status"],
                    "output": item["output"],
                }


def _finish(
    run: Run,
    batch: BatchWrites,
    compiled: CompiledWorkflow | None,
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
        steps_failed=failed_steps(run),
        decision=decision,
        error=error,
        step_records=run.records,
        replaced=run.replaced,
    )
    entity_type, entity_id = row["trigger_entity_type"], row["trigger_entity_id"]
    if compiled is not None and compiled.policy.mode == RunMode.QUEUED and entity_id is not None:
        batch.wakes.add((int(row["workflow_id"]), str(entity_type), int(entity_id)))
