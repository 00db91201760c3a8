"""The generator: run the miners, check and back-test each change, keep one suggestion per pattern.

A change is shown only when it applies to the workflow as it is now, validates like a save, and
has been replayed over recorded events (the back-test's figures join the evidence). A pattern
already pending is refreshed in place; one already accepted or rejected is not proposed again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.common.enums import SuggestionSource, SuggestionStatus
from crmflow.common.errors import DomainError
from crmflow.db.base import utcnow
from crmflow.simulation.backtest import backtest
from crmflow.simulation.service import Options, resolve_subject
from crmflow.suggestions.findings import Finding, History
from crmflow.suggestions.llm import Refiner
from crmflow.suggestions.miners.approvals import mine_auto_approvals, mine_parallel_approvals
from crmflow.suggestions.miners.failures import mine_failures
from crmflow.suggestions.miners.manual_work import mine_manual_work
from crmflow.suggestions.miners.performance import mine_slow_approvals, mine_slow_steps
from crmflow.suggestions.models import WorkflowSuggestion
from crmflow.suggestions.patch import PatchError, apply_patch
from crmflow.suggestions.totals import count_reached
from crmflow.suggestions.workflows import current_definitions
from crmflow.workflows.validation import DEFINITION_KEYS

Miner = Callable[[Session, History], list[Finding]]
MINERS: list[tuple[str, Miner]] = [
    ("auto-approvals", mine_auto_approvals),
    ("parallel approvals", mine_parallel_approvals),
    ("failing steps", mine_failures),
    ("slow approvals", mine_slow_approvals),
    ("slow steps", mine_slow_steps),
    ("repeated manual work", mine_manual_work),
]
# Events a back-test replays per suggestion: enough for its figures, bounded on big histories.
BACKTEST_EVENTS = 2000
Progress = Callable[[float, str], None]


@dataclass
class Checked:
    """A finding whose change applies and validates, with its back-test."""

    finding: Finding
    backtest: dict[str, Any] | None


@dataclass
class Outcome:
    """What a generation did."""

    checked: list[Checked] = field(default_factory=list)
    discarded: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    refreshed: int = 0


def proposed_definition(
    session: Session, company_id: int, change: dict[str, Any]
) -> dict[str, Any]:
    """The definition a change gives (PatchError when the workflow moved on since mining)."""
    if change["type"] == "new_workflow":
        return {k: v for k, v in change["definition"].items() if k in DEFINITION_KEYS}
    current = current_definitions(session, company_id).get(change["workflow_id"])
    if current is None:
        raise PatchError("the workflow no longer exists")
    base = {k: current[k] for k in DEFINITION_KEYS}
    patched: dict[str, Any] = apply_patch(base, change["patch"])
    return patched


def _backtest_summary(report: dict[str, Any]) -> dict[str, Any]:
    # The report's figures without its sample runs (kept small: one per suggestion).
    return {k: v for k, v in report.items() if k != "samples"}


def check_finding(
    session: Session, finding: Finding, *, company_id: int, days: int, options: Options
) -> Checked:
    """Apply, validate and back-test a finding's change; ValueError/DomainError with the reason."""
    if finding.change is None:
        return Checked(finding, None)
    definition = proposed_definition(session, company_id, finding.change)
    subject = resolve_subject(
        session,
        company_id=company_id,
        workflow_id=finding.change.get("workflow_id"),
        version=None,
        definition=definition,
    )
    if subject.errors:
        first = subject.errors[0]
        raise ValueError(f"the changed workflow does not validate: {first.get('msg', first)}")
    report = backtest(
        session,
        company_id=company_id,
        subject=subject,
        days=days,
        max_events=BACKTEST_EVENTS,
        options=options,
    )
    return Checked(finding, _backtest_summary(report))


def mine_and_check(
    session: Session,
    *,
    company_id: int,
    days: int,
    min_occurrences: int,
    options: Options,
    progress: Progress | None = None,
) -> Outcome:
    """Run every miner over the window and check each finding (reads only)."""
    now = utcnow()
    history = History(company_id, now - timedelta(days=days), now, min_occurrences)
    outcome = Outcome()
    findings: list[Finding] = []
    for index, (name, miner) in enumerate(MINERS):
        if progress:
            progress(60.0 * index / len(MINERS), f"mining {name}")
        findings += miner(session, history)
    for index, finding in enumerate(findings):
        if progress:
            progress(60.0 + 35.0 * index / max(1, len(findings)), f"back-testing {finding.title}")
        try:
            outcome.checked.append(
                check_finding(session, finding, company_id=company_id, days=days, options=options)
            )
        except (PatchError, ValueError, DomainError) as exc:
            outcome.discarded.append(
                {"title": finding.title, "kind": finding.kind.value, "reason": str(exc)}
            )
    return outcome


def save(
    session: Session,
    outcome: Outcome,
    *,
    company_id: int,
    refiner: Refiner | None = None,
    language: str = "en",
) -> Outcome:
    """Write the checked findings: new patterns added, pending ones refreshed, decided ones left."""
    decided = set(
        session.scalars(
            select(WorkflowSuggestion.fingerprint).where(
                WorkflowSuggestion.company_id == company_id,
                WorkflowSuggestion.status != SuggestionStatus.PENDING,
            )
        )
    )
    # End the read before asking the model: on SQLite a writer session holds the write lock
    # from its first statement, and the model may take seconds to answer.
    session.commit()
    keep = []
    for item in outcome.checked:
        if item.finding.fingerprint in decided:
            outcome.discarded.append(
                {
                    "title": item.finding.title,
                    "kind": item.finding.kind.value,
                    "reason": "decided before",
                }
            )
        else:
            keep.append(item)
    refined = _refine(refiner, [c.finding for c in keep], language)
    existing = {
        row.fingerprint: row
        for row in session.scalars(
            select(WorkflowSuggestion).where(
                WorkflowSuggestion.company_id == company_id,
                WorkflowSuggestion.status == SuggestionStatus.PENDING,
            )
        )
    }
    created: Counter[tuple[str, str]] = Counter()  # (source, pending) -> new suggestions
    for item, words in zip(keep, refined, strict=True):
        finding = item.finding
        row = existing.get(finding.fingerprint)
        new = row is None
        if row is None:
            row = WorkflowSuggestion(company_id=company_id, fingerprint=finding.fingerprint)
            session.add(row)
            outcome.created += 1
        else:
            outcome.refreshed += 1
        row.workflow_id = finding.workflow_id
        row.kind = finding.kind.value
        row.mined_title, row.mined_description = finding.title[:300], finding.description
        row.title = (words.title if words else finding.title)[:300]
        row.description = words.description if words else finding.description
        row.source = (SuggestionSource.LLM if words else SuggestionSource.HISTORICAL).value
        row.confidence_score = finding.confidence
        row.pattern_frequency = finding.frequency
        row.evidence = {
            **finding.evidence,
            **({"rank": words.rank} if words and words.rank else {}),
        }
        row.change = finding.change
        row.backtest = item.backtest
        row.updated_at = utcnow()
        if new:
            created[(row.source, SuggestionStatus.PENDING.value)] += 1
    count_reached(session, created)
    session.commit()
    return outcome


def _refine(refiner: Refiner | None, findings: list[Finding], language: str) -> list[Any]:
    if refiner is None or not findings:
        return [None] * len(findings)
    answers = refiner(findings, language=language)
    # A refiner that answers for the wrong number of findings is not trusted at all.
    return answers if len(answers) == len(findings) else [None] * len(findings)
