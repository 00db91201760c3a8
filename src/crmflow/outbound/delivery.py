"""The outbox sender: deliver due emails and webhook calls, record the outcome, wake the run.

Rows are claimed with a lease in a short transaction, sent with no transaction open (a slow
server holds nothing), then their outcome is written. A sender killed between sending and
recording leaves the row `sending`; when the lease runs out another sender sends it again
with the same Message-ID / Idempotency-Key, so the receiver can tell it is a repeat.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from crmflow.auth.models import Company
from crmflow.common.enums import DeliveryStatus
from crmflow.config import Settings
from crmflow.crm.models import OutgoingEmail
from crmflow.db import dialect
from crmflow.db.base import utcnow
from crmflow.db.signals import mark_executions_ready
from crmflow.executions import lifecycle
from crmflow.outbound import smtp
from crmflow.outbound.models import WebhookCall
from crmflow.vault.masking import Redactor, header_credentials
from crmflow.vault.sealing import SealError, open_request

log = logging.getLogger(__name__)

EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
WEBHOOKS: Table = WebhookCall.__table__  # type: ignore[assignment]
# The default sender lease (CRMFLOW_OUTBOX_LEASE_SECONDS): longer than any single send.
LEASE = timedelta(minutes=2)
MAX_EMAIL_ATTEMPTS = 8
BACKOFF_START = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def _lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.outbox_lease_seconds)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` tries: 30 s, 1 min, 2 min... up to 1 h."""
    grown: timedelta = BACKOFF_START * (2 ** min(max(attempts - 1, 0), 20))
    return min(grown, BACKOFF_MAX)


def _claim(
    session: Session, table: Table, now: datetime, limit: int, lease: timedelta = LEASE
) -> list[dict[str, Any]]:
    """Take the lease on due rows (queued and due, or `sending` past a lost sender's lease)."""
    c = table.c
    due = or_(
        and_(
            c.status == DeliveryStatus.QUEUED,
            or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now),
        ),
        and_(c.status == DeliveryStatus.SENDING, c.lease_until < now),
    )
    ids = select(c.id).where(due).order_by(c.id).limit(limit)
    ids = dialect.skip_locked(ids, session)
    rows = session.execute(
        update(table)
        .where(c.id.in_(ids.scalar_subquery()))
        .values(status=DeliveryStatus.SENDING, lease_until=now + lease, attempts=c.attempts + 1)
        .returning(*table.c)
    ).all()
    session.commit()
    return [dict(r._mapping) for r in sorted(rows, key=lambda r: r.id)]


def _record(session: Session, table: Table, row: dict[str, Any], values: dict[str, Any]) -> None:
    """Write a row's outcome and wake the run waiting for it (if it was a step's)."""
    now = utcnow()
    session.execute(
        update(table)
        .where(table.c.id == row["id"], table.c.status == DeliveryStatus.SENDING)
        .values(lease_until=None, updated_at=now, **values)
    )
    if (
        values["status"] in (DeliveryStatus.SENT, DeliveryStatus.FAILED)
        and row.get("step_path")
        and row["execution_id"]
    ):
        woken = lifecycle.wake(session.connection(), [int(row["execution_id"])], now=now)
        mark_executions_ready(session, woken)
    session.commit()


def _retry_or_fail(row: dict[str, Any], reply: str, limit: int, wait: timedelta) -> dict[str, Any]:
    if int(row["attempts"]) >= limit:
        return {
            "status": DeliveryStatus.FAILED,
            "error": f"gave up after {row['attempts']} attempts: {reply}",
        }
    return {"status": DeliveryStatus.QUEUED, "error": reply, "next_attempt_at": utcnow() + wait}


# Emails, and webhook calls, claimed per pass: a pass holds their leases while it sends them.
PASS_LIMIT = 20


def deliver_emails(
    factory: sessionmaker[Session], settings: Settings, *, limit: int = PASS_LIMIT
) -> int:
    """Send due emails over SMTP; return how many were tried. Nothing happens without SMTP."""
    server = smtp.SmtpServer.from_settings(settings)
    if server is None:
        return 0
    with factory() as session, smtp.Connection(server) as connection:
        rows = _claim(session, EMAILS, utcnow(), limit, _lease(settings))
        for row in rows:
            row["message_id"] = row["message_id"] or smtp.message_id(
                str(row["idempotency_key"] or f"email:{row['id']}"), server.sender
            )
            outcome = connection.send(smtp.build_message(row, server.sender))
            if outcome.status == smtp.SendResult.SENT:
                values: dict[str, Any] = {
                    "status": DeliveryStatus.SENT,
                    "sent_at": utcnow(),
                    "message_id": row["message_id"],
                    "error": outcome.reply or None,
                }
            elif outcome.status == smtp.SendResult.RETRY:
                values = _retry_or_fail(
                    row, outcome.reply, MAX_EMAIL_ATTEMPTS, backoff(int(row["attempts"]))
                )
            else:
                values = {"status": DeliveryStatus.FAILED, "error": outcome.reply}
            values.setdefault("message_id", row["message_id"])
            _record(session, EMAILS, row, values)
    return len(rows)


def _no_secret() -> Any:
    return or_(Company.webhook_secret == "", Company.webhook_secret.is_(None))


def _company_secret(session: Session, company_id: int) -> str:
    """The company's webhook signing secret, created on first use."""
    secret = session.scalar(select(Company.webhook_secret).where(Company.id == company_id))
    if secret:
        return str(secret)
    fresh = secrets.token_hex(32)
    session.execute(
        update(Company)
        .where(
            Company.id == company_id,
            or_(Company.webhook_secret == "", Company.webhook_secret.is_(None)),
        )
        .values(webhook_secret=fresh)
    )
    session.commit()
    return str(session.scalar(select(Company.webhook_secret).where(Company.id == company_id)))


def deliver_webhooks(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    limit: int = PASS_LIMIT,
    resolver: Callable[..., Any] | None = None,
) -> int:
    """Make due webhook calls (SSRF-guarded, signed, idempotency-keyed); return how many."""
    with factory() as session:
        rows = _claim(session, WEBHOOKS, utcnow(), limit, _lease(settings))
        if not rows:
            return 0
        # Imported on first use: the HTTP stack is not needed by runs that never call out.
        from crmflow.outbound.http import WebhookRequest, send, signature_headers
        from crmflow.outbound.ssrf import Allowlist, Refused

        allowlist = Allowlist.parse(settings.webhook_allowlist)
        for row in rows:
            try:
                url, text, opened = open_request(settings.secret_key, row)
            except SealError as exc:
                _record(
                    session, WEBHOOKS, row, {"status": DeliveryStatus.FAILED, "error": str(exc)}
                )
                continue
            # What is stored of the answer must not keep an echo of the credentials sent.
            echo = Redactor(header_credentials(opened))
            body = (text or "").encode()
            headers = {
                **opened,
                "Idempotency-Key": row["idempotency_key"],
                "User-Agent": "crmflow-webhooks",
                **signature_headers(_company_secret(session, row["company_id"]), body, utcnow()),
            }
            request = WebhookRequest(
                method=row["method"],
                url=url,
                headers=headers,
                body=body if text is not None else None,
                timeout=float(row["timeout_seconds"]),
            )
            extra = {"resolver": resolver} if resolver is not None else {}
            try:
                result = send(
                    request,
                    allowlist=allowlist,
                    max_response_bytes=settings.webhook_max_response_bytes,
                    **extra,
                )
            except Refused as exc:
                _record(
                    session,
                    WEBHOOKS,
                    row,
                    {"status": DeliveryStatus.FAILED, "error": echo.text(str(exc))},
                )
                continue
            response = {
                "status": result.status,
                "headers": result.headers,
                "json": result.body_json,
                "text": result.body_text,
                "size": result.size,
                "elapsed_ms": result.elapsed_ms,
                "url": result.final_url,
            }
            ok = result.error is None and result.status is not None and 200 <= result.status < 300
            if ok:
                values: dict[str, Any] = {
                    "status": DeliveryStatus.SENT,
                    "sent_at": utcnow(),
                    "error": None,
                }
            else:
                reply = echo.text(_reply(result))
                if result.retryable:
                    wait = max(
                        backoff(int(row["attempts"])), timedelta(seconds=result.retry_after or 0)
                    )
                    values = _retry_or_fail(row, reply, int(row["max_attempts"]), wait)
                else:
                    values = {"status": DeliveryStatus.FAILED, "error": reply}
            values["response"] = echo.data(response)
            _record(session, WEBHOOKS, row, values)
    return len(rows)


def _reply(result: Any) -> str:
    """What the receiver said: its status and the start of its body, or the network error."""
    if result.status is None or (result.error and not result.error.startswith("HTTP")):
        return str(result.error or "no response")
    body = result.body_text
    if body is None and result.body_json is not None:
        body = json.dumps(result.body_json)
    return f"HTTP {result.status}: {(body or '').strip()[:300]}".rstrip(": ")


def deliver_due(factory: sessionmaker[Session], settings: Settings) -> int:
    """One pass of the outbox sender over emails and webhooks."""
    return deliver_emails(factory, settings) + deliver_webhooks(factory, settings)


def deliver_for(factory: sessionmaker[Session], settings: Settings, seconds: float) -> int:
    """Pass after pass while a backlog remains, for about `seconds`; return how many were tried.

    One pass per tick would cap the outbox at 20 emails a tick: a burst of 3,000 alert
    emails took minutes to leave on the Celery runtime, its runs waiting all along.
    """
    deadline = time.monotonic() + seconds
    tried = 0
    while True:
        emails = deliver_emails(factory, settings)
        webhooks = deliver_webhooks(factory, settings)
        tried += emails + webhooks
        if max(emails, webhooks) < PASS_LIMIT or time.monotonic() >= deadline:
            return tried
