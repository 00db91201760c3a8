"""Tell people about a new breach: in-app to the workflow's owner and the company's admins, and
by email (through the outbox, once per breach) when SLA_ALERTS_ENABLED."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from crmflow.auth.company import company_language
from crmflow.auth.models import User
from crmflow.common.enums import DeliveryStatus
from crmflow.common.i18n import say, word
from crmflow.crm.models import Notification, OutgoingEmail
from crmflow.db.signals import mark_notifications_created
from crmflow.db.writes import insert_once, insert_row
from crmflow.sla.models import SLABreach, WorkflowSLA
from crmflow.workflows.models import Workflow

EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class AlertSettings:
    """SLA_ALERTS_ENABLED, SLA_ALERT_RECIPIENTS and where links point."""

    emails_enabled: bool
    recipients: tuple[str, ...]
    public_url: str

    @classmethod
    def parse(cls, enabled: bool, recipients: str, public_url: str) -> AlertSettings:
        """Build from the settings' raw values (recipients comma-separated)."""
        addresses = tuple(a.strip() for a in recipients.split(",") if a.strip())
        return cls(enabled, addresses, public_url.rstrip("/"))


def _people(session: Session, workflow: Workflow) -> list[tuple[int, str]]:
    """The workflow's owner and the company's active admins: (id, email), owner first."""
    rows = session.execute(
        select(User.id, User.email)
        .where(User.company_id == workflow.company_id, User.is_active.is_(True))
        .where((User.role == "admin") | (User.id == workflow.created_by))
        .order_by((User.id == workflow.created_by).desc(), User.id)
    ).all()
    return [(int(uid), str(email)) for uid, email in rows]


def _texts(
    breach: SLABreach, sla: WorkflowSLA, workflow: Workflow, language: str
) -> tuple[str, str]:
    what = (
        say(language, "sla.what.step", path=breach.step_path)
        if breach.step_path
        else say(language, "sla.what.run")
    )
    figures = {
        "what": what,
        "execution": breach.execution_id,
        "workflow": workflow.name,
        "severity": word(language, "severity", breach.severity),
        "sla": sla.name,
        "margin": f"{breach.breach_margin_seconds:.0f}",
        "elapsed": f"{breach.elapsed_seconds:.0f}",
        "threshold": f"{breach.threshold_seconds:.0f}",
        "target": f"{sla.target_duration_seconds:.0f}",
        "status": word(language, "status", breach.execution_status),
    }
    subject = say(language, "sla.breach.subject", **figures)
    return subject[:998], say(language, "sla.breach.body", **figures)


@dataclass(frozen=True)
class Alert:
    """What people are told: in the app, and by email when alert emails are on."""

    company_id: int
    workflow: Workflow
    subject: str
    body: str
    link: str
    # Makes the email once-only (the outbox's unique idempotency key) and tags notifications.
    key: str
    level: str
    execution_id: int | None = None


def notify(session: Session, alert: Alert, settings: AlertSettings, now: datetime) -> None:
    """Tell the workflow's owner and the company's admins in the app; email them and the
    configured recipients when alert emails are on (once per `alert.key`)."""
    people = _people(session, alert.workflow)
    refs = []
    for user_id, _ in people:
        # Only a condition a scan has just recorded (a unique row) is notified, so a plain
        # insert says it once whoever races.
        notification_id = insert_row(
            session.connection(),
            NOTIFICATIONS,
            {
                "source_step_key": f"{alert.key}:{user_id}",
                "company_id": alert.company_id,
                "user_id": user_id,
                "level": alert.level,
                "title": alert.subject.removeprefix("[crmflow] ")[:300],
                "message": alert.body,
                "link": alert.link,
                "created_at": now,
                "updated_at": now,
                "read_at": None,
            },
        )
        refs.append((alert.company_id, user_id, notification_id))
    mark_notifications_created(session, refs)
    if not settings.emails_enabled:
        return
    to = list(dict.fromkeys([email for _, email in people] + list(settings.recipients)))
    insert_once(
        session.connection(),
        EMAILS,
        key_column="idempotency_key",
        key=alert.key,
        values={
            "company_id": alert.company_id,
            "to": to,
            "cc": [],
            "subject": alert.subject[:998],
            "body": f"{alert.body}\n\n{settings.public_url}{alert.link}\n",
            "html_body": None,
            "status": DeliveryStatus.QUEUED,
            "execution_id": alert.execution_id,
            "created_at": now,
            "updated_at": now,
        },
    )


def send_alerts(
    session: Session, breach_ids: list[int], settings: AlertSettings, now: datetime
) -> None:
    """Notify about each new breach (idempotent: keys derive from the breach id)."""
    for breach_id in breach_ids:
        breach = session.get_one(SLABreach, breach_id)
        sla = session.get_one(WorkflowSLA, breach.sla_id)
        workflow = session.get_one(Workflow, breach.workflow_id)
        language = company_language(session, workflow.company_id)
        subject, body = _texts(breach, sla, workflow, language)
        notify(
            session,
            Alert(
                company_id=breach.company_id,
                workflow=workflow,
                subject=subject,
                body=body,
                link=f"/workflows/{workflow.id}/executions/{breach.execution_id}",
                key=f"sla-breach:{breach.id}",
                level="error" if breach.severity == "critical" else "warning",
                execution_id=breach.execution_id,
            ),
            settings,
            now,
        )
