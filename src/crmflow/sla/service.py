"""SLAs: create, change, measure; breaches: list, acknowledge, resolve; the periodic scan."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.common.errors import Conflict, Invalid, NotFound
from crmflow.common.pagination import PageParams, make_page, paginate
from crmflow.config import Settings
from crmflow.db.base import utcnow
from crmflow.engine.compiled_cache import index_steps
from crmflow.engine.definition import compile_definition
from crmflow.executions.models import WorkflowExecution
from crmflow.sla.alerts import AlertSettings, send_alerts
from crmflow.sla.health import alerting_of, check_burn_rates, check_failure_streaks
from crmflow.sla.models import SLABreach, SLAScanCursor, WorkflowAlert, WorkflowSLA
from crmflow.sla.monitor import IN_FLIGHT, OVERLAP, check_execution, run_durations, scan
from crmflow.sla.schemas import BreachStatus, SLACreate, SLAUpdate
from crmflow.workflows.models import Workflow, WorkflowVersion
from crmflow.workflows.service import get_workflow

# The runs an SLO counts: those that acted (a skipped or cancelled run has no duration to meet).
# The SRE workbook's short, medium and long burn-rate windows.
BURN_WINDOWS = {"1h": timedelta(hours=1), "6h": timedelta(hours=6), "3d": timedelta(days=3)}


def _step_paths(session: Session, version_id: int | None) -> set[str]:
    if version_id is None:
        return set()
    version = session.get(WorkflowVersion, version_id)
    if version is None:
        return set()
    return set(index_steps(compile_definition(version.id, version.definition).steps))


def _check_order(warning: float, critical: float) -> None:
    if warning > critical:
        raise Invalid(
            "warning_threshold_seconds: must not be above critical_threshold_seconds "
            f"({warning} > {critical})",
            field="warning_threshold_seconds",
        )


def create_sla(
    session: Session, *, company_id: int, user_id: int | None, body: SLACreate
) -> WorkflowSLA:
    """Add an SLA to a workflow of the company (its step must exist in the current version)."""
    workflow = get_workflow(session, company_id=company_id, workflow_id=body.workflow_id)
    _check_order(body.warning_threshold_seconds, body.critical_threshold_seconds)
    if body.step_path is not None:
        paths = _step_paths(session, workflow.current_version_id)
        if body.step_path not in paths:
            known = ", ".join(sorted(paths)) or "none"
            raise Invalid(
                f"step_path: workflow {workflow.id} has no step {body.step_path!r} "
                f"(steps: {known})",
                field="step_path",
            )
    sla = WorkflowSLA(company_id=company_id, created_by=user_id, **body.model_dump())
    session.add(sla)
    session.commit()
    return sla


def get_sla(session: Session, *, company_id: int, sla_id: int) -> WorkflowSLA:
    """One SLA of the company (404 otherwise)."""
    sla = session.get(WorkflowSLA, sla_id)
    if sla is None or sla.company_id != company_id:
        raise NotFound(f"SLA {sla_id} not found")
    return sla


def update_sla(session: Session, *, company_id: int, sla_id: int, body: SLAUpdate) -> WorkflowSLA:
    """Change an SLA; the thresholds must stay ordered once merged with the stored ones."""
    sla = get_sla(session, company_id=company_id, sla_id=sla_id)
    changes = body.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:  # every field of an SLA has a value: leave a field out to keep it
            raise Invalid(f"{key}: cannot be null", field=key)
    _check_order(
        changes.get("warning_threshold_seconds", sla.warning_threshold_seconds),
        changes.get("critical_threshold_seconds", sla.critical_threshold_seconds),
    )
    for key, value in changes.items():
        setattr(sla, key, value)
    session.commit()
    return sla


def delete_sla(session: Session, *, company_id: int, sla_id: int) -> None:
    """Remove an SLA and its breaches."""
    session.delete(get_sla(session, company_id=company_id, sla_id=sla_id))
    session.commit()


def list_slas(
    session: Session, *, company_id: int, params: PageParams, workflow_id: int | None
) -> dict[str, Any]:
    """The company's SLAs."""
    query = select(WorkflowSLA).where(WorkflowSLA.company_id == company_id)
    if workflow_id is not None:
        query = query.where(WorkflowSLA.workflow_id == workflow_id)
    rows, total = paginate(session, query.order_by(WorkflowSLA.id), params)
    return make_page(rows, total, params)


def slo_percentage(session: Session, sla: WorkflowSLA, now: datetime) -> float | None:
    """The share of the window's runs that met the target, % (None without runs)."""
    durations = run_durations(session, sla, now - timedelta(hours=sla.slo_window_hours), now)
    missed = sum(1 for d in durations if d > sla.target_duration_seconds)
    return round(100.0 * (len(durations) - missed) / len(durations), 3) if durations else None


def sla_metrics(session: Session, *, company_id: int, sla_id: int) -> dict[str, Any]:
    """SLO compliance over the window, the error budget left, burn rates and counts."""
    sla = get_sla(session, company_id=company_id, sla_id=sla_id)
    now = utcnow()
    window = timedelta(hours=sla.slo_window_hours)
    durations = run_durations(session, sla, now - window, now)
    target = sla.target_duration_seconds
    missed = sum(1 for d in durations if d > target)
    total = len(durations)
    allowed = 1.0 - sla.slo_target_percentage / 100.0
    budget = None
    if total:
        budget = round(100.0 * (1.0 - (missed / total) / allowed), 2)
    burn: dict[str, float | None] = {}
    for label, span in BURN_WINDOWS.items():
        recent = run_durations(session, sla, now - span, now) if span != window else durations
        bad = sum(1 for d in recent if d > target)
        burn[label] = round((bad / len(recent)) / allowed, 3) if recent else None
    # Runs still going are counted by age: their duration is still growing.
    in_flight = session.scalar(
        select(func.count())
        .select_from(WorkflowExecution)
        .where(
            WorkflowExecution.workflow_id == sla.workflow_id,
            WorkflowExecution.status.in_(IN_FLIGHT),
            WorkflowExecution.created_at < now - timedelta(seconds=target),
        )
    )
    open_rows = session.execute(
        select(SLABreach.severity, func.count())
        .where(SLABreach.sla_id == sla.id, SLABreach.status != BreachStatus.RESOLVED)
        .group_by(SLABreach.severity)
    ).all()
    return {
        "sla_id": sla.id,
        "window_hours": sla.slo_window_hours,
        "slo_target_percentage": sla.slo_target_percentage,
        "slo_percentage": round(100.0 * (total - missed) / total, 3) if total else None,
        "error_budget_remaining_percentage": budget,
        "burn_rate": burn,
        "total": total,
        "met": total - missed,
        "missed": missed,
        "in_flight_past_target": int(in_flight or 0),
        "open_breaches": {str(sev): int(n) for sev, n in open_rows},
    }


def list_breaches(
    session: Session,
    *,
    company_id: int,
    params: PageParams,
    status: str | None = None,
    unacknowledged: bool = False,
    unresolved: bool = False,
    workflow_id: int | None = None,
) -> dict[str, Any]:
    """The company's breaches, newest first."""
    query = select(SLABreach).where(SLABreach.company_id == company_id)
    if unacknowledged:
        query = query.where(SLABreach.status == BreachStatus.OPEN)
    elif unresolved:
        query = query.where(SLABreach.status != BreachStatus.RESOLVED)
    elif status is not None:
        query = query.where(SLABreach.status == status)
    if workflow_id is not None:
        query = query.where(SLABreach.workflow_id == workflow_id)
    rows, total = paginate(session, query.order_by(SLABreach.id.desc()), params)
    return make_page([breach_view(session, r) for r in rows], total, params)


def breach_view(session: Session, breach: SLABreach) -> dict[str, Any]:
    """A breach as the API shows it: the seed's `acknowledged` flag, the names it is about."""
    out = {c.key: getattr(breach, c.key) for c in SLABreach.__table__.columns}
    out["acknowledged"] = breach.status != BreachStatus.OPEN
    names = session.execute(
        select(Workflow.name, WorkflowSLA.name)
        .join(WorkflowSLA, WorkflowSLA.workflow_id == Workflow.id)
        .where(WorkflowSLA.id == breach.sla_id)
    ).one()
    out["workflow_name"], out["sla_name"] = names
    return out


def _breach(session: Session, company_id: int, breach_id: int) -> SLABreach:
    breach = session.get(SLABreach, breach_id)
    if breach is None or breach.company_id != company_id:
        raise NotFound(f"SLA breach {breach_id} not found")
    return breach


def acknowledge(
    session: Session, *, company_id: int, user_id: int, breach_id: int, notes: str
) -> dict[str, Any]:
    """Say someone is on it (once: a second acknowledgement is a 409)."""
    breach = _breach(session, company_id, breach_id)
    if breach.status != BreachStatus.OPEN:
        raise Conflict(f"breach {breach_id} is already {breach.status}")
    breach.status = BreachStatus.ACKNOWLEDGED
    breach.acknowledged_by, breach.acknowledged_at, breach.notes = user_id, utcnow(), notes
    session.commit()
    return breach_view(session, breach)


def resolve(
    session: Session, *, company_id: int, user_id: int, breach_id: int, notes: str
) -> dict[str, Any]:
    """Close a breach (acknowledging it too if nobody had)."""
    breach = _breach(session, company_id, breach_id)
    if breach.status == BreachStatus.RESOLVED:
        raise Conflict(f"breach {breach_id} is already resolved")
    now = utcnow()
    if breach.status == BreachStatus.OPEN:
        breach.acknowledged_by, breach.acknowledged_at = user_id, now
    breach.status, breach.resolved_at = BreachStatus.RESOLVED, now
    if notes:
        breach.notes = f"{breach.notes}\n{notes}".strip()
    session.commit()
    return breach_view(session, breach)


def alert_settings(settings: Settings) -> AlertSettings:
    """The alert settings of a deployment."""
    return AlertSettings.parse(
        settings.sla_alerts_enabled, settings.sla_alert_recipients, settings.public_url
    )


# Burn rates and failure streaks are evaluated this often (each costs queries per SLA).
HEALTH_EVERY = timedelta(minutes=1)


def scan_and_alert(session: Session, settings: AlertSettings, now: datetime | None = None) -> int:
    """The periodic job: find new breaches and tell people; once a minute, check failure
    streaks and burn rates too. Return how many breaches were new."""
    now = now or utcnow()
    new = scan(session, now)
    if new:
        send_alerts(session, new, settings, now)
        session.commit()
    cursor = session.get(SLAScanCursor, 1)
    last = cursor.health_checked_at if cursor is not None else None
    if last is not None and now - last < HEALTH_EVERY:
        session.rollback()
        return len(new)
    if cursor is None:
        cursor = SLAScanCursor(id=1, checked_until=now)
        session.add(cursor)
    check_failure_streaks(session, (last or now - HEALTH_EVERY) - OVERLAP, now, settings)
    check_burn_rates(session, now, settings)
    cursor.health_checked_at = now
    session.commit()
    return len(new)


def alerting(session: Session, *, company_id: int, workflow_id: int) -> dict[str, Any]:
    """A workflow's alerting settings (failure streak length, deactivation)."""
    workflow = get_workflow(session, company_id=company_id, workflow_id=workflow_id)
    return {"workflow_id": workflow.id, **alerting_of(workflow)}


def set_alerting(
    session: Session, *, company_id: int, workflow_id: int, values: dict[str, Any]
) -> dict[str, Any]:
    """Change a workflow's alerting settings (not a new version: they are operations)."""
    workflow = get_workflow(session, company_id=company_id, workflow_id=workflow_id)
    workflow.settings = {**(workflow.settings or {}), "alerting": values}
    session.commit()
    return {"workflow_id": workflow.id, **alerting_of(workflow)}


def list_alerts(
    session: Session,
    *,
    company_id: int,
    params: PageParams,
    open_only: bool,
    workflow_id: int | None,
) -> dict[str, Any]:
    """The company's workflow alerts, newest first."""
    query = select(WorkflowAlert).where(WorkflowAlert.company_id == company_id)
    if open_only:
        query = query.where(WorkflowAlert.resolved_at.is_(None))
    if workflow_id is not None:
        query = query.where(WorkflowAlert.workflow_id == workflow_id)
    rows, total = paginate(session, query.order_by(WorkflowAlert.id.desc()), params)
    return make_page(rows, total, params)


class SLAMonitor:
    """The seed's interface: `SLAMonitor(session).check_execution(execution)` records the
    execution's breaches now, tells people about new ones, and returns every breach it has."""

    def __init__(self, session: Session, settings: AlertSettings | None = None) -> None:
        self.session = session
        self.settings = settings or AlertSettings(False, (), "")

    def check_execution(self, execution: WorkflowExecution) -> list[SLABreach]:
        """Check one execution against its workflow's active SLAs (commits)."""
        now = utcnow()
        new = check_execution(self.session, execution, now)
        if new:
            send_alerts(self.session, new, self.settings, now)
        self.session.commit()
        return list(
            self.session.scalars(
                select(SLABreach)
                .where(SLABreach.execution_id == execution.id)
                .order_by(SLABreach.id)
            )
        )
