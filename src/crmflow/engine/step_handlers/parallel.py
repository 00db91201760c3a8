"""The `parallel` step: every path walks on its own; the step joins when all of them ended."""

from __future__ import annotations

from typing import Any

from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.engine.definition import CompiledStep
from crmflow.engine.run_state import BLOCKED, PathOutcome, Run, StepEnv, Walk, record

# The keys of the joined step's stored `outcome`: why the path failed, the status it stopped in.
FAILED_KEY, STOPPED_KEY = "failed", "stopped"


def handle(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None, walk: Walk
) -> PathOutcome:
    """Walk every lane; record the join once none of them waits any more."""
    if previous is not None:
        output = previous.get("output") if isinstance(previous.get("output"), dict) else {}
        outcome = (output or {}).get("outcome") or {}
        if outcome.get(FAILED_KEY):
            return PathOutcome(failed=str(outcome[FAILED_KEY]))
        if outcome.get(STOPPED_KEY):
            return PathOutcome(stopped=str(outcome[STOPPED_KEY]))
        return PathOutcome()
    lanes = [walk(env, run, lane) for lane in compiled.lanes]
    if any(lane.blocked for lane in lanes):
        return BLOCKED  # the waits are noted; the join happens on a later resume
    step = compiled.step
    branches: list[dict[str, Any]] = []
    fatal: list[str] = []
    stopped: str | None = None
    for index, lane in enumerate(lanes):
        branch = step.branches[index]
        status = StepStatus.FAILED if lane.failed else (lane.stopped or StepStatus.SUCCESS)
        branches.append(
            {"index": index, "name": branch.name, "status": status, "error": lane.failed}
        )
        if lane.failed and (branch.on_error or step.on_error) == "stop":
            fatal.append(f"branch {branch.name or index}: {lane.failed}")
        if lane.stopped and stopped != ExecutionStatus.REJECTED:
            stopped = lane.stopped
    failures = [b for b in branches if b["status"] == StepStatus.FAILED]
    joined = PathOutcome()
    if fatal:
        joined = PathOutcome(failed=f"{compiled.path} (parallel): " + "; ".join(fatal))
    elif stopped:
        joined = PathOutcome(stopped=stopped)
    record(
        run,
        compiled,
        StepStatus.FAILED if failures else StepStatus.SUCCESS,
        output={
            "branches": branches,
            "outcome": {FAILED_KEY: joined.failed, STOPPED_KEY: joined.stopped},
        },
        error="; ".join(f"branch {b['name'] or b['index']}: {b['error']}" for b in failures)
        or None,
        message=f"{len(branches)} branches joined"
        + (f", {len(failures)} failed" if failures else ""),
    )
    return joined
