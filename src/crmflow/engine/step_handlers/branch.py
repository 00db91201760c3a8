"""The `branch` step: the first path whose guard holds (else the `else` path), decided once."""

from __future__ import annotations

from typing import Any

from crmflow.common.enums import StepStatus
from crmflow.engine.definition import CompiledStep
from crmflow.engine.run_state import GO_ON, PathOutcome, Run, StepEnv, Walk, record


def handle(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None, walk: Walk
) -> PathOutcome:
    """Take the path decided the first time the branch was reached, and walk it."""
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
        return walk(env, run, compiled.else_steps)
    if isinstance(taken, int) and 0 <= taken < len(compiled.branches):
        return walk(env, run, compiled.branches[taken][1])
    return GO_ON
