"""What a step handler works with: the run being walked, its environment, and path outcomes.

A handler never flags the whole run: it returns how its path goes on (`PathOutcome`), and the
walker stops the path when that outcome ends it. Only what a run accumulates (step records,
the waits asked for, the count of actions done) lives on `Run`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from crmflow.common.enums import ExecutionStatus, StepStatus
from crmflow.db.base import utcnow
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import CompiledStep
from crmflow.engine.options import RunOptions
from crmflow.engine.plugins import Action, ActionContext


@dataclass(frozen=True)
class PathOutcome:
    """How a path goes on after a step: on, failed (with why), stopped (a run status), or blocked.

    `blocked`: the path waits (a delay, an approval, a retry back-off); the run resumes later.
    """

    failed: str | None = None
    stopped: str | None = None
    blocked: bool = False

    @property
    def ended(self) -> bool:
        """True when the path must not run further steps."""
        return self.failed is not None or self.stopped is not None or self.blocked


GO_ON = PathOutcome()
BLOCKED = PathOutcome(blocked=True)


class Effects(Enum):
    """What a walk may do to the world: act (`REAL`) or only say what it would do (`DRY_RUN`)."""

    REAL = "real"
    # Actions, approvals and delays are recorded as what they would do; nothing is written,
    # sent or waited for (the seam simulation runs the same walker through).
    DRY_RUN = "dry_run"


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
    # (what, until when) for every path that waits; None: until someone wakes the run.
    waits: list[tuple[str, datetime | None]] = field(default_factory=list)
    position: int = 0

    @property
    def id(self) -> int:
        return int(self.row["id"])

    def step_key(self, path: str) -> str:
        """Return the idempotency key of a step: the run's random key, never its reusable id."""
        return f"{self.row['run_key']}:{path}"

    def block(self, kind: str, resume_at: datetime | None) -> PathOutcome:
        """Note that the current path waits until `resume_at`; return the blocked outcome."""
        self.waits.append((kind, resume_at))
        return BLOCKED


# Told every `when` the walker decides (path, decision as a dict): simulation listens here.
WhenObserver = Callable[[CompiledStep, dict[str, Any]], None]

# Finds a company's custom action (a catalog entry) by type, or None; given by the caller so
# that the engine never imports the catalog.
CustomActions = Callable[[Session, int, str], Action | None]


@dataclass
class StepEnv:
    """What steps need besides the run: the ORM session, the loader, the runner's options."""

    session: Session
    loader: ContextLoader
    options: RunOptions
    effects: Effects = Effects.REAL
    custom_actions: CustomActions | None = None
    # Company custom actions looked up once per batch.
    custom: dict[tuple[int, str], Action | None] = field(default_factory=dict)
    observe_when: WhenObserver | None = None

    def custom_action(self, company_id: int, action_type: str) -> Action | None:
        """The company's custom action of this type, or None."""
        key = (company_id, action_type)
        if key not in self.custom:
            find = self.custom_actions
            self.custom[key] = find(self.session, company_id, action_type) if find else None
        return self.custom[key]

    @property
    def conn(self) -> Connection:
        return self.loader.conn

    def action_context(self, run: Run, compiled: CompiledStep) -> ActionContext:
        """Build the context an action (or an approval) runs with."""
        row = run.row
        return ActionContext(
            base_session=self.session,
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


def failure(compiled: CompiledStep, error: str) -> PathOutcome:
    """The outcome of a step that failed: its path stops only when `on_error` says so."""
    step = compiled.step
    if step.on_error == "stop":
        return PathOutcome(failed=f"{compiled.path} ({step.type}): {error}")
    return GO_ON


def replayed(compiled: CompiledStep, previous: dict[str, Any]) -> PathOutcome:
    """What a step finished in an earlier attempt does to its path again (it never reruns)."""
    if previous["status"] == StepStatus.FAILED:
        return failure(compiled, str(previous.get("error")))
    return GO_ON


# A parallel step's record fails when a branch does: the branch's own failed step counts.
_JOIN_TYPES = frozenset({"parallel", "branch"})


def failed_steps(run: Run) -> int:
    """Count the run's failed steps: finished in earlier attempts and recorded in this one."""
    records = [*run.done.values(), *run.records]
    return sum(
        1 for r in records if r["status"] == StepStatus.FAILED and r.get("type") not in _JOIN_TYPES
    )


# How a handler walks nested steps (a branch's path, parallel lanes, on_reject).
Walk = Callable[["StepEnv", Run, list[CompiledStep]], PathOutcome]


def final_status(outcome: PathOutcome, run: Run) -> str:
    """The status a run ends in once its top-level path ended without waiting."""
    if outcome.failed is not None:
        return ExecutionStatus.FAILED
    status = outcome.stopped or ExecutionStatus.SUCCESS
    if status == ExecutionStatus.SUCCESS and failed_steps(run):
        # It went on past a failed step: completed with errors, not a success.
        return ExecutionStatus.PARTIAL
    return status
