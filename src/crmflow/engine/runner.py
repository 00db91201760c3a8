"""Run one execution: claim it, evaluate conditions, walk the steps, checkpoint, finish.

Internal actions only touch our own rows, so an execution made of them runs in one transaction:
the claim, every step record, every effect and the final status commit together. A crash
before the commit leaves the execution `pending` and nothing written; a crash after leaves it
finished. Either way no task is created twice. Each action runs in a SAVEPOINT so a failing
action rolls back its own writes but the run goes on (or stops, per `on_error`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crmflow.actions.registry import ActionContext, ActionFailed, get_action
from crmflow.db.base import utcnow
from crmflow.engine.conditions import Decision
from crmflow.engine.context import build_context
from crmflow.engine.definition import (
    ActionStep,
    BranchStep,
    CompiledStep,
    CompiledWorkflow,
    StopStep,
    compile_definition,
)
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.templating import render
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.executions.stats import record_finished
from crmflow.workflows.models import Workflow, WorkflowVersion

# Keyed by (database, version id): a process may talk to several databases (tests, bench).
_cache: OrderedDict[tuple[str, int], CompiledWorkflow] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 2048


def compiled_version(session: Session, version_id: int) -> CompiledWorkflow:
    """Return the compiled definition of a version (versions are immutable, so cache forever)."""
    key = (str(session.get_bind().engine.url), version_id)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    version = session.get(WorkflowVersion, version_id)
    if version is None:
        raise LookupError(f"workflow version {version_id} not found")
    compiled = compile_definition(version_id, version.definition)
    with _cache_lock:
        _cache[key] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


@dataclass
class RunOptions:
    """Knobs from the settings that the runner needs."""

    worker_id: str = "worker"
    lease_seconds: int = 60
    max_causation_depth: int = 5


@dataclass
class _Walk:
    """Mutable state of one walk through the steps."""

    execution: WorkflowExecution
    data: dict[str, Any]
    done: dict[str, dict[str, Any]]
    now: datetime
    records: list[dict[str, Any]] = field(default_factory=list)
    actions_executed: int = 0
    failed: str | None = None
    stopped: str | None = None
    position: int = 0


def claim(session: Session, execution_id: int, options: RunOptions) -> WorkflowExecution | None:
    """Take the lease on an execution that is pending, due, or whose lease expired."""
    now = utcnow()
    ex = WorkflowExecution
    result = session.execute(
        update(ex)
        .where(
            ex.id == execution_id,
            or_(
                ex.status == "pending",
                and_(ex.status == "running", ex.lease_expires_at < now),
                and_(ex.status == "waiting", ex.resume_at <= now),
            ),
        )
        .values(
            status="running",
            lease_owner=options.worker_id,
            lease_expires_at=now + timedelta(seconds=options.lease_seconds),
            attempt=ex.attempt + 1,
            started_at=func.coalesce(ex.started_at, now),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return session.get(WorkflowExecution, execution_id, populate_existing=True)


def run_execution(session: Session, execution_id: int, options: RunOptions) -> str | None:
    """Claim and run one execution to its end; commit; return its final status (None if taken)."""
    started = time.perf_counter()
    execution = claim(session, execution_id, options)
    if execution is None:
        session.rollback()
        return None
    try:
        status = _run_claimed(session, execution, options, started)
        session.commit()
        return status
    except DBAPIError:
        # Infrastructure trouble (database down, locked, connection lost): nothing committed,
        # the execution stays claimable and the relay retries it once its lease expires.
        session.rollback()
        raise
    except Exception as exc:  # noqa: BLE001 - an engine bug: fail the run with the reason, never hang it
        session.rollback()
        return _fail_after_crash(session, execution_id, exc, options, started)


def _run_claimed(
    session: Session, execution: WorkflowExecution, options: RunOptions, started: float
) -> str:
    compiled = compiled_version(session, execution.version_id)
    now = utcnow()
    data = build_context(
        session,
        company_id=execution.company_id,
        trigger_type=execution.trigger_type,
        entity_type=execution.trigger_entity_type,
        entity_id=execution.trigger_entity_id,
        trigger_data=execution.trigger_data or {},
        event_id=execution.event_id,
    )
    data["now"] = now
    data["workflow"] = {"id": execution.workflow_id, "version": execution.version}
    data["execution"] = {"id": execution.id}
    done = _finished_steps(session, execution) if execution.attempt > 1 else {}
    walk = _Walk(execution=execution, data=data, done=done, now=now)

    if execution.causation_depth > options.max_causation_depth:
        decision = {
            "result": False,
            "rule": None,
            "actual": execution.causation_depth,
            "explanation": (
                f"loop guard: this run was caused by a chain of {execution.causation_depth} "
                f"workflow changes (limit {options.max_causation_depth})"
            ),
        }
        return _finish(session, walk, "skipped", started, decision=decision)
    if execution.decision is None:
        verdict: Decision = compiled.conditions.explain(data)
        if not verdict.result:
            return _finish(session, walk, "skipped", started, decision=verdict.to_dict())
        execution.decision = verdict.to_dict()

    _walk_steps(session, walk, compiled.steps)
    if walk.failed is not None:
        return _finish(session, walk, "failed", started, error=walk.failed)
    if walk.stopped is not None:
        return _finish(session, walk, walk.stopped, started)
    return _finish(session, walk, "success", started)


def _finished_steps(session: Session, execution: WorkflowExecution) -> dict[str, dict[str, Any]]:
    rows = session.execute(
        select(
            ExecutionStep.path, ExecutionStep.status, ExecutionStep.output, ExecutionStep.step_id
        ).where(ExecutionStep.execution_id == execution.id)
    )
    return {
        path: {"status": status, "output": output, "step_id": step_id}
        for path, status, output, step_id in rows
        if status in ("success", "skipped", "failed")
    }


def _walk_steps(session: Session, walk: _Walk, steps: list[CompiledStep]) -> None:
    for compiled in steps:
        if walk.failed is not None or walk.stopped is not None:
            return
        _run_step(session, walk, compiled)


def _record(walk: _Walk, compiled: CompiledStep, status: str, **values: Any) -> None:
    step = compiled.step
    walk.position += 1
    walk.records.append(
        {
            "execution_id": walk.execution.id,
            "path": compiled.path,
            "position": walk.position,
            "step_id": step.id,
            "name": step.name,
            "type": step.type,
            "status": status,
            "attempt": walk.execution.attempt,
            "idempotency_key": f"{walk.execution.id}:{compiled.path}",
            "input": values.get("input"),
            "output": values.get("output"),
            "error": values.get("error"),
            "message": values.get("message"),
            "started_at": values.get("started_at", walk.now),
            "finished_at": values.get("finished_at", walk.now),
            "duration_ms": values.get("duration_ms", 0.0),
        }
    )
    if step.id:
        walk.data["steps"][step.id] = {"status": status, "output": values.get("output")}


def _run_step(session: Session, walk: _Walk, compiled: CompiledStep) -> None:
    step = compiled.step
    previous = walk.done.get(compiled.path)
    if previous is not None and not isinstance(step, BranchStep):
        # Finished in an earlier attempt: keep its outcome, never run its effect again.
        if step.id:
            walk.data["steps"][step.id] = {
                "status": previous["status"],
                "output": previous["output"],
            }
        return
    if compiled.when is not None:
        verdict = compiled.when.explain(walk.data)
        if not verdict.result:
            _record(
                walk,
                compiled,
                "skipped",
                message=f"when: {verdict.explanation}",
                output={"decision": verdict.to_dict()},
            )
            return
    if isinstance(step, BranchStep):
        _run_branch(session, walk, compiled, previous)
    elif isinstance(step, StopStep):
        reason = step.config.reason or "stop step reached"
        _record(walk, compiled, "success", message=reason, output={"status": step.config.status})
        if step.config.status == "failed":
            walk.failed = f"stopped: {reason}"
        else:
            walk.stopped = step.config.status
    elif isinstance(step, ActionStep):
        _run_action(session, walk, compiled, step)
    else:  # parallel / delay / approval are refused at save time until the runner supports them
        _record(walk, compiled, "failed", error=f"step type {step.type!r} is not supported yet")
        walk.failed = f"{compiled.path}: step type {step.type!r} is not supported yet"


def _run_branch(
    session: Session, walk: _Walk, compiled: CompiledStep, previous: dict[str, Any] | None
) -> None:
    if previous is not None and isinstance(previous.get("output"), dict):
        taken = previous["output"].get("taken")
    else:
        taken = "else"
        explanations = []
        for index, (guard, _) in enumerate(compiled.branches):
            verdict = guard.explain(walk.data)
            explanations.append(verdict.explanation)
            if verdict.result:
                taken = index
                break
        _record(
            walk,
            compiled,
            "success",
            output={"taken": taken, "checked": explanations},
            message=f"took {'else' if taken == 'else' else f'branch {taken}'}",
        )
    if taken == "else":
        _walk_steps(session, walk, compiled.else_steps)
    elif isinstance(taken, int) and 0 <= taken < len(compiled.branches):
        _walk_steps(session, walk, compiled.branches[taken][1])


def _run_action(session: Session, walk: _Walk, compiled: CompiledStep, step: ActionStep) -> None:
    action = get_action(step.type)
    t0 = time.perf_counter()
    started_at = utcnow()
    rendered: dict[str, Any] | None = None
    try:
        if action is None:
            raise ActionFailed(f"unknown action type {step.type!r}")
        value = render(step.config, walk.data, "config")
        rendered = value if isinstance(value, dict) else {}
        config = action.parse_config(rendered)
        ctx = ActionContext(
            session=session,
            company_id=walk.execution.company_id,
            execution_id=walk.execution.id,
            workflow_id=walk.execution.workflow_id,
            step_path=compiled.path,
            idempotency_key=f"{walk.execution.id}:{compiled.path}",
            data=walk.data,
            trigger_entity_type=walk.execution.trigger_entity_type,
            trigger_entity_id=walk.execution.trigger_entity_id,
            causation_depth=walk.execution.causation_depth,
            now=walk.now,
        )
        with session.begin_nested():
            output = action.execute(ctx, config)
    except (ActionFailed, TemplateRenderError) as exc:
        _step_failed(walk, compiled, step, str(exc), rendered, t0, started_at)
        return
    walk.actions_executed += 1
    _record(
        walk,
        compiled,
        "success",
        input=rendered,
        output=output,
        started_at=started_at,
        finished_at=utcnow(),
        duration_ms=(time.perf_counter() - t0) * 1000.0,
    )


def _step_failed(
    walk: _Walk,
    compiled: CompiledStep,
    step: ActionStep,
    error: str,
    rendered: dict[str, Any] | None,
    t0: float,
    started_at: datetime,
) -> None:
    _record(
        walk,
        compiled,
        "failed",
        input=rendered,
        error=error,
        started_at=started_at,
        finished_at=utcnow(),
        duration_ms=(time.perf_counter() - t0) * 1000.0,
    )
    if step.on_error == "stop":
        walk.failed = f"{compiled.path} ({step.type}): {error}"


def _finish(
    session: Session,
    walk: _Walk,
    status: str,
    started: float,
    *,
    decision: dict[str, Any] | None = None,
    error: str | None = None,
) -> str:
    execution = walk.execution
    if walk.records:
        session.execute(insert(ExecutionStep), walk.records)
    completed = utcnow()
    duration_ms = (time.perf_counter() - started) * 1000.0
    if execution.attempt > 1 and execution.started_at is not None:
        duration_ms = max(duration_ms, (completed - execution.started_at).total_seconds() * 1000.0)
    execution.status = status
    execution.completed_at = completed
    execution.duration_ms = duration_ms
    execution.lease_owner = None
    execution.lease_expires_at = None
    execution.actions_executed = (execution.actions_executed or 0) + walk.actions_executed
    if decision is not None:
        execution.decision = decision
    if error is not None:
        execution.error_message = error
    session.execute(
        update(Workflow)
        .where(Workflow.id == execution.workflow_id)
        .values(execution_count=Workflow.execution_count + 1, last_executed_at=completed)
        .execution_options(synchronize_session=False)
    )
    record_finished(
        session,
        workflow_id=execution.workflow_id,
        status=status,
        duration_ms=duration_ms,
        completed_at=completed,
    )
    return status


def _fail_after_crash(
    session: Session, execution_id: int, exc: Exception, options: RunOptions, started: float
) -> str:
    """Record an unexpected error as a failed run in a fresh transaction."""
    execution = session.get(WorkflowExecution, execution_id, populate_existing=True)
    if execution is None or execution.status not in ("pending", "running"):
        session.rollback()
        return "failed"
    execution.attempt = (execution.attempt or 0) + 1
    walk = _Walk(execution=execution, data={}, done={}, now=utcnow())
    status = _finish(
        session, walk, "failed", started, error=f"internal error: {type(exc).__name__}: {exc}"
    )
    session.commit()
    return status
