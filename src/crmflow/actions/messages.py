"""Messages to people: in-app notifications and emails (sent over SMTP by the outbox sender)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Table, select

from crmflow.actions.builtin import USER_DOC, UserRef, _Config, widget
from crmflow.common.enums import DeliveryStatus
from crmflow.common.text import CleanedName
from crmflow.crm.models import Notification, OutgoingEmail
from crmflow.crm.schemas import EMAIL_PATTERN, NotificationLevel
from crmflow.db.writes import insert_once, insert_row
from crmflow.engine.deferred import ActionWaiting, DeferredAction
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import Action, ActionContext, ActionFailed, ActionNotDone
from crmflow.engine.recipients import resolve_emails, resolve_user_ids
from crmflow.engine.templating import has_template

NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
# A run waiting for an email's delivery looks again this often (the sender also wakes it).
EMAIL_WAIT_POLL = timedelta(minutes=10)


class SendNotificationConfig(_Config):
    user: UserRef = Field("owner", json_schema_extra=widget("user"))
    level: NotificationLevel = NotificationLevel.INFO
    title: Annotated[str, CleanedName] = Field("", max_length=300)
    message: str = Field(min_length=1)
    link: str | None = None


class SendNotificationOutput(BaseModel):
    notification_ids: list[int] = Field(description="one notification per recipient")
    user_ids: list[int] = Field(description="the people notified")
    level: NotificationLevel = Field(description="how important it is")


class SendNotification(Action):
    type = "send_notification"
    name = "Send notification"
    description = "Sends a notification inside crmflow to the people you choose."
    config_model = SendNotificationConfig
    side_effects = ("notification_created",)
    # Plain inserts (notifications.source_step_key is not unique): a replay notifies again.
    is_idempotent = False
    latency_class = "instant"
    supports_dry_run = True
    output_model = SendNotificationOutput
    example = {
        "user": "owner",
        "level": "warning",
        "title": "Big account",
        "message": "{{ organisation.name }} is worth {{ organisation.potential_amount }}",
    }
    field_docs = {
        "user": f"who receives it: {USER_DOC}; one or several",
        "level": "how important it is: info, success, warning or error",
        "title": "a short heading; by default, the start of the message",
        "message": "what the notification says",
        "link": "a web address or a crmflow page to open from it",
    }

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        users = resolve_user_ids(ctx, config.user)
        if not users:
            raise ActionFailed(f"user: no recipient resolved from {config.user!r}")
        emails = [ctx.user(u).get("email") for u in users]
        return {**self.held_back(), "user_ids": users, "users": emails, "level": config.level}

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        users = resolve_user_ids(ctx, config.user)
        if not users:
            raise ActionFailed(f"user: no recipient resolved from {config.user!r}")
        title = config.title or config.message[:80]
        ids = [
            insert_row(
                ctx.conn,
                NOTIFICATIONS,
                {
                    "company_id": ctx.company_id,
                    "user_id": user_id,
                    "level": config.level,
                    "title": title,
                    "message": config.message,
                    "link": config.link,
                    "source_step_key": f"{ctx.idempotency_key}:{user_id}",
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                    "read_at": None,
                },
            )
            for user_id in users
        ]
        # Pushed to the recipients' open sockets once committed (live/fanout.py).
        ctx.notify_committed([(ctx.company_id, u, i) for u, i in zip(users, ids, strict=True)])
        return {"notification_ids": ids, "user_ids": users, "level": config.level}


NO_SMTP = (
    "not sent: no SMTP server is configured (set SMTP_HOST, or SENDGRID_API_KEY); the email "
    "is kept, marked failed"
)


_EMAIL = re.compile(EMAIL_PATTERN)
# The reference kinds engine/recipients.py resolves (`kind:value`).
RECIPIENT_KINDS = ("user", "title", "role")


def recipient_problem(item: Any) -> str | None:
    """Say why a literal recipient cannot be resolved (None: an address, a user or a template)."""
    if isinstance(item, bool) or not isinstance(item, int | str):
        return f"{item!r} is not a recipient"
    text = str(item).strip()
    if isinstance(item, int) or not text or has_template(text) or text.isdigit():
        return None
    if text.lower() in ("owner", "manager"):
        return None
    if ":" in text:
        kind, _, value = text.partition(":")
        if kind.strip().lower() not in RECIPIENT_KINDS:
            return f"{text!r}: unknown kind {kind.strip()!r} (use user:, title: or role:)"
        return None if value.strip() else f"{text!r}: say which {kind.strip().lower()}"
    if "@" not in text:
        return (
            f"{text!r} is not an email address, a user id, owner, manager, title:…, role:… "
            "or a template"
        )
    for address in text.split(","):
        if address.strip() and not _EMAIL.match(address.strip()):
            return f"{address.strip()!r} is not a valid email address"
    return None


class SendEmailConfig(_Config):
    to: UserRef = Field(json_schema_extra=widget("email"))
    cc: list[str] = Field(default_factory=list, json_schema_extra=widget("email"))
    subject: str = Field(min_length=1, max_length=998)
    body: str = ""
    html_body: str | None = None


class SendEmailOutput(BaseModel):
    email_id: int = Field(description="the email sent")
    to: list[str] = Field(description="the addresses it went to")
    status: Literal["sent"] = Field(description="sent: the mail server accepted it")
    message_id: str | None = Field(None, description="the email's reference, once sent")
    sent_at: str | None = Field(None, description="when the mail server accepted it")


class SendEmail(DeferredAction):
    type = "send_email"
    name = "Send email"
    description = (
        "Sends an email to the people or addresses you choose, and waits until the mail "
        "server has accepted it."
    )
    config_model = SendEmailConfig
    # insert_once on the unique outgoing_emails.idempotency_key: a replay queues nothing new.
    is_idempotent = True
    supports_dry_run = True
    output_model = SendEmailOutput
    example = {
        "to": "owner",
        "subject": "Welcome {{ organisation.name }}",
        "body": "{{ organisation.name }} signed up today.",
    }
    field_docs = {
        "to": f"who receives it: {USER_DOC}; one or several",
        "cc": "who receives a copy, written the same way",
        "subject": "the email's subject line",
        "body": "the text of the email",
        "html_body": "a formatted version of the text (HTML), for mail apps that show it",
    }
    side_effects = ("email_sent",)
    latency_class = "medium"

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        """Refuse a malformed literal address or an unknown reference in `to` and `cc`."""
        for name in ("to", "cc"):
            value = config.get(name)
            items = value if isinstance(value, list) else [] if value is None else [value]
            for index, item in enumerate(items):
                problem = recipient_problem(item)
                if problem:
                    where = (
                        f"{path}.{name}[{index}]" if isinstance(value, list) else f"{path}.{name}"
                    )
                    raise DefinitionError(f"{name}: {problem}", where)

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        to = resolve_emails(ctx, config.to)
        if not to:
            raise ActionFailed(f"to: no recipient resolved from {config.to!r}")
        smtp_configured = bool(ctx.extra.get("smtp_configured"))
        # Without a server the email is kept (readable, never sent later by surprise) as
        # failed, and the step fails: an email nobody received is never a green step.
        unsent = None if smtp_configured else NO_SMTP
        email_id = insert_once(
            ctx.conn,
            EMAILS,
            key_column="idempotency_key",
            key=ctx.idempotency_key,
            values={
                "company_id": ctx.company_id,
                "to": to,
                "cc": resolve_emails(ctx, config.cc),
                "subject": config.subject,
                "body": config.body,
                "html_body": config.html_body,
                "status": DeliveryStatus.FAILED if unsent else DeliveryStatus.QUEUED,
                "error": unsent,
                "execution_id": ctx.execution_id,
                # Only a step that waits for the outcome is woken by the sender.
                "step_path": ctx.step_path if smtp_configured else None,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        output = {"email_id": email_id, "to": to, "status": DeliveryStatus.QUEUED}
        if unsent:
            raise ActionNotDone(unsent, {**output, "status": "not sent"})
        raise ActionWaiting(
            {**output, "waiting": "email"},
            ctx.now + EMAIL_WAIT_POLL,
            f"queued for SMTP delivery to {', '.join(to)}",
        )

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        to = resolve_emails(ctx, config.to)
        if not to:
            raise ActionFailed(f"to: no recipient resolved from {config.to!r}")
        return {
            **self.held_back(),
            "to": to,
            "cc": resolve_emails(ctx, config.cc),
            "subject": config.subject,
            "smtp_configured": bool(ctx.extra.get("smtp_configured")),
        }

    def resume(self, ctx: ActionContext, waiting: dict[str, Any]) -> dict[str, Any]:
        row = ctx.conn.execute(
            select(EMAILS.c.status, EMAILS.c.error, EMAILS.c.message_id, EMAILS.c.sent_at).where(
                EMAILS.c.id == waiting["email_id"]
            )
        ).first()
        if row is None:
            raise ActionFailed(f"email {waiting['email_id']} no longer exists")
        if row.status == DeliveryStatus.SENT:
            return {
                "email_id": waiting["email_id"],
                "to": waiting["to"],
                "status": DeliveryStatus.SENT,
                "message_id": row.message_id,
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            }
        if row.status == DeliveryStatus.FAILED:
            raise ActionFailed(f"the SMTP server refused the email: {row.error}")
        raise ActionWaiting(
            waiting,
            ctx.now + EMAIL_WAIT_POLL,
            f"still queued for SMTP delivery ({row.error or 'not tried yet'})",
        )


# The `messages` entry point of the `crmflow.actions` group (pyproject.toml) names this.
ACTIONS: tuple[Action, ...] = (SendNotification(), SendEmail())
