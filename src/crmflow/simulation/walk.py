"""Walk a workflow once with every effect held back, and prove nothing was written or sent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from crmflow.common.enums import ExecutionStatus
from crmflow.common.network_guard import no_network
from crmflow.db import dialect
from crmflow.db.base import utcnow
from crmflow.engine.company_actions import find_company_action
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import CompiledStep, CompiledWorkflow
from crmflow.engine.options import RunOptions
from crmflow.engine.run_state import Effects, Run, StepEnv, final_status
from crmflow.engine.walker import walk_steps
from crmflow.simulation.inputs import RunData, SimulationInput, build_run_data
from crmflow.simulation.trigger_filter import trigger_condition, trigger_matches
from crmflow.workflows.triggers import entity_type_for

NO_EFFECTS = "a simulation holds every effect back"


class SimulationWrote(RuntimeError):
    """The walk wrote to the database: a bug in a step's dry run; the result is not kept."""


@dataclass
class Walked:
    """What one dry-run walk found."""

    run_data: RunData
    would_trigger: bool
    outcome: str
    trigger_decision: dict[str, Any] | None
    conditions_decision: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)
    # The input's own keys (to warn about fields the record does not have).
    given_keys: list[str] = field(default_factory=list)
    when_decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None


@contextmanager
def nothing_written(session: Session) -> Iterator[Connection]:
    """A fresh transaction, rolled back at the end and proven to have written nothing; email
    and HTTP are refused meanwhile."""
    session.rollback()  # a fresh transaction: the write probe counts from its start
    conn = session.connection()
    before = dialect.write_count(conn)
    try:
        with no_network(NO_EFFECTS):
            yield conn
        if dialect.write_count(conn) != before:
            raise SimulationWrote("a simulated step wrote to the database; nothing was kept")
    finally:
        session.rollback()


def dry_walk(
    session: Session,
    *,
    company_id: int,
    user_id: int | None,
    workflow_id: int | None,
    version: int | None,
    compiled: CompiledWorkflow,
    given: SimulationInput,
    options: RunOptions,
) -> Walked:
    """Walk the workflow on this input in a transaction that is rolled back, writing nothing."""
    with nothing_written(session) as conn:
        return _walk(
            _Target(session, conn, company_id, user_id, workflow_id, version, compiled),
            given,
            options,
        )


@dataclass
class _Target:
    """What a walk runs on: the session and its connection, the company, the workflow."""

    session: Session
    conn: Connection
    company_id: int
    user_id: int | None
    workflow_id: int | None
    version: int | None
    compiled: CompiledWorkflow


def _walk(target: _Target, given: SimulationInput, options: RunOptions) -> Walked:
    session, conn, compiled = target.session, target.conn, target.compiled
    company_id, user_id = target.company_id, target.user_id
    workflow_id, version = target.workflow_id, target.version
    definition = compiled.definition
    trigger_type = compiled.trigger_type
    trigger_config = definition.get("trigger_config") or {}
    entity = entity_type_for(trigger_type, trigger_config)
    now = utcnow()
    loader = ContextLoader(conn, options.secret_key)
    run_data = build_run_data(
        loader,
        company_id=company_id,
        user_id=user_id,
        trigger_type=trigger_type,
        trigger_entity=entity,
        given=given,
        now=now,
        secret_key=options.secret_key,
    )
    data = run_data.data
    data["workflow"] = {"id": workflow_id, "version": version}
    data["execution"] = {"id": None}
    trigger_decision = _trigger_decision(trigger_type, trigger_config, entity, run_data)
    conditions = compiled.conditions.explain(data).to_dict()
    triggered = (trigger_decision is None or trigger_decision["result"]) and conditions["result"]
    walked = Walked(run_data, triggered, ExecutionStatus.SKIPPED, trigger_decision, conditions)
    walked.given_keys = list(given.input_data)
    if not triggered:
        return walked
    row = run_row(
        company_id=company_id,
        workflow_id=workflow_id,
        version=version,
        trigger_type=trigger_type,
        entity_type=run_data.entity_type,
        entity_id=run_data.entity_id,
        key="simulation",
    )
    run = Run(row=row, data=data, now=now, t0=time.perf_counter())

    def observe(step: CompiledStep, decision: dict[str, Any]) -> None:
        walked.when_decisions[step.path] = decision

    env = StepEnv(
        session,
        loader,
        options,
        effects=Effects.DRY_RUN,
        custom_actions=find_company_action,
        observe_when=observe,
    )
    outcome = walk_steps(env, run, compiled.steps)
    walked.records = run.records
    walked.outcome = final_status(outcome, run)
    walked.error = outcome.failed
    return walked


def run_row(
    *,
    company_id: int,
    workflow_id: int | None,
    version: int | None,
    trigger_type: str,
    entity_type: str | None,
    entity_id: int | None,
    key: str,
    causation_depth: int = 0,
) -> dict[str, Any]:
    """The execution row a simulated run stands for (id 0: it is never stored)."""
    return {
        "id": 0,
        "run_key": key,
        "company_id": company_id,
        "workflow_id": workflow_id or 0,
        "version": version,
        "trigger_type": trigger_type,
        "trigger_entity_type": entity_type,
        "trigger_entity_id": entity_id,
        "causation_depth": causation_depth,
    }


def _trigger_decision(
    trigger_type: str, config: dict[str, Any], entity: str | None, run_data: RunData
) -> dict[str, Any] | None:
    condition = trigger_condition(trigger_type, config, entity)
    if condition is None:
        return None
    result = trigger_matches(trigger_type, config, run_data.changes, run_data.payload)
    explanation = condition.explain(run_data.data).explanation
    if run_data.assumed:
        explanation = f"{explanation} (assumed: {'; '.join(run_data.assumed)})"
    return {"result": result, "explanation": explanation}
