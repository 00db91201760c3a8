"""Back-test: replay a company's recorded events of a period through a workflow or a draft.

Each event is matched against the trigger, its record (the snapshot the event recorded, as it
was then) against the conditions, and triggered runs are walked with every effect held back.
The report counts outcomes, skips by rule, branches and approvers, keeps up to five sample
events per outcome, and compares with what the current version actually did.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crmflow.common.enums import ExecutionStatus
from crmflow.db.base import utcnow
from crmflow.engine.company_actions import find_company_action
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import CompiledStep, CompiledWorkflow
from crmflow.engine.run_state import Effects, Run, StepEnv, final_status
from crmflow.engine.walker import walk_steps
from crmflow.events.models import Event
from crmflow.executions.models import WorkflowExecution
from crmflow.simulation.explore import describe
from crmflow.simulation.models import WorkflowSimulation
from crmflow.simulation.schemas import BacktestCreate, SimulationMode, SimulationStatus
from crmflow.simulation.service import Options, Subject, resolve_subject
from crmflow.simulation.trigger_filter import trigger_matches
from crmflow.simulation.walk import nothing_written, run_row
from crmflow.workflows.triggers import EVENT_TRIGGERS, entity_type_for

log = logging.getLogger("crmflow.simulation")
CHUNK = 2_000
SAMPLES = 5
Progress = Callable[[int, int], None]


def queue_backtest(
    session: Session, *, company_id: int, user_id: int | None, body: BacktestCreate
) -> WorkflowSimulation:
    """Check the subject and create the back-test's row (queued, or invalid)."""
    subject = resolve_subject(
        session,
        company_id=company_id,
        workflow_id=body.workflow_id,
        version=body.version,
        definition=body.definition,
    )
    row = WorkflowSimulation(
        company_id=company_id,
        workflow_id=subject.workflow_id,
        version=subject.version,
        mode=SimulationMode.BACKTEST,
        status=SimulationStatus.INVALID if subject.errors else SimulationStatus.QUEUED,
        definition=body.definition,
        input_data={"days": body.days, "max_events": body.max_events},
        validation_errors=subject.errors,
        created_by=user_id,
    )
    session.add(row)
    session.commit()
    return row


# A running back-test saves its progress every CHUNK events (well under a second): one whose
# row has not moved for this long was interrupted (its server stopped).
STALE_AFTER = timedelta(minutes=5)


def fail_interrupted_backtests(session: Session) -> int:
    """Mark back-tests that stopped moving as failed (run at start-up); return how many."""
    cutoff = utcnow() - STALE_AFTER
    rows = session.scalars(
        select(WorkflowSimulation).where(
            WorkflowSimulation.mode == SimulationMode.BACKTEST,
            WorkflowSimulation.status.in_([SimulationStatus.QUEUED, SimulationStatus.RUNNING]),
            WorkflowSimulation.updated_at < cutoff,
        )
    ).all()
    for row in rows:
        row.status = SimulationStatus.FAILED
        row.error = (
            f"interrupted: no progress since {row.updated_at.isoformat()} (the server stopped "
            "while it ran); start the back-test again"
        )
        row.finished_at = utcnow()
    session.commit()
    return len(rows)


def run_backtest_job(
    factory: sessionmaker[Session],
    *,
    simulation_id: int,
    options: Options,
    read_factory: sessionmaker[Session] | None = None,
) -> None:
    """Run a queued back-test to the end, saving progress as it goes; never raises.

    The replay reads through `read_factory` (on SQLite a writer session holds the write lock
    for its whole transaction, and progress is written meanwhile through `factory`).
    """
    t0 = time.perf_counter()
    with factory() as session:
        row = session.get(WorkflowSimulation, simulation_id)
        if row is None or row.status != SimulationStatus.QUEUED:
            return
        row.status = SimulationStatus.RUNNING
        session.commit()
        company_id, days = row.company_id, int(row.input_data.get("days", 30))
        max_events = int(row.input_data.get("max_events", 200_000))
        workflow_id, version, definition = row.workflow_id, row.version, row.definition

    def progress(done: int, total: int) -> None:
        with factory() as writer:
            found = writer.get(WorkflowSimulation, simulation_id)
            if found is not None:
                found.progress = round(100.0 * done / total, 1) if total else 100.0
                writer.commit()

    status, report, error = SimulationStatus.COMPLETED, None, None
    try:
        with (read_factory or factory)() as session:
            subject = resolve_subject(
                session,
                company_id=company_id,
                workflow_id=workflow_id,
                version=version if definition is None else None,
                definition=definition,
            )
            report = backtest(
                session,
                company_id=company_id,
                subject=subject,
                days=days,
                max_events=max_events,
                options=options,
                progress=progress,
            )
    except Exception as exc:
        log.exception("back-test %s failed", simulation_id)
        status, error = SimulationStatus.FAILED, f"{type(exc).__name__}: {exc}"
    with factory() as session:
        found = session.get(WorkflowSimulation, simulation_id)
        if found is not None:
            found.status, found.report, found.error = status, report, error
            found.progress = 100.0 if status == SimulationStatus.COMPLETED else found.progress
            found.finished_at = utcnow()
            found.duration_ms = round((time.perf_counter() - t0) * 1000.0, 3)
            session.commit()


class _Tally:
    """What the replay found, as counts and samples."""

    def __init__(self) -> None:
        self.considered = 0
        self.triggered = 0
        self.skipped_filter = 0
        self.skipped_conditions: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.branches: dict[str, Counter[str]] = defaultdict(Counter)
        self.approvers: dict[str, Counter[str]] = defaultdict(Counter)
        self.samples: dict[str, list[int]] = defaultdict(list)
        self.draft: dict[int, str] = {}

    def sample(self, key: str, event_id: int) -> None:
        if len(self.samples[key]) < SAMPLES:
            self.samples[key].append(event_id)


def _event_ids(
    session: Session, company_id: int, types: list[str], since: Any, max_events: int
) -> list[int]:
    """The ids of the events to replay, oldest first (the newest `max_events` of the window)."""
    ids = session.scalars(
        select(Event.id)
        .where(Event.company_id == company_id, Event.type.in_(types), Event.occurred_at >= since)
        .order_by(Event.id.desc())
        .limit(max_events)
    ).all()
    return [int(i) for i in reversed(ids)]


def _events(session: Session, ids: list[int]) -> list[Any]:
    """One chunk of events, read when its turn comes (payloads are never all in memory)."""
    return list(
        session.execute(
            select(
                Event.id,
                Event.type,
                Event.entity_type,
                Event.entity_id,
                Event.payload,
                Event.changes,
                Event.causation_depth,
            )
            .where(Event.id.in_(ids))
            .order_by(Event.id)
        ).all()
    )


def backtest(
    session: Session,
    *,
    company_id: int,
    subject: Subject,
    days: int,
    max_events: int,
    options: Options,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replay the events; return the report. Nothing is written (checked), nothing is sent."""
    compiled = subject.compiled
    if compiled is None:
        raise ValueError("the definition does not validate")
    now = utcnow()
    since = now - timedelta(days=days)
    types = [e for e, triggers in EVENT_TRIGGERS.items() if compiled.trigger_type in triggers]
    tally = _Tally()
    with nothing_written(session) as conn:
        ids = _event_ids(session, company_id, types, since, max_events) if types else []
        loader = ContextLoader(conn, options.run.secret_key)
        env = StepEnv(
            session,
            loader,
            options.run,
            effects=Effects.DRY_RUN,
            custom_actions=find_company_action,
        )
        for start in range(0, len(ids), CHUNK):
            for event in _events(session, ids[start : start + CHUNK]):
                _replay(env, compiled, subject, company_id, event, tally, now)
            if progress is not None:
                progress(min(start + CHUNK, len(ids)), len(ids))
        diff = _diff(session, subject, tally, since) if subject.workflow_id else None
    return {
        "window": {"from": since.isoformat(), "to": now.isoformat(), "days": days},
        "trigger_type": compiled.trigger_type,
        "events_considered": tally.considered,
        "triggered": tally.triggered,
        "skipped": {
            "trigger_filter": tally.skipped_filter,
            "conditions": dict(tally.skipped_conditions.most_common()),
        },
        "outcomes": dict(tally.outcomes.most_common()),
        "branches": {path: dict(c) for path, c in sorted(tally.branches.items())},
        "approvers": {path: dict(c) for path, c in sorted(tally.approvers.items())},
        "samples": dict(tally.samples),
        "diff": diff,
    }


def _replay(
    env: StepEnv,
    compiled: CompiledWorkflow,
    subject: Subject,
    company_id: int,
    event: Any,
    tally: _Tally,
    now: Any,
) -> None:
    tally.considered += 1
    config = compiled.definition.get("trigger_config") or {}
    changes, payload = event.changes or {}, event.payload or {}
    if not trigger_matches(compiled.trigger_type, config, changes, payload):
        tally.skipped_filter += 1
        tally.sample("skipped: trigger filter", event.id)
        tally.draft[event.id] = ExecutionStatus.SKIPPED
        return
    loader = env.loader
    entity = entity_type_for(compiled.trigger_type, config)
    data: dict[str, Any] = loader.build(
        company_id=company_id,
        trigger_type=compiled.trigger_type,
        entity_type=None,
        entity_id=None,
        trigger_data={"changes": changes, "payload": payload},
        event_id=event.id,
    )
    if entity is not None and isinstance(payload, dict) and payload.get("id") is not None:
        # The record as the event saw it (its snapshot), with today's people and relations.
        loader.attach(data, company_id, entity, dict(payload))
        data["trigger"]["entity_type"], data["trigger"]["entity_id"] = entity, event.entity_id
    data["now"] = now
    data["workflow"] = {"id": subject.workflow_id, "version": subject.version}
    data["execution"] = {"id": None}
    verdict = compiled.conditions.explain(data)
    if not verdict.result:
        rule = describe(verdict.rule) if verdict.rule else verdict.explanation
        tally.skipped_conditions[rule] += 1
        tally.sample(f"skipped: {rule}", event.id)
        tally.draft[event.id] = ExecutionStatus.SKIPPED
        return
    tally.triggered += 1
    row = run_row(
        company_id=company_id,
        workflow_id=subject.workflow_id,
        version=subject.version,
        trigger_type=compiled.trigger_type,
        entity_type=entity,
        entity_id=event.entity_id,
        key=f"backtest:{event.id}",
        causation_depth=int(event.causation_depth or 0),
    )
    run = Run(row=row, data=data, now=now, t0=0.0)

    def observe(step: CompiledStep, decision: dict[str, Any]) -> None:
        label = "true" if decision["result"] else "false"
        tally.branches[step.path][label] += 1

    env.observe_when = observe
    outcome = walk_steps(env, run, compiled.steps)
    status = final_status(outcome, run)
    tally.outcomes[status] += 1
    tally.sample(status, event.id)
    tally.draft[event.id] = status
    for record in run.records:
        output = record.get("output") or {}
        if record["type"] == "branch":
            taken = output.get("taken")
            tally.branches[record["path"]]["else" if taken == "else" else f"branch {taken}"] += 1
        elif record["type"] == "approval":
            for user_id in output.get("approvers") or []:
                email = loader.user(int(user_id), with_manager=False).get("email") or f"#{user_id}"
                tally.approvers[record["path"]][str(email)] += 1


def _diff(session: Session, subject: Subject, tally: _Tally, since: Any) -> dict[str, Any]:
    """Compare the draft's verdicts with what the workflow's real runs of those events did."""
    actual: dict[int, tuple[str, int | None]] = {}
    rows = session.execute(
        select(WorkflowExecution.event_id, WorkflowExecution.status, WorkflowExecution.version)
        .where(
            WorkflowExecution.workflow_id == subject.workflow_id,
            WorkflowExecution.event_id.is_not(None),
            WorkflowExecution.created_at >= since,
        )
        .order_by(WorkflowExecution.id)
    )
    for event_id, status, version in rows:
        if event_id is None:
            continue
        actual[int(event_id)] = (str(status), version)
    counts: Counter[str] = Counter()
    samples: dict[str, list[int]] = defaultdict(list)
    for event_id, draft in tally.draft.items():
        real = actual.get(event_id)
        real_status = real[0] if real else "not run"
        draft_ran = draft != ExecutionStatus.SKIPPED
        real_ran = real is not None and real_status != ExecutionStatus.SKIPPED
        if draft_ran and not real_ran:
            key = "only_draft"
        elif real_ran and not draft_ran:
            key = "only_current"
        elif draft_ran and real_status != draft:
            key = "different_outcome"
        else:
            key = "same"
        counts[key] += 1
        if key != "same" and len(samples[key]) < SAMPLES:
            samples[key].append(event_id)
    ran = sorted({v for _, v in actual.values() if v is not None})
    return {
        # The versions the real runs used (the draft has none of its own).
        "version": ran[-1] if ran else subject.version,
        "versions": ran,
        "same": counts["same"],
        "only_draft": counts["only_draft"],
        "only_current": counts["only_current"],
        "different_outcome": counts["different_outcome"],
        "samples": dict(samples),
        "note": "real runs still waiting (approvals, delays) count as a different outcome",
    }
