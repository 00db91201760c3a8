"""The `delay` step: the path waits until a time; the wait lives in the database (`resume_at`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmflow.common.enums import StepStatus
from crmflow.engine.definition import CompiledStep
from crmflow.engine.delays import delay_until
from crmflow.engine.errors import TemplateRenderError
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


def handle(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None, walk: Walk
) -> PathOutcome:
    """Wait (a pending record and a blocked path), or go on once the time has come."""
    if previous is not None:
        return replayed(compiled, previous)
    pending = run.pending.get(compiled.path)
    if pending is not None:
        resume_at = datetime.fromisoformat(str((pending["output"] or {})["resume_at"]))
        if run.now < resume_at:
            return run.block("delay", resume_at)  # woken early for another path: wait again
        record(
            run,
            compiled,
            StepStatus.SUCCESS,
            output={"resume_at": resume_at.isoformat()},
            message=f"waited until {resume_at.isoformat()}",
        )
        return GO_ON
    try:
        wanted, resume_at = delay_until(compiled.step, run.data, run.now)
    except (TemplateRenderError, ValueError) as exc:
        record(run, compiled, StepStatus.FAILED, error=str(exc))
        return failure(compiled, str(exc))
    if resume_at <= run.now:
        record(run, compiled, StepStatus.SUCCESS, message=f"{wanted} is already past: no wait")
        return GO_ON
    if env.effects is Effects.DRY_RUN:
        record(
            run,
            compiled,
            StepStatus.SUCCESS,
            output={"resume_at": resume_at.isoformat(), "dry_run": True},
            message=f"would wait until {resume_at.isoformat()}",
        )
        return GO_ON
    record(
        run,
        compiled,
        StepStatus.PENDING,
        output={"resume_at": resume_at.isoformat()},
        message=f"waits until {resume_at.isoformat()}",
    )
    return run.block("delay", resume_at)
