"""Walk a workflow's step tree for one run: branches, parallel paths, delays, actions, retries.

A run re-walks its tree from the top every time it resumes. Finished steps (their records were
loaded from the database) are not run again: their outcome is replayed, so a path that stopped
or failed stops again, and a branch follows the path it took before. A step that has to wait
(a delay, an approval, a retry back-off) leaves a `pending` record and blocks its path; other
parallel paths go on, and the execution waits until the earliest time any of them asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from crmflow.common.dates import parse_duration
from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.db.base import utcnow
from crmflow.engine.context import ContextLoader
from crmflow.engine.deferred import ActionWaiting, DeferredAction
from crmflow.engine.definition import (
    ActionStep,
    ApprovalStep,
    BranchStep,
    CompiledStep,
    DelayStep,
    ParallelStep,
    RetryPolicy,
    StopStep,
)
from crmflow.engine.delays import delay_until
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.options import RunOptions
from crmflow.engine.plugins import ActionContext, ActionFailed, ActionNotDone, get_action
from crmflow.engine.redaction import (
    NO_SHIELD,
    recorded_input,
    render_config,
    shield_for,
    shield_on_resume,
    step_error,
)
from crmflow.vault.service import ALLOWED_IN, SecretError


@dataclass
class Run:
    """One claimed execution being walked, and what it produced so far."""

    row: dict[str, Any]
    data: dict[str, Any]
    now: datetime
    t0: float
    # Records of earlier attempts: finished ones are replayed, pending ones continued.
    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    # Paths whose pending record the new record replaces.
    replaced: list[str] = field(default_factory=list)
    actions_executed: int = 0
    failed: str | None = None
    stopped: str | None = None
    # The current path waits (a delay, an approval, a retry back-off).
    blocked: bool = False
    waits: list[tuple[str, datetime | None]] = field(default_factory=list)
    position: int = 0

    @property
    def id(self) -> int:
        return int(self.row["id"])

    def step_key(self, path: str) -> str:
        """Return the idempotency key of a step: the run's random key, never its reusable id."""
        return f"{self.row['run_key']}:{path}"

    def block(self, kind: str, resume_at: datetime | None) -> None:
        """Stop the current path until `resume_at` (None: until someone wakes the run)."""
        self.blocked = True
        self.waits.append((kind, resume_at))

    def ended(self) -> bool:
        """True when the current path must not run further steps."""
        return self.failed is not None or self.stopped is not None or self.blocked


@dataclass
class StepEnv:
    """What steps need besides the run: the ORM session, the loader, the runner's options."""

    session: Session
    loader: ContextLoader
    options: RunOptions
    # Company custom actions (catalog entries run as webhooks), looked up once per batch.
    custom: dict[tuple[int, str], Any] = field(default_factory=dict)

    def custom_action(self, company_id: int, action_type: str) -> Any:
        """The company's custom action of this type, or None."""
        key = (company_id, action_type)
        if key not in self.custom:
            from crmflow.catalog.custom import CustomWebhookAction  # catalog imports actions
            from crmflow.catalog.service import get_custom_entry

            entry = get_custom_entry(self.session, company_id, action_type)
            self.custom[key] = CustomWebhookAction(entry) if entry is not None else None
        return self.custom[key]

    @property
    def conn(self) -> Connection:
        return self.loader.conn

    def action_context(self, run: Run, compiled: CompiledStep) -> ActionContext:
        """Build the context an action (or an approval) runs with."""
        row = run.row
        return ActionContext(
            session=self.session,
            company_id=row["company_id"],
            execution_id=run.id,
            workflow_id=row["workflow_id"],
            step_path=compiled.path,
            idempotency_key=run.step_key(compiled.path),
            data=run.data,
            trigger_entity_type=row["trigger_entity_type"],
            trigger_entity_id=row["trigger_entity_id"],
            causation_depth=int(row["causation_depth"] or 0),
            now=run.now,
            users=self.loader,
            connection=self.loader.conn,
            extra={
                "smtp_configured": self.options.smtp_configured,
                "secret_key": self.options.secret_key,
            },
        )


def record(run: Run, compiled: CompiledStep, status: str, **values: Any) -> None:
    """Queue the step record of this attempt (replacing the step's pending record, if any)."""
    step = compiled.step
    run.position += 1
    if compiled.path in run.pending and compiled.path not in run.replaced:
        run.replaced.append(compiled.path)
    attempts = values.get("attempts")
    run.records.append(
        {
            "execution_id": run.id,
            "path": compiled.path,
            "position": run.position,
            "step_id": step.id,
            "name": step.name,
            "type": step.type,
            "status": status,
            "attempt": len(attempts) if attempts else 1,
            "attempts": attempts,
            "idempotency_key": run.step_key(compiled.path),
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


# A parallel step's record fails when a branch does: the branch's own failed step counts.
_JOIN_TYPES = frozenset({"parallel", "branch"})


def failed_steps(run: Run) -> int:
    """Count the run's failed steps: finished in earlier attempts and recorded in this one."""
    records = [*run.done.values(), *run.records]
    return sum(
        1 for r in records if r["status"] == StepStatus.FAILED and r.get("type") not in _JOIN_TYPES
    )


def walk_steps(env: StepEnv, run: Run, steps: list[CompiledStep]) -> None:
    """Run steps in order until the path ends (stop, failure, or a wait)."""
    for compiled in steps:
        if run.ended():
            return
        _run_step(env, run, compiled)


def _run_step(env: StepEnv, run: Run, compiled: CompiledStep) -> None:
    step = compiled.step
    previous = run.done.get(compiled.path)
    if previous is not None and not isinstance(step, BranchStep | ApprovalStep):
        _replay(run, compiled, previous)
        return
    if previous is None and compiled.path not in run.pending and compiled.when is not None:
        # `when` is decided once, when the step is first reached; a waiting step goes on.
        verdict = compiled.when.explain(run.data)
        if not verdict.result:
            record(
                run,
                compiled,
                StepStatus.SKIPPED,
                message=f"when: {verdict.explanation}",
                output={"decision": verdict.to_dict()},
            )
            return
    if isinstance(step, BranchStep):
        _run_branch(env, run, compiled, previous)
    elif isinstance(step, StopStep):
        reason = step.config.reason or "stop step reached"
        record(
            run, compiled, StepStatus.SUCCESS, message=reason, output={"status": step.config.status}
        )
        _stop(run, compiled, step.config.status, reason)
    elif isinstance(step, ActionStep):
        _run_action(env, run, compiled, step)
    elif isinstance(step, DelayStep):
        _run_delay(run, compiled, step)
    elif isinstance(step, ParallelStep):
        _run_parallel(env, run, compiled, step)
    elif isinstance(step, ApprovalStep):
        from crmflow.approvals.step import run_approval  # the approvals package uses this one

        run_approval(env, run, compiled, step, previous)


def _stop(run: Run, compiled: CompiledStep, status: str, reason: str) -> None:
    if status == StepStatus.FAILED:
        run.failed = f"stopped: {reason}"
    else:
        run.stopped = status


def _replay(run: Run, compiled: CompiledStep, previous: dict[str, Any]) -> None:
    """Re-apply what a finished step did to its path: a stop, a failure, a parallel outcome."""
    step = compiled.step
    output = previous.get("output") if isinstance(previous.get("output"), dict) else {}
    assert output is not None
    if isinstance(step, StopStep) and previous["status"] == StepStatus.SUCCESS:
        _stop(
            run,
            compiled,
            str(output.get("status", ExecutionStatus.SUCCESS)),
            previous.get("message") or "",
        )
    elif isinstance(step, ParallelStep):
        outcome = output.get("outcome") or {}
        if outcome.get("failed"):
            run.failed = str(outcome["failed"])
        elif outcome.get("stopped"):
            run.stopped = str(outcome["stopped"])
    elif previous["status"] == StepStatus.FAILED and step.on_error == "stop":
        run.failed = f"{compiled.path} ({step.type}): {previous.get('error')}"


def _run_branch(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None
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
        record(
            run,
            compiled,
            StepStatus.SUCCESS,
            output={"taken": taken, "checked": explanations},
            message=f"took {'else' if taken == 'else' else f'branch {taken}'}",
        )
    if taken == "else":
        walk_steps(env, run, compiled.else_steps)
    elif isinstance(taken, int) and 0 <= taken < len(compiled.branches):
        walk_steps(env, run, compiled.branches[taken][1])


def _run_parallel(env: StepEnv, run: Run, compiled: CompiledStep, step: ParallelStep) -> None:
    """Walk every path on its own; join (record the step) only when all of them have ended."""
    outcomes: list[tuple[str | None, str | None, bool]] = []
    for lane in compiled.lanes:
        run.failed, run.stopped, run.blocked = None, None, False
        walk_steps(env, run, lane)
        outcomes.append((run.failed, run.stopped, run.blocked))
    run.failed, run.stopped, run.blocked = None, None, False
    if any(blocked for _, _, blocked in outcomes):
        run.blocked = True  # the waits are recorded; the join happens on a later resume
        return
    branches: list[dict[str, Any]] = []
    fatal: list[str] = []
    stopped: str | None = None
    for index, (failed, lane_stopped, _) in enumerate(outcomes):
        branch = step.branches[index]
        status = StepStatus.FAILED if failed else (lane_stopped or StepStatus.SUCCESS)
        branches.append({"index": index, "name": branch.name, "status": status, "error": failed})
        if failed and (branch.on_error or step.on_error) == "stop":
            fatal.append(f"branch {branch.name or index}: {failed}")
        if lane_stopped and stopped != ExecutionStatus.REJECTED:
            stopped = lane_stopped
    failures = [b for b in branches if b["status"] == StepStatus.FAILED]
    outcome: dict[str, str | None] = {"failed": None, "stopped": None}
    if fatal:
        outcome["failed"] = f"{compiled.path} (parallel): " + "; ".join(fatal)
    elif stopped:
        outcome["stopped"] = stopped
    record(
        run,
        compiled,
        StepStatus.FAILED if failures else StepStatus.SUCCESS,
        output={"branches": branches, "outcome": outcome},
        error="; ".join(f"branch {b['name'] or b['index']}: {b['error']}" for b in failures)
        or None,
        message=f"{len(branches)} branches joined"
        + (f", {len(failures)} failed" if failures else ""),
    )
    run.failed, run.stopped = outcome["failed"], outcome["stopped"]


def _run_delay(run: Run, compiled: CompiledStep, step: DelayStep) -> None:
    """Pause the path until the delay is over: the wait lives in the database (`resume_at`)."""
    pending = run.pending.get(compiled.path)
    if pending is not None:
        resume_at = datetime.fromisoformat(str((pending["output"] or {})["resume_at"]))
        if run.now < resume_at:
            run.block("delay", resume_at)  # woken early for another path: wait again
            return
        record(
            run,
            compiled,
            StepStatus.SUCCESS,
            output={"resume_at": resume_at.isoformat()},
            message=f"waited until {resume_at.isoformat()}",
        )
        return
    try:
        wanted, resume_at = delay_until(step, run.data, run.now)
    except (TemplateRenderError, ValueError) as exc:
        record(run, compiled, StepStatus.FAILED, error=str(exc))
        if step.on_error == "stop":
            run.failed = f"{compiled.path} (delay): {exc}"
        return
    if resume_at <= run.now:
        record(run, compiled, StepStatus.SUCCESS, message=f"{wanted} is already past: no wait")
        return
    record(
        run,
        compiled,
        StepStatus.PENDING,
        output={"resume_at": resume_at.isoformat()},
        message=f"waits until {resume_at.isoformat()}",
    )
    run.block("delay", resume_at)


def retry_delay(policy: RetryPolicy, failures: int) -> timedelta:
    """How long to wait before the next attempt after `failures` failed ones."""
    initial: timedelta = parse_duration(policy.initial)
    ceiling: timedelta = parse_duration(policy.max)
    if policy.backoff == "fixed":
        return min(initial, ceiling)
    grown: timedelta = initial * (2 ** min(failures - 1, 30))
    return min(grown, ceiling)


def _run_action(env: StepEnv, run: Run, compiled: CompiledStep, step: ActionStep) -> None:
    pending = run.pending.get(compiled.path)
    waiting = (pending or {}).get("output") or {}
    attempts: list[dict[str, Any]] = list((pending or {}).get("attempts") or [])
    if pending is not None and "retry_at" in waiting:
        retry_at = datetime.fromisoformat(str(waiting["retry_at"]))
        if run.now < retry_at:
            run.block("retry", retry_at)  # woken early for another path: wait again
            return
    action = get_action(step.type) or env.custom_action(int(run.row["company_id"]), step.type)
    t0 = time.perf_counter()
    started_at = utcnow()
    # Step records keep the pending input (already masked) and mask secrets read by this step.
    rendered: dict[str, Any] | None = (pending or {}).get("input")
    shield = NO_SHIELD
    try:
        if action is None:
            raise ActionFailed(f"unknown action type {step.type!r}")
        if compiled.secret_names and not action.accepts_secrets:
            raise ActionFailed(f"secrets can only be used in the config of {ALLOWED_IN}")
        ctx = env.action_context(run, compiled)
        if attempts:
            # A new attempt is a new effect: its outbox row must not be the failed one.
            ctx.idempotency_key = f"{ctx.idempotency_key}:{len(attempts) + 1}"
        if pending is not None and "waiting" in waiting and isinstance(action, DeferredAction):
            shield = shield_on_resume(run.data, compiled.secret_names)
            output = shield.data(action.resume(ctx, waiting))
            _action_done(run, compiled, step, output, rendered, started_at, t0, attempts)
            return
        value = render_config(step.config, run.data, compiled.secret_names)
        real = value if isinstance(value, dict) else {}
        shield = shield_for(run.data, real)
        rendered = recorded_input(action, real, shield)
        config = action.parse_config(real)
        output = shield.data(execute_action(env.session, action, ctx, config))
    except (IntegrityError, DataError) as exc:
        # A constraint or data error is about this step's data, not the infrastructure: the
        # action's savepoint (or SQLite's statement rollback) undid its writes; fail the step
        # instead of retrying the whole batch forever.
        error = shield.text(f"database refused the write: {exc.orig}")
        _action_failed(run, compiled, step, error, rendered, started_at, t0, attempts)
        return
    except ActionNotDone as exc:
        error, output = shield.text(str(exc)), shield.data(exc.output)
        _action_failed(
            run, compiled, step, error, rendered, started_at, t0, attempts, output=output
        )
        return
    except (ActionFailed, TemplateRenderError, SecretError) as exc:
        error = shield.text(step_error(exc))
        _action_failed(run, compiled, step, error, rendered, started_at, t0, attempts)
        return
    except ActionWaiting as wait:
        record(
            run,
            compiled,
            StepStatus.PENDING,
            input=rendered,
            output=shield.data({**wait.output, "waiting": wait.output.get("waiting", step.type)}),
            message=shield.text(wait.message),
            started_at=started_at,
            attempts=attempts or None,
        )
        run.block("delivery", wait.resume_at)
        return
    _action_done(run, compiled, step, output, rendered, started_at, t0, attempts)


def execute_action(
    session: Session, action: Any, ctx: ActionContext, config: Any
) -> dict[str, Any]:
    """Run an action in a savepoint where needed; a queued effect (ActionWaiting) is kept."""
    if not action.uses_orm and ctx.conn.dialect.name != "postgresql":
        # SQLite rolls back just the failing statement, and Core-only actions check
        # everything before their single write, so no savepoint is needed.
        result: dict[str, Any] = action.execute(ctx, config)
        return result
    # On PostgreSQL any failed statement aborts the transaction: isolate the action. An
    # ActionWaiting is not a failure: it leaves the savepoint committed (its outbox row).
    kept: ActionWaiting | ActionNotDone | None = None
    nested = session.begin_nested() if action.uses_orm else ctx.conn.begin_nested()
    with nested:
        try:
            result = action.execute(ctx, config)
        except (ActionWaiting, ActionNotDone) as exc:
            kept = exc  # its writes stay: the savepoint is released, not rolled back
    if kept is not None:
        raise kept
    return result


def _action_done(
    run: Run,
    compiled: CompiledStep,
    step: ActionStep,
    output: dict[str, Any],
    rendered: dict[str, Any] | None,
    started_at: datetime,
    t0: float,
    attempts: list[dict[str, Any]],
) -> None:
    run.actions_executed += 1
    duration_ms = (time.perf_counter() - t0) * 1000.0
    if step.retry is not None:
        attempts.append(
            _attempt(len(attempts) + 1, StepStatus.SUCCESS, None, started_at, duration_ms)
        )
    record(
        run,
        compiled,
        StepStatus.SUCCESS,
        input=rendered,
        output=output,
        started_at=started_at,
        duration_ms=duration_ms,
        attempts=attempts or None,
    )


def _attempt(
    number: int, status: str, error: str | None, started_at: datetime, duration_ms: float
) -> dict[str, Any]:
    return {
        "attempt": number,
        "status": status,
        "error": error,
        "started_at": started_at.isoformat(),
        "finished_at": utcnow().isoformat(),
        "duration_ms": round(duration_ms, 3),
    }


def _action_failed(
    run: Run,
    compiled: CompiledStep,
    step: ActionStep,
    error: str,
    rendered: dict[str, Any] | None,
    started_at: datetime,
    t0: float,
    attempts: list[dict[str, Any]],
    output: dict[str, Any] | None = None,
) -> None:
    duration_ms = (time.perf_counter() - t0) * 1000.0
    common = {"input": rendered, "error": error, "started_at": started_at}
    # A step that failed with its output (ActionNotDone) would fail the same way again.
    policy = step.retry if output is None else None
    if policy is not None:
        attempts.append(
            _attempt(len(attempts) + 1, StepStatus.FAILED, error, started_at, duration_ms)
        )
        if len(attempts) < policy.max_attempts:
            retry_at = run.now + retry_delay(policy, len(attempts))
            record(
                run,
                compiled,
                StepStatus.PENDING,
                output={"retry_at": retry_at.isoformat()},
                message=f"attempt {len(attempts)} of {policy.max_attempts} failed; "
                f"next attempt at {retry_at.isoformat()}",
                attempts=attempts,
                duration_ms=duration_ms,
                **common,
            )
            run.block("retry", retry_at)
            return
    record(
        run,
        compiled,
        StepStatus.FAILED,
        output=output,
        duration_ms=duration_ms,
        attempts=attempts or None,
        message=f"failed after {len(attempts)} attempts" if attempts else None,
        **common,
    )
    if step.on_error == "stop":
        run.failed = f"{compiled.path} ({step.type}): {error}"
