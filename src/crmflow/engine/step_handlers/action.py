"""An action step: render the config, run the plugin in a savepoint, retry with back-off."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from crmflow.common.dates import parse_duration
from crmflow.common.enums import StepStatus
from crmflow.db.base import utcnow
from crmflow.db.savepoints import ActionSavepoint
from crmflow.engine.deferred import ActionWaiting, DeferredAction
from crmflow.engine.definition import ActionStep, CompiledStep, RetryPolicy
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.plugins import Action, ActionContext, ActionFailed, ActionNotDone, get_action
from crmflow.engine.redaction import (
    NO_SHIELD,
    recorded_input,
    render_config,
    shield_for,
    shield_on_resume,
    step_error,
)
from crmflow.engine.run_state import (
    GO_ON,
    Effects,
    PathOutcome,
    Run,
    StepEnv,
    Walk,
    failure,
    record,
    replayed,
)
from crmflow.vault.service import ALLOWED_IN, SecretError


def retry_delay(policy: RetryPolicy, failures: int) -> timedelta:
    """How long to wait before the next attempt after `failures` failed ones."""
    initial: timedelta = parse_duration(policy.initial)
    ceiling: timedelta = parse_duration(policy.max)
    if policy.backoff == "fixed":
        return min(initial, ceiling)
    grown: timedelta = initial * (2 ** min(failures - 1, 30))
    return min(grown, ceiling)


def handle(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None, walk: Walk
) -> PathOutcome:
    """Run the action (or resume its queued effect, or wait for its next attempt)."""
    if previous is not None:
        return replayed(compiled, previous)
    step: ActionStep = compiled.step
    pending = run.pending.get(compiled.path)
    waiting = (pending or {}).get("output") or {}
    attempts: list[dict[str, Any]] = list((pending or {}).get("attempts") or [])
    if pending is not None and "retry_at" in waiting:
        retry_at = datetime.fromisoformat(str(waiting["retry_at"]))
        if run.now < retry_at:
            return run.block("retry", retry_at)  # woken early for another path: wait again
    action = get_action(step.type) or env.custom_action(int(run.row["company_id"]), step.type)
    attempt = _Attempt(run, compiled, step, attempts, (pending or {}).get("input"))
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
            return attempt.done(shield.data(action.resume(ctx, waiting)))
        language = env.loader.language(int(run.row["company_id"]))
        value = render_config(step.config, run.data, compiled.secret_names, language)
        real = value if isinstance(value, dict) else {}
        shield = shield_for(run.data, real)
        attempt.rendered = recorded_input(action, real, shield)
        config = action.parse_config(real)
        if env.effects is Effects.DRY_RUN:
            return attempt.would_do(shield.data(action.dry_run(ctx, config)))
        output = shield.data(execute_action(env.session, action, ctx, config))
    except (IntegrityError, DataError) as exc:
        # A constraint or data error is about this step's data, not the infrastructure: the
        # action's savepoint (or SQLite's statement rollback) undid its writes; fail the step
        # instead of retrying the whole batch forever.
        return attempt.failed(shield.text(f"database refused the write: {exc.orig}"))
    except ActionNotDone as exc:
        return attempt.failed(shield.text(str(exc)), output=shield.data(exc.output))
    except (ActionFailed, TemplateRenderError, SecretError) as exc:
        return attempt.failed(shield.text(step_error(exc)))
    except ActionWaiting as wait:
        record(
            run,
            compiled,
            StepStatus.PENDING,
            input=attempt.rendered,
            output=shield.data({**wait.output, "waiting": wait.output.get("waiting", step.type)}),
            message=shield.text(wait.message),
            started_at=attempt.started_at,
            attempts=attempts or None,
        )
        return run.block("delivery", wait.resume_at)
    return attempt.done(output)


def execute_action(
    session: Session, action: Action, ctx: ActionContext, config: Any
) -> dict[str, Any]:
    """Run an action in a savepoint: its writes go if it raises, stay if it queued an effect.

    An ActionWaiting or ActionNotDone is not a rollback: the outbox row or the email marked
    unsent is the step's outcome and stays.
    """
    savepoint = ActionSavepoint(session, ctx.conn)
    ctx.savepoint = savepoint
    try:
        result = action.execute(ctx, config)
    except (ActionWaiting, ActionNotDone):
        savepoint.keep()
        raise
    except BaseException:
        savepoint.undo()
        raise
    finally:
        ctx.savepoint = None
    savepoint.keep()
    return result


class _Attempt:
    """One attempt at an action step: how it is recorded when it ends."""

    def __init__(
        self,
        run: Run,
        compiled: CompiledStep,
        step: ActionStep,
        attempts: list[dict[str, Any]],
        rendered: dict[str, Any] | None,
    ) -> None:
        self.run, self.compiled, self.step, self.attempts = run, compiled, step, attempts
        # Step records keep the pending input (already masked), or this attempt's.
        self.rendered = rendered
        self.t0 = time.perf_counter()
        self.started_at = utcnow()

    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self.t0) * 1000.0

    def _log(self, status: str, error: str | None, duration_ms: float) -> None:
        self.attempts.append(
            {
                "attempt": len(self.attempts) + 1,
                "status": status,
                "error": error,
                "started_at": self.started_at.isoformat(),
                "finished_at": utcnow().isoformat(),
                "duration_ms": round(duration_ms, 3),
            }
        )

    def done(self, output: dict[str, Any]) -> PathOutcome:
        """Record the action's success."""
        self.run.actions_executed += 1
        duration_ms = self._elapsed_ms()
        if self.step.retry is not None:
            self._log(StepStatus.SUCCESS, None, duration_ms)
        record(
            self.run,
            self.compiled,
            StepStatus.SUCCESS,
            input=self.rendered,
            output=output,
            started_at=self.started_at,
            duration_ms=duration_ms,
            attempts=self.attempts or None,
        )
        return GO_ON

    def would_do(self, predicted: dict[str, Any]) -> PathOutcome:
        """Record what the action would have done with this config (a dry run)."""
        record(
            self.run,
            self.compiled,
            StepStatus.SUCCESS,
            input=self.rendered,
            output=predicted,
            message=f"would run {self.step.type}",
            started_at=self.started_at,
            duration_ms=self._elapsed_ms(),
        )
        return GO_ON

    def failed(self, error: str, output: dict[str, Any] | None = None) -> PathOutcome:
        """Record the failure, or the wait before the next attempt when the policy allows one."""
        duration_ms = self._elapsed_ms()
        common = {"input": self.rendered, "error": error, "started_at": self.started_at}
        # A step that failed with its output (ActionNotDone) would fail the same way again.
        policy = self.step.retry if output is None else None
        if policy is not None:
            self._log(StepStatus.FAILED, error, duration_ms)
            if len(self.attempts) < policy.max_attempts:
                retry_at = self.run.now + retry_delay(policy, len(self.attempts))
                record(
                    self.run,
                    self.compiled,
                    StepStatus.PENDING,
                    output={"retry_at": retry_at.isoformat()},
                    message=f"attempt {len(self.attempts)} of {policy.max_attempts} failed; "
                    f"next attempt at {retry_at.isoformat()}",
                    attempts=self.attempts,
                    duration_ms=duration_ms,
                    **common,
                )
                return self.run.block("retry", retry_at)
        record(
            self.run,
            self.compiled,
            StepStatus.FAILED,
            output=output,
            duration_ms=duration_ms,
            attempts=self.attempts or None,
            message=f"failed after {len(self.attempts)} attempts" if self.attempts else None,
            **common,
        )
        return failure(self.compiled, error)
