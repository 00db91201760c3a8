"""In-app notifications: create (workflows), read, mark read, dismiss."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crmflow.common.errors import Invalid, NotFound
from crmflow.common.ids import is_valid_id
from crmflow.crm.models import Notification
from crmflow.crm.records import resolve_user
from crmflow.crm.schemas import NotificationLevel
from crmflow.db.base import utcnow
from crmflow.db.signals import mark_notifications_created

TITLE_MAX = 300
LINK_MAX = 500


def create_notification(
    session: Session,
    *,
    company_id: int,
    user_id: int | str,
    level: str,
    title: str,
    message: str,
    link: str | None = None,
    source_step_key: str | None = None,
) -> Notification:
    """Notify a user of the company; one per `source_step_key` (a repeat returns the first)."""
    try:
        level = NotificationLevel(level).value
    except ValueError:
        expected = ", ".join(item.value for item in NotificationLevel)
        raise Invalid(f"level: expected one of {expected}, got {level!r}", field="level") from None
    resolved_user = resolve_user(session, company_id=company_id, user=user_id, field="user_id")
    if link is not None and len(link) > LINK_MAX:
        raise Invalid(f"link: at most {LINK_MAX} characters", field="link")
    if source_step_key:
        existing = session.scalar(
            select(Notification).where(
                Notification.company_id == company_id,
                Notification.user_id == resolved_user,
                Notification.source_step_key == source_step_key,
            )
        )
        if existing is not None:
            return existing
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"  # rendered titles may run long; keep the message
    now = utcnow()
    notification = Notification(
        company_id=company_id,
        user_id=resolved_user,
        level=level,
        title=title,
        message=message or "",
        link=link or None,
        source_step_key=source_step_key,
        created_at=now,
        updated_at=now,
    )
    session.add(notification)
    session.flush()
    # Pushed to the recipients' open sockets once committed (live/fanout.py).

    mark_notifications_created(session, [(company_id, resolved_user, notification.id)])
    return notification


def get_notification(
    session: Session, *, company_id: int, user_id: int, notification_id: int
) -> Notification:
    """Return one of the user's own notifications or raise NotFound."""
    row = session.get(Notification, notification_id) if is_valid_id(notification_id) else None
    if row is None or row.company_id != company_id or row.user_id != user_id:
        raise NotFound(f"notification {notification_id} not found")
    return row


def set_read(
    session: Session, *, company_id: int, user_id: int, notification_id: int, read: bool = True
) -> Notification:
    """Mark one of the user's notifications read (keeping the first read time) or unread."""
    row = get_notification(
        session, company_id=company_id, user_id=user_id, notification_id=notification_id
    )
    if read and row.read_at is None:
        row.read_at = utcnow()
    elif not read and row.read_at is not None:
        row.read_at = None
    session.flush()
    return row


def mark_all_read(session: Session, *, company_id: int, user_id: int) -> int:
    """Mark every unread notification of the user read; return how many changed."""
    result = session.execute(
        update(Notification)
        .where(
            Notification.company_id == company_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def unread_count(session: Session, *, company_id: int, user_id: int) -> int:
    """Count the user's unread notifications."""
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.company_id == company_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
    )
    return int(count or 0)


def delete_notification(
    session: Session, *, company_id: int, user_id: int, notification_id: int
) -> None:
    """Dismiss one of the user's notifications."""
    row = get_notification(
        session, company_id=company_id, user_id=user_id, notification_id=notification_id
    )
    session.delete(row)
    session.flush()
