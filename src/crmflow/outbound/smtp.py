"""Send emails over SMTP and classify each outcome: sent, try later (4xx), or refused (5xx)."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from crmflow.common.enums import LowerStrEnum
from crmflow.common.network_guard import check_network
from crmflow.config import Settings

SENDGRID_HOST = "smtp.sendgrid.net"
SENDGRID_PORT = 587


class SendResult(LowerStrEnum):
    """One SMTP attempt's result."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to deliver: host, port, TLS mode, credentials, timeout, sender."""

    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    timeout: float
    sender: str

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpServer | None:
        """The configured server (SendGrid's relay when only its key is set), or None."""
        if settings.smtp_host:
            return cls(
                host=settings.smtp_host,
                port=settings.smtp_port,
                security=settings.smtp_security,
                user=settings.smtp_user,
                password=settings.smtp_password,
                timeout=settings.smtp_timeout_seconds,
                sender=settings.default_from_email,
            )
        if settings.sendgrid_api_key:
            return cls(
                host=SENDGRID_HOST,
                port=SENDGRID_PORT,
                security="starttls",
                user="apikey",
                password=settings.sendgrid_api_key,
                timeout=settings.smtp_timeout_seconds,
                sender=settings.default_from_email,
            )
        return None


@dataclass(frozen=True)
class SmtpOutcome:
    """What happened: `sent`, `retry` (temporary) or `failed` (permanent), and the reply."""

    status: SendResult
    reply: str = ""


def message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID derived from the step's key: a re-send carries the same one."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "crmflow.local"
    return f"<{digest}@{domain}>"


def build_message(row: dict[str, Any], sender: str) -> EmailMessage:
    """Turn an outgoing email row into a MIME message (plain text, HTML alternative)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(row["to"] or [])
    if row.get("cc"):
        msg["Cc"] = ", ".join(row["cc"])
    msg["Subject"] = row["subject"]
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = row["message_id"]
    msg.set_content(row["body"] or "")
    if row.get("html_body"):
        msg.add_alternative(row["html_body"], subtype="html")
    return msg


def _reply(code: int, text: bytes | str) -> str:
    body = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {body}".strip()


def _open(server: SmtpServer) -> smtplib.SMTP:
    client: smtplib.SMTP
    if server.security == "ssl":
        context = ssl.create_default_context()
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    try:
        if server.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if server.user:
            client.login(server.user, server.password or "")
    except BaseException:
        client.close()
        raise
    return client


def _recipients(message: EmailMessage) -> list[str]:
    found = [a.strip() for f in ("To", "Cc") for a in (message.get(f) or "").split(",")]
    return [a for a in found if a]


class Connection:
    """One SMTP session for many messages (a delivery pass), opened on the first one.

    Connecting, TLS and login cost more than a message itself: a pass of 20 emails used to
    open 20 sessions. After any error the session is dropped and the next message opens a
    fresh one; a session the server closed while idle is reopened once for the same message.
    """

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Say goodbye to the server (QUIT), if a session is open."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def send(self, message: EmailMessage) -> SmtpOutcome:
        """Deliver one message; every network step is bounded by the server's timeout."""
        check_network(f"email to {message['To']}")
        reused = self._client is not None
        try:
            return self._send(message)
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            if not reused:
                return SmtpOutcome(SendResult.RETRY, f"SMTPServerDisconnected: {exc}")
        # The server closed the idle session: the message gets one fresh session.
        try:
            return self._send(message)
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            return SmtpOutcome(SendResult.RETRY, f"SMTPServerDisconnected: {exc}")

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _send(self, message: EmailMessage) -> SmtpOutcome:
        try:
            if self._client is None:
                self._client = _open(self.server)
            refused = self._client.send_message(message, to_addrs=_recipients(message))
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            replies = "; ".join(f"{a}: {_reply(c, t)}" for a, (c, t) in exc.recipients.items())
            temporary = all(400 <= c < 500 for c, _ in exc.recipients.values())
            return SmtpOutcome(SendResult.RETRY if temporary else SendResult.FAILED, replies)
        except smtplib.SMTPResponseException as exc:
            self._reset()
            reply = _reply(exc.smtp_code, exc.smtp_error)
            return SmtpOutcome(
                SendResult.RETRY if 400 <= exc.smtp_code < 500 else SendResult.FAILED, reply
            )
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            # Connection refused, reset, timed out: the server may come back.
            self._drop()
            return SmtpOutcome(SendResult.RETRY, f"{type(exc).__name__}: {exc}")
        if refused:
            replies = "; ".join(f"{a}: {_reply(c, t)}" for a, (c, t) in refused.items())
            return SmtpOutcome(SendResult.SENT, f"some recipients refused: {replies}")
        return SmtpOutcome(SendResult.SENT, "")

    def _reset(self) -> None:
        # A refused message leaves the session mid-transaction: RSET, or start afresh.
        if self._client is None:
            return
        try:
            self._client.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()


def send(server: SmtpServer, message: EmailMessage) -> SmtpOutcome:
    """Deliver one message in a session of its own."""
    with Connection(server) as connection:
        return connection.send(message)
