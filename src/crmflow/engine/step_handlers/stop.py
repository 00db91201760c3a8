"""The `stop` step: ends the run in the status it names (a `failed` stop fails the path)."""

from __future__ import annotations

from typing import Any

from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.engine.definition import CompiledStep
from crmflow.engine.run_state import PathOutcome, Run, StepEnv, Walk, record, replayed


def stop_outcome(status: str, reason: str) -> PathOutcome:
    """How a stop in `status` ends its path."""
    if status == ExecutionStatus.FAILED:
        return PathOutcome(failed=f"stopped: {reason}")
    return PathOutcome(stopped=status)


def handle(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None, walk: Walk
) -> PathOutcome:
    """Record the stop and end the path (the same on a replay)."""
    if previous is not None:
        if previous["status"] != StepStatus.SUCCESS:
            return replayed(compiled, previous)
        output = previous.get("output") if isinstance(previous.get("output"), dict) else {}
        status = str((output or {}).get("status", ExecutionStatus.SUCCESS))
        return stop_outcome(status, previous.get("message") or "")
    step = compiled.step
    reason = step.config.reason or "stop step reached"
    record(run, compiled, StepStatus.SUCCESS, message=reason, output={"status": step.config.status})
    return stop_outcome(step.config.status, reason)
