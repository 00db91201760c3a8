"""Two versions of a workflow (or a version and a draft) on the same input: what differs."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from crmflow.simulation.inputs import SimulationInput
from crmflow.simulation.models import WorkflowSimulation
from crmflow.simulation.schemas import CompareCreate, SimulationMode, SimulationStatus
from crmflow.simulation.service import Options, keep_result, resolve_subject, run_simulation


def _side(version: int | None, results: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": version,
        "status": results.get("status"),
        "outcome": results.get("outcome"),
        "would_trigger": results.get("would_trigger"),
        "validation_errors": results.get("validation_errors") or [],
        "path": [
            {"path": s["path"], "name": s["name"], "type": s["type"], "status": s["status"]}
            for s in results.get("execution_path") or []
        ],
        "approval_chain": [
            [u["email"] for u in level["users"]] for level in results.get("approval_chain") or []
        ],
    }


def path_differences(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step whose fate differs between two sides (absent on one side counts)."""
    steps_a = {s["path"]: s for s in a["path"]}
    steps_b = {s["path"]: s for s in b["path"]}
    out = []
    for path in list(dict.fromkeys([*steps_a, *steps_b])):
        one, other = steps_a.get(path), steps_b.get(path)
        status_a = one["status"] if one else "not reached"
        status_b = other["status"] if other else "not reached"
        name_a, name_b = (one or {}).get("name"), (other or {}).get("name")
        if (
            status_a != status_b
            or name_a != name_b
            or (one or {}).get("type") != (other or {}).get("type")
        ):
            out.append({"path": path, "name": name_b or name_a, "a": status_a, "b": status_b})
    if a["outcome"] != b["outcome"]:
        out.insert(0, {"path": "", "name": "outcome", "a": a["outcome"], "b": b["outcome"]})
    if a["approval_chain"] != b["approval_chain"]:
        out.append(
            {
                "path": "",
                "name": "approval chain",
                "a": a["approval_chain"],
                "b": b["approval_chain"],
            }
        )
    return out


def create_comparison(
    session: Session,
    *,
    company_id: int,
    user_id: int | None,
    body: CompareCreate,
    given: SimulationInput,
    options: Options,
) -> WorkflowSimulation:
    """Simulate both sides on `given` and keep the comparison."""
    t0 = time.perf_counter()
    subject_a = resolve_subject(
        session,
        company_id=company_id,
        workflow_id=body.workflow_id,
        version=body.version_a,
        definition=None,
    )
    subject_b = resolve_subject(
        session,
        company_id=company_id,
        workflow_id=body.workflow_id,
        version=body.version_b,
        definition=body.definition,
    )
    sides = []
    for subject in (subject_a, subject_b):
        results = run_simulation(
            session,
            company_id=company_id,
            user_id=user_id,
            subject=subject,
            given=given,
            options=options,
        )
        sides.append(_side(subject.version, results))
    a, b = sides
    return keep_result(
        session,
        company_id=company_id,
        user_id=user_id,
        workflow_id=body.workflow_id,
        version=subject_a.version,
        mode=SimulationMode.COMPARE,
        definition=body.definition,
        given=given,
        results={
            "status": SimulationStatus.COMPLETED,
            "report": {"a": a, "b": b, "differences": path_differences(a, b)},
        },
        started=t0,
    )
