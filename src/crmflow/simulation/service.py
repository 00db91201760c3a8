"""Simulate a workflow run, store what it found, and list past simulations."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.common.errors import DomainError, Invalid, NotFound
from crmflow.common.pagination import PageParams, make_page, paginate
from crmflow.config import Settings
from crmflow.db.base import utcnow
from crmflow.engine.definition import CompiledWorkflow, compile_definition
from crmflow.engine.errors import DefinitionError
from crmflow.engine.options import RunOptions
from crmflow.outbound.ssrf import Allowlist
from crmflow.simulation.checks import simulation_warnings
from crmflow.simulation.explore import explore
from crmflow.simulation.inputs import SimulationInput
from crmflow.simulation.models import WorkflowSimulation
from crmflow.simulation.prediction import approval_chain, predict_duration
from crmflow.simulation.schemas import SimulationMode, SimulationStatus
from crmflow.simulation.walk import Walked, dry_walk
from crmflow.workflows.directory import CompanyDirectory
from crmflow.workflows.models import WorkflowVersion
from crmflow.workflows.service import get_workflow
from crmflow.workflows.triggers import entity_type_for
from crmflow.workflows.validation import DEFINITION_KEYS, validate_definition

log = logging.getLogger("crmflow.simulation")
# What a draft must name at least (the rest has defaults).
REQUIRED_DRAFT_KEYS = ("trigger_type",)


@dataclass
class Subject:
    """What is simulated: a compiled definition, and the saved workflow/version it comes from."""

    definition: dict[str, Any]
    compiled: CompiledWorkflow | None
    workflow_id: int | None
    version: int | None
    errors: list[dict[str, str]]


@dataclass
class Options:
    """The deployment's settings a simulation needs."""

    run: RunOptions
    allowlist: Allowlist

    @classmethod
    def from_settings(cls, settings: Settings) -> Options:
        """The options of this deployment's settings."""
        run = RunOptions(
            public_url=settings.public_url,
            smtp_configured=settings.smtp_configured,
            secret_key=settings.secret_key,
        )
        return cls(run=run, allowlist=Allowlist.parse(settings.webhook_allowlist))


def _draft(session: Session, company_id: int, raw: dict[str, Any]) -> Subject:
    unknown = sorted(set(raw) - set(DEFINITION_KEYS) - {"status"})
    if unknown:
        raise Invalid(f"definition.{unknown[0]}: unknown field", field=f"definition.{unknown[0]}")
    if not isinstance(raw.get("trigger_type"), str):
        raise Invalid(
            "definition.trigger_type: required (a trigger type)", field="definition.trigger_type"
        )
    try:
        canonical = validate_definition(raw, CompanyDirectory(session, company_id))
    except (DefinitionError, KeyError) as exc:
        path = exc.path if isinstance(exc, DefinitionError) else "trigger_type"
        message = (
            exc.message
            if isinstance(exc, DefinitionError)
            else f"unknown trigger type {raw['trigger_type']!r}"
        )
        return Subject(
            raw, None, None, None, [{"path": path, "code": "invalid", "message": message}]
        )
    return Subject(canonical, compile_definition(0, canonical), None, None, [])


def resolve_subject(
    session: Session,
    *,
    company_id: int,
    workflow_id: int | None,
    version: int | None,
    definition: dict[str, Any] | None,
) -> Subject:
    """Load a saved version (the current one by default) or validate a draft."""
    if definition is not None:
        subject = _draft(session, company_id, definition)
        if workflow_id is not None:  # a draft of a saved workflow: history is that workflow's
            subject.workflow_id = get_workflow(
                session, company_id=company_id, workflow_id=workflow_id
            ).id
        return subject
    assert workflow_id is not None
    workflow = get_workflow(session, company_id=company_id, workflow_id=workflow_id)
    query = select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow.id)
    if version is None:
        query = query.where(WorkflowVersion.id == workflow.current_version_id)
    else:
        query = query.where(WorkflowVersion.version == version)
    found = session.scalars(query).first()
    if found is None:
        raise Invalid(f"version: workflow {workflow_id} has no version {version}", field="version")
    return Subject(
        found.definition,
        compile_definition(found.id, found.definition),
        workflow.id,
        found.version,
        [],
    )


def _execution_path(walked: Walked) -> list[dict[str, Any]]:
    out = []
    for record in walked.records:
        path = record["path"]
        parts = path.split("/")
        output = record.get("output")
        decision = walked.when_decisions.get(path)
        if decision is None and isinstance(output, dict) and "decision" in output:
            decision = output["decision"]
        out.append(
            {
                "path": path,
                "step_id": record.get("step_id"),
                "name": record.get("name"),
                "type": record.get("type"),
                "depth": sum(1 for p in parts if p in ("branches", "else", "on_reject")),
                "status": record.get("status"),
                "decision": decision,
                "message": record.get("message"),
                "input": record.get("input"),
                "output": output,
                "error": record.get("error"),
            }
        )
    return out


def run_simulation(
    session: Session,
    *,
    company_id: int,
    user_id: int | None,
    subject: Subject,
    given: SimulationInput,
    options: Options,
) -> dict[str, Any]:
    """Walk the subject on one input with no effects; return every result field."""
    if subject.compiled is None:
        return {"status": SimulationStatus.INVALID, "validation_errors": subject.errors}
    compiled = subject.compiled
    walked = dry_walk(
        session,
        company_id=company_id,
        user_id=user_id,
        workflow_id=subject.workflow_id,
        version=subject.version,
        compiled=compiled,
        given=given,
        options=options.run,
    )
    explorations, dead = explore(compiled, walked)
    entity = entity_type_for(compiled.trigger_type, subject.definition.get("trigger_config") or {})
    return {
        "status": SimulationStatus.COMPLETED,
        "would_trigger": walked.would_trigger,
        "outcome": walked.outcome,
        "error": walked.error,
        "entity_type": walked.run_data.entity_type,
        "trigger_data": {
            "changes": walked.run_data.changes,
            "payload": walked.run_data.payload,
            "decision": walked.trigger_decision,
            "conditions": walked.conditions_decision,
        },
        "execution_path": _execution_path(walked),
        "branch_explorations": explorations,
        "approval_chain": approval_chain(session, compiled, walked.records),
        "predicted_duration_ms": predict_duration(
            session,
            company_id=company_id,
            workflow_id=subject.workflow_id,
            compiled=compiled,
            records=walked.records,
            now=walked.run_data.data["now"],
        ),
        "validation_errors": subject.errors,
        "warnings": simulation_warnings(
            session,
            company_id=company_id,
            definition=subject.definition,
            entity=entity,
            walked=walked,
            explorations=explorations,
            dead_steps=dead,
            allowlist=options.allowlist,
        ),
    }


def create_simulation(
    session: Session,
    *,
    company_id: int,
    user_id: int | None,
    workflow_id: int | None,
    version: int | None,
    definition: dict[str, Any] | None,
    given: SimulationInput,
    options: Options,
) -> WorkflowSimulation:
    """Simulate one run and keep the result (the only row a simulation writes)."""
    t0 = time.perf_counter()
    subject = resolve_subject(
        session,
        company_id=company_id,
        workflow_id=workflow_id,
        version=version,
        definition=definition,
    )
    try:
        results = run_simulation(
            session,
            company_id=company_id,
            user_id=user_id,
            subject=subject,
            given=given,
            options=options,
        )
    except DomainError:
        raise  # the request was wrong (an unknown record...): a 4xx, nothing to keep
    except Exception as exc:
        log.exception("simulation failed")
        session.rollback()
        results = {
            "status": SimulationStatus.FAILED,
            "error": f"internal error: {type(exc).__name__}: {exc}",
        }
    return keep_result(
        session,
        company_id=company_id,
        user_id=user_id,
        workflow_id=subject.workflow_id,
        version=subject.version,
        mode=SimulationMode.SIMULATE,
        definition=definition,
        given=given,
        results=results,
        started=t0,
    )


def keep_result(
    session: Session,
    *,
    company_id: int,
    user_id: int | None,
    workflow_id: int | None,
    version: int | None,
    mode: SimulationMode,
    definition: dict[str, Any] | None,
    given: SimulationInput,
    results: dict[str, Any],
    started: float,
) -> WorkflowSimulation:
    """Store a finished simulation or comparison (its row is what the metrics count)."""
    row = WorkflowSimulation(
        company_id=company_id,
        workflow_id=workflow_id,
        version=version,
        mode=mode,
        definition=definition,
        input_data=given.input_data,
        entity_id=given.entity_id,
        entity_type=given.entity_type,
        created_by=user_id,
        progress=100.0,
        finished_at=utcnow(),
        trigger_data={"changes": given.changes, "payload": given.payload},
    )
    for key, value in results.items():
        setattr(row, key, value)
    row.duration_ms = round((time.perf_counter() - started) * 1000.0, 3)
    session.add(row)
    session.commit()
    return row


def get_simulation(session: Session, *, company_id: int, simulation_id: int) -> WorkflowSimulation:
    """One simulation of the company (404 otherwise)."""
    row = session.get(WorkflowSimulation, simulation_id)
    if row is None or row.company_id != company_id:
        raise NotFound(f"simulation {simulation_id} not found")
    return row


def list_simulations(
    session: Session,
    *,
    company_id: int,
    params: PageParams,
    workflow_id: int | None,
    mode: str | None,
) -> dict[str, Any]:
    """The company's simulations, newest first."""
    query = select(WorkflowSimulation).where(WorkflowSimulation.company_id == company_id)
    if workflow_id is not None:
        query = query.where(WorkflowSimulation.workflow_id == workflow_id)
    if mode is not None:
        query = query.where(WorkflowSimulation.mode == mode)
    rows, total = paginate(session, query.order_by(WorkflowSimulation.id.desc()), params)
    return make_page(rows, total, params)
