"""A simulation read in the request's language: its warnings, explanations, predicates and
step texts, translated on the way out (stored in English, as runs store theirs)."""

from __future__ import annotations

from typing import Any

from crmflow.common.i18n_run_texts import (
    translate_explanation,
    translate_predicate,
    translate_run_text,
)
from crmflow.executions.run_texts import is_english, translated_decision, translated_step
from crmflow.simulation.models import WorkflowSimulation
from crmflow.simulation.schemas import SimulationOut


def _text(language: str, value: Any) -> Any:
    return translate_run_text(language, value) if isinstance(value, str) else value


def _issues(language: str, issues: Any) -> Any:
    if not isinstance(issues, list):
        return issues
    return [
        {**i, "message": _text(language, i.get("message"))} if isinstance(i, dict) else i
        for i in issues
    ]


def _exploration(language: str, point: dict[str, Any]) -> dict[str, Any]:
    out = dict(point)
    if isinstance(out.get("explanation"), str):
        out["explanation"] = translate_explanation(language, out["explanation"])
    out["alternatives"] = [
        {
            **alt,
            "predicate": translate_predicate(language, alt["predicate"]),
            "why_not": _text(language, alt.get("why_not")),
        }
        for alt in out.get("alternatives") or []
    ]
    return out


def _path_step(language: str, step: dict[str, Any]) -> dict[str, Any]:
    out = translated_step(language, step)
    out["decision"] = translated_decision(language, step.get("decision"))
    return out


def _report(language: str, report: Any) -> Any:
    """A comparison's sides or a back-test's tallies, where they hold sentences."""
    if not isinstance(report, dict):
        return report
    out = dict(report)
    for side in ("a", "b"):
        if isinstance(out.get(side), dict):
            out[side] = {
                **out[side],
                "validation_errors": _issues(language, out[side].get("validation_errors")),
            }
    skipped = out.get("skipped")
    if isinstance(skipped, dict) and isinstance(skipped.get("conditions"), dict):
        conditions = {translate_predicate(language, k): v for k, v in skipped["conditions"].items()}
        out["skipped"] = {**skipped, "conditions": conditions}
    if isinstance(out.get("samples"), dict):
        out["samples"] = {_text(language, k): v for k, v in out["samples"].items()}
    if isinstance(out.get("diff"), dict):
        out["diff"] = {**out["diff"], "note": _text(language, out["diff"].get("note"))}
    return out


def translated_simulation(language: str, row: WorkflowSimulation) -> Any:
    """The simulation as the response shows it, its texts in `language` (the row if English)."""
    if is_english(language):
        return row
    body = SimulationOut.model_validate(row).model_dump()
    body["error"] = _text(language, body.get("error"))
    trigger = body.get("trigger_data")
    if isinstance(trigger, dict):
        body["trigger_data"] = {
            **trigger,
            **{
                key: translated_decision(language, trigger[key])
                for key in ("decision", "conditions")
                if key in trigger
            },
        }
    body["execution_path"] = [_path_step(language, s) for s in body["execution_path"]]
    body["branch_explorations"] = [_exploration(language, p) for p in body["branch_explorations"]]
    body["approval_chain"] = [
        {**level, "error": _text(language, level.get("error"))} for level in body["approval_chain"]
    ]
    body["warnings"] = _issues(language, body["warnings"])
    body["validation_errors"] = _issues(language, body["validation_errors"])
    body["report"] = _report(language, body.get("report"))
    return body
