"""An execution read in the request's language: the texts its run wrote, translated on the way out.

Runs store their sentences in English (logs, the CLI and API clients without a language read
them so); a response for someone who asked for French has its step errors and messages, its
explanations and its run error translated here. Only crmflow's own texts are touched: a step's
input and the output an action returned (a webhook's answer...) are served as they are.
"""

from __future__ import annotations

from typing import Any

from crmflow.common.enums import StepStatus
from crmflow.common.i18n import DEFAULT_LANGUAGE, language_of
from crmflow.common.i18n_run_texts import translate_explanation, translate_run_text

# The key of the note a queued run's decision carries (executions/runner.py writes it).
QUEUED_NOTE_KEY = "queued"


def is_english(language: str | None) -> bool:
    """Whether texts are served as stored (English, or no language asked for)."""
    return language_of(language) == DEFAULT_LANGUAGE


def _text(language: str | None, value: Any) -> Any:
    return translate_run_text(language, value) if isinstance(value, str) else value


def translated_decision(language: str | None, decision: Any) -> Any:
    """A decision (`result`, `explanation`, a run policy's note) with its sentences translated."""
    if not isinstance(decision, dict) or is_english(language):
        return decision
    out = dict(decision)
    if isinstance(out.get("explanation"), str):
        out["explanation"] = translate_explanation(language, out["explanation"])
    for key in (QUEUED_NOTE_KEY, "run_policy"):
        if key in out:
            out[key] = _text(language, out[key])
    return out


def _output(language: str | None, step: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    """The parts of a step's output that crmflow wrote itself, translated."""
    out = dict(output)
    kind, status = step.get("type"), step.get("status")
    if status == StepStatus.SKIPPED and "decision" in out:
        out["decision"] = translated_decision(language, out["decision"])
    if kind == "branch" and isinstance(out.get("checked"), list):
        out["checked"] = [
            translate_explanation(language, c) if isinstance(c, str) else c for c in out["checked"]
        ]
    if kind == "parallel":
        if isinstance(out.get("branches"), list):
            out["branches"] = [
                {**b, "error": _text(language, b.get("error"))} if isinstance(b, dict) else b
                for b in out["branches"]
            ]
        if isinstance(out.get("outcome"), dict) and "failed" in out["outcome"]:
            out["outcome"] = {**out["outcome"], "failed": _text(language, out["outcome"]["failed"])}
    if kind == "approval" and isinstance(out.get("decisions"), list):
        # Timeouts record their own decision, with a comment the system wrote.
        out["decisions"] = [
            {**d, "comment": _text(language, d.get("comment"))}
            if isinstance(d, dict) and d.get("user_id") is None
            else d
            for d in out["decisions"]
        ]
    return out


def translated_step(language: str | None, step: dict[str, Any]) -> dict[str, Any]:
    """A step record (as a dict) with its error, message, attempts and own output translated."""
    if is_english(language):
        return step
    out = {**step, "error": _text(language, step.get("error"))}
    out["message"] = _text(language, step.get("message"))
    if isinstance(step.get("attempts"), list):
        out["attempts"] = [
            {**a, "error": _text(language, a.get("error"))} if isinstance(a, dict) else a
            for a in step["attempts"]
        ]
    if isinstance(step.get("output"), dict):
        out["output"] = _output(language, step, step["output"])
    return out


def translated_error(language: str | None, error: str | None) -> str | None:
    """A run's `error_message` in `language`."""
    return None if error is None else translate_run_text(language, error)
