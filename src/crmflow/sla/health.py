"""Conditions worth telling people about, checked once a minute: a workflow that failed N times
in a row (optionally deactivated), and an SLO's error budget burning fast.

Burn rates follow the SRE workbook's multi-window alerts: page when both the long and the short
window burn faster than the factor (1 h and 5 min above 14.4; 6 h and 30 min above 6), open a
ticket when 3 days and 6 h both burn above 1. A window counts only with at least
`MIN_RUNS` runs in its long window, so one slow run in a quiet hour pages nobody. An alert is
opened once and resolved when its condition clears; each opening notifies once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.company import company_language
from crmflow.common.enums import ACTED_STATUSES, ExecutionStatus, WorkflowStatus
from crmflow.common.i18n import say
from crmflow.db import dialect
from crmflow.executions.models import WorkflowExecution
from crmflow.sla.alerts import Alert, AlertSettings, notify
from crmflow.sla.models import WorkflowAlert, WorkflowSLA
from crmflow.sla.monitor import run_durations
from crmflow.workflows.models import Workflow

ALERTS = WorkflowAlert.__table__
# Workflow settings: {"alerting": {"failure_streak": 3 | None, "deactivate_on_streak": bool}}.
DEFAULT_STREAK = 3
# The runs that acted without failing: one of them ends a failure streak.
NOT_FAILED = [s for s in ACTED_STATUSES if s != ExecutionStatus.FAILED]
MIN_RUNS = 10


@dataclass(frozen=True)
class BurnRule:
    """Two windows that must both burn faster than `factor` (the SRE workbook's defaults)."""

    kind: str
    long: timedelta
    short: timedelta
    factor: float


BURN_RULES = (
    BurnRule("burn_rate_page", timedelta(hours=1), timedelta(minutes=5), 14.4),
    BurnRule("burn_rate_page", timedelta(hours=6), timedelta(minutes=30), 6.0),
    BurnRule("burn_rate_ticket", timedelta(days=3), timedelta(hours=6), 1.0),
)


def alerting_of(workflow: Workflow) -> dict[str, Any]:
    """A workflow's alerting settings, with defaults."""
    raw = (workflow.settings or {}).get("alerting") or {}
    return {
        "failure_streak": raw.get("failure_streak", DEFAULT_STREAK),
        "deactivate_on_streak": bool(raw.get("deactivate_on_streak", False)),
    }


def _open(session: Session, row: dict[str, Any]) -> bool:
    """Record an alert unless this occurrence is already recorded; True when new."""
    insert = dialect.upsert_insert(session)
    statement = (
        insert(ALERTS)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["workflow_id", "kind", "key"])
        .returning(ALERTS.c.id)
    )
    return session.execute(statement).scalar() is not None


def _resolve(
    session: Session, workflow_id: int, kind: str, sla_id: int | None, now: datetime
) -> None:
    """Close the open alerts of this kind (and SLA): their condition no longer holds."""
    query = select(WorkflowAlert).where(
        WorkflowAlert.workflow_id == workflow_id,
        WorkflowAlert.kind == kind,
        WorkflowAlert.resolved_at.is_(None),
    )
    if sla_id is not None:
        query = query.where(WorkflowAlert.sla_id == sla_id)
    for alert in session.scalars(query):
        alert.resolved_at = now


def check_failure_streaks(
    session: Session, since: datetime, now: datetime, settings: AlertSettings
) -> int:
    """Alert on workflows whose last N runs that acted all failed; return alerts opened."""
    recent = session.scalars(
        select(WorkflowExecution.workflow_id)
        .where(WorkflowExecution.completed_at > since, WorkflowExecution.completed_at <= now)
        .distinct()
    ).all()
    opened = 0
    for workflow_id in recent:
        workflow = session.get(Workflow, workflow_id)
        if workflow is None:
            continue
        config = alerting_of(workflow)
        threshold = config["failure_streak"]
        if not threshold:
            continue
        last = session.execute(
            select(WorkflowExecution.id, WorkflowExecution.status)
            .where(
                WorkflowExecution.workflow_id == workflow_id,
                WorkflowExecution.status.in_(ACTED_STATUSES),
            )
            .order_by(WorkflowExecution.completed_at.desc(), WorkflowExecution.id.desc())
            .limit(int(threshold))
        ).all()
        streak = len(last) == threshold and all(s == ExecutionStatus.FAILED for _, s in last)
        if not streak:
            _resolve(session, workflow_id, "failure_streak", None, now)
            continue
        # One streak, one alert: it starts after the last run that did not fail.
        good = session.scalar(
            select(WorkflowExecution.id)
            .where(
                WorkflowExecution.workflow_id == workflow_id,
                WorkflowExecution.status.in_(
                    [s for s in ACTED_STATUSES if s != ExecutionStatus.FAILED]
                ),
            )
            .order_by(WorkflowExecution.completed_at.desc(), WorkflowExecution.id.desc())
            .limit(1)
        )
        key = f"after:{good or 0}"
        deactivate = config["deactivate_on_streak"] and workflow.status == WorkflowStatus.ACTIVE
        language = company_language(session, workflow.company_id)
        message = say(
            language, "alert.streak", workflow=workflow.name, count=threshold, execution=last[0][0]
        ) + (say(language, "alert.streak.deactivated") if deactivate else "")
        row = {
            "company_id": workflow.company_id,
            "workflow_id": workflow_id,
            "sla_id": None,
            "kind": "failure_streak",
            "key": key,
            "message": message,
            "details": {"failed_runs": [i for i, _ in last], "deactivated": deactivate},
            "opened_at": now,
        }
        if not _open(session, row):
            continue
        if deactivate:
            workflow.status = WorkflowStatus.INACTIVE
        opened += 1
        notify(
            session,
            Alert(
                company_id=workflow.company_id,
                workflow=workflow,
                subject=f"[crmflow] {message}",
                body=say(language, "alert.streak.body", message=message),
                link=f"/workflows/{workflow_id}?tab=executions",
                key=f"failure-streak:{workflow_id}:{key}",
                level="error",
                execution_id=last[0][0],
            ),
            settings,
            now,
        )
    return opened


def burn_rate(session: Session, sla: WorkflowSLA, window: timedelta, now: datetime) -> float | None:
    """Missed share over the allowed share in the window (None below MIN_RUNS runs)."""
    durations = run_durations(session, sla, now - window, now)
    if len(durations) < MIN_RUNS:
        return None
    missed = sum(1 for d in durations if d > sla.target_duration_seconds)
    return (missed / len(durations)) / (1.0 - sla.slo_target_percentage / 100.0)


def check_burn_rates(session: Session, now: datetime, settings: AlertSettings) -> int:
    """Open (and notify) or resolve each active SLA's burn-rate alerts; return alerts opened."""
    opened = 0
    for sla in session.scalars(select(WorkflowSLA).where(WorkflowSLA.is_active.is_(True))):
        workflow = session.get_one(Workflow, sla.workflow_id)
        language = company_language(session, sla.company_id)
        firing: dict[str, str] = {}
        for rule in BURN_RULES:
            long_rate = burn_rate(session, sla, rule.long, now)
            short_rate = burn_rate(session, sla, rule.short, now) if long_rate else None
            if (
                long_rate is not None
                and short_rate is not None
                and min(long_rate, short_rate) > rule.factor
            ):
                firing.setdefault(
                    rule.kind,
                    say(
                        language,
                        "alert.burn.rates",
                        long_rate=f"{long_rate:.1f}",
                        long=_words(rule.long, language),
                        short_rate=f"{short_rate:.1f}",
                        short=_words(rule.short, language),
                        factor=rule.factor,
                    ),
                )
        for kind in ("burn_rate_page", "burn_rate_ticket"):
            if kind not in firing:
                _resolve(session, sla.workflow_id, kind, sla.id, now)
                continue
            already = session.scalar(
                select(WorkflowAlert.id).where(
                    WorkflowAlert.sla_id == sla.id,
                    WorkflowAlert.kind == kind,
                    WorkflowAlert.resolved_at.is_(None),
                )
            )
            if already is not None:
                continue
            key = f"sla:{sla.id}:{now.isoformat()}"
            what = "page" if kind == "burn_rate_page" else "ticket"
            message = say(
                language,
                "alert.burn",
                workflow=workflow.name,
                sla=sla.name,
                percent=sla.slo_target_percentage,
                target=f"{sla.target_duration_seconds:.0f}",
                rates=firing[kind],
            )
            row = {
                "company_id": sla.company_id,
                "workflow_id": sla.workflow_id,
                "sla_id": sla.id,
                "kind": kind,
                "key": key,
                "message": message,
                "details": {"level": what},
                "opened_at": now,
            }
            if not _open(session, row):
                continue
            opened += 1
            notify(
                session,
                Alert(
                    company_id=sla.company_id,
                    workflow=workflow,
                    subject=say(
                        language,
                        "alert.burn.subject",
                        level=say(language, f"alert.level.{what}"),
                        workflow=workflow.name,
                        sla=sla.name,
                    ),
                    body=message,
                    link=f"/workflows/{sla.workflow_id}?tab=slas",
                    key=f"burn:{sla.id}:{kind}:{key}",
                    level="error" if what == "page" else "warning",
                ),
                settings,
                now,
            )
    return opened


def _words(span: timedelta, language: str) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 1440 == 0:
        days = minutes // 1440
        return say(language, "span.days", n=days) if days > 1 else say(language, "span.day")
    if minutes % 60 == 0:
        return say(language, "span.hours", n=minutes // 60)
    return say(language, "span.minutes", n=minutes)
