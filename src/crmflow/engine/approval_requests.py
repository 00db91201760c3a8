"""Approval requests as the engine writes them: ask, designate and notify approvers, close.

The request, its approvers, their notifications and the email are written in the run's
transaction, so a crash before the commit asks nobody and a crash after asks exactly once
(the request is unique per execution and step path). Decisions arrive through the approvals
API, which wakes the execution; a timeout is the execution's own `resume_at`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update

from crmflow.approvals.models import ApprovalApprover, ApprovalDecision, ApprovalRequest
from crmflow.auth.company import company_language
from crmflow.common.enums import ApprovalStatus, DeliveryStatus
from crmflow.common.i18n import entity_name, say
from crmflow.crm.models import Notification, OutgoingEmail
from crmflow.db import dialect
from crmflow.db.signals import mark_notifications_created
from crmflow.db.writes import insert_once, insert_row
from crmflow.engine.definition import ApprovalStep
from crmflow.engine.plugins import ActionContext
from crmflow.engine.recipients import resolve_emails, resolve_user_ids
from crmflow.engine.run_state import Run
from crmflow.engine.templating import has_template, render

REQUESTS: Table = ApprovalRequest.__table__  # type: ignore[assignment]
APPROVERS: Table = ApprovalApprover.__table__  # type: ignore[assignment]
DECISIONS: Table = ApprovalDecision.__table__  # type: ignore[assignment]
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
# Scalar fields of the trigger record shown to approvers (what they decide on).
_CONTEXT_LIMIT = 40


def load_request(conn: Connection, execution_id: int, path: str) -> dict[str, Any] | None:
    """The request of this execution's approval step, or None."""
    row = conn.execute(
        select(REQUESTS).where(
            REQUESTS.c.execution_id == execution_id, REQUESTS.c.step_path == path
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def approver_ids(ctx: ActionContext, step: ApprovalStep) -> list[int]:
    """Resolve the step's approver references (users, titles, roles, templates) to user ids."""
    ids: list[int] = []
    for index, reference in enumerate(step.config.approvers):
        value: Any = reference
        if has_template(reference):
            value = render(reference, ctx.data, f"config.approvers[{index}]")
        if isinstance(value, str) and "," in value:
            value = [part.strip() for part in value.split(",") if part.strip()]
        for user_id in resolve_user_ids(ctx, value):
            if user_id not in ids:
                ids.append(user_id)
    return ids


def _context(run: Run) -> dict[str, Any]:
    kind = run.row["trigger_entity_type"]
    entity = run.data.get(kind) if kind else None
    out: dict[str, Any] = {"entity_type": kind, "entity_id": run.row["trigger_entity_id"]}
    if isinstance(entity, dict):
        scalars = {
            k: v for k, v in entity.items() if isinstance(v, str | int | float | bool) or v is None
        }
        out["record"] = dict(list(scalars.items())[:_CONTEXT_LIMIT])
    return out


def texts(run: Run, step: ApprovalStep, language: str) -> tuple[str, str]:
    """The request's title and message, rendered (a default message, in the company's
    language, names the record)."""
    title = render(step.config.title, run.data, "config.title", language=language) or step.name
    title = str(title or say(language, "approval.title"))
    message = str(render(step.config.message, run.data, "config.message", language=language) or "")
    if not message:
        kind = run.row["trigger_entity_type"]
        entity = run.data.get(kind) if kind else None
        label = ""
        if isinstance(entity, dict):
            label = str(entity.get("name") or entity.get("title") or "")
        what = (
            f"{entity_name(language, kind)} #{run.row['trigger_entity_id']} {label}".strip()
            if kind
            else say(language, "approval.a_run")
        )
        message = say(language, "approval.message", title=title, what=what)
    return title, message


def insert_request(
    ctx: ActionContext,
    run: Run,
    step: ApprovalStep,
    *,
    approvers: list[int],
    expires: datetime | None,
    timeout_seconds: float | None,
    public_url: str,
) -> int:
    """Write the request and its first round of approvers (told in-app and by email)."""
    language = company_language(ctx.conn, run.row["company_id"])
    title, message = texts(run, step, language)
    with dialect.isolated(ctx.conn):  # keeps the batch's other runs safe if a write fails
        request_id = insert_row(
            ctx.conn,
            REQUESTS,
            {
                "company_id": run.row["company_id"],
                "execution_id": run.id,
                "workflow_id": run.row["workflow_id"],
                "step_path": ctx.step_path,
                "name": title,
                "message": message,
                "status": ApprovalStatus.PENDING,
                "mode": step.config.mode,
                "quorum": step.config.quorum or 1,
                "on_timeout": step.config.on_timeout if timeout_seconds is not None else None,
                "timeout_seconds": timeout_seconds,
                "expires_at": expires,
                "escalations": 0,
                "context": _context(run),
                "outcome_reason": None,
                "decided_at": None,
                "created_at": run.now,
                "updated_at": run.now,
            },
        )
        add_approvers(ctx, run, request_id, approvers, 0, title, message, public_url, language)
    return request_id


def add_approvers(
    ctx: ActionContext,
    run: Run,
    request_id: int,
    user_ids: list[int],
    round_: int,
    title: str,
    message: str,
    public_url: str,
    language: str,
) -> None:
    """Designate approvers and tell them: an in-app notification and a queued email each."""
    link = f"{public_url.rstrip('/')}/approvals/{request_id}"
    needed = say(language, "approval.needed", title=title)
    for user_id in user_ids:
        ctx.conn.execute(
            APPROVERS.insert(),
            {
                "approval_id": request_id,
                "user_id": user_id,
                "round": round_,
                "active": True,
                "created_at": run.now,
            },
        )
        notification_id = insert_row(
            ctx.conn,
            NOTIFICATIONS,
            {
                "company_id": run.row["company_id"],
                "user_id": user_id,
                "level": "warning",
                "title": needed[:300],
                "message": message,
                "link": f"/approvals/{request_id}",
                "source_step_key": f"{run.step_key(ctx.step_path)}:r{round_}:{user_id}",
                "created_at": run.now,
                "updated_at": run.now,
                "read_at": None,
            },
        )
        # Pushed to the approvers' open sockets once committed (live/fanout.py).
        mark_notifications_created(
            ctx.base_session, [(run.row["company_id"], user_id, notification_id)]
        )
    emails = resolve_emails(ctx, user_ids)
    if emails:
        insert_once(
            ctx.conn,
            EMAILS,
            key_column="idempotency_key",
            key=f"{run.step_key(ctx.step_path)}:r{round_}",
            values={
                "company_id": run.row["company_id"],
                "to": emails,
                "cc": [],
                "subject": needed[:998],
                "body": f"{message}\n\n{say(language, 'approval.link', link=link)}\n",
                "html_body": None,
                "status": DeliveryStatus.QUEUED,
                "execution_id": run.id,
                "created_at": run.now,
                "updated_at": run.now,
            },
        )


def escalate(
    ctx: ActionContext,
    run: Run,
    request: dict[str, Any],
    managers: list[int],
    expires: datetime,
    public_url: str,
) -> None:
    """Hand a timed-out request to the approvers' managers for a new round."""
    round_ = int(request["escalations"]) + 1
    title, message = request["name"], request["message"]
    conn = ctx.conn
    with dialect.isolated(conn):
        conn.execute(
            update(APPROVERS)
            .where(APPROVERS.c.approval_id == request["id"], APPROVERS.c.active.is_(True))
            .values(active=False)
        )
        conn.execute(
            update(REQUESTS)
            .where(REQUESTS.c.id == request["id"])
            .values(escalations=round_, expires_at=expires, updated_at=run.now)
        )
        existing = set(
            conn.scalars(
                select(APPROVERS.c.user_id).where(APPROVERS.c.approval_id == request["id"])
            )
        )
        reactivate = [m for m in managers if m in existing]
        if reactivate:
            conn.execute(
                update(APPROVERS)
                .where(
                    APPROVERS.c.approval_id == request["id"], APPROVERS.c.user_id.in_(reactivate)
                )
                .values(active=True, round=round_)
            )
        fresh = [m for m in managers if m not in existing]
        language = company_language(conn, run.row["company_id"])
        escalated = say(language, "approval.escalated", message=message)
        add_approvers(
            ctx, run, request["id"], fresh, round_, title, escalated, public_url, language
        )


def active_approvers(conn: Connection, request_id: int) -> list[int]:
    """The user ids of the request's current round."""
    return list(
        conn.scalars(
            select(APPROVERS.c.user_id).where(
                APPROVERS.c.approval_id == request_id, APPROVERS.c.active.is_(True)
            )
        )
    )


def close_request(
    conn: Connection, request: dict[str, Any], status: str, reason: str, now: datetime
) -> tuple[dict[str, Any], bool]:
    """Close a pending request; return it and whether we closed it (not a decision before)."""
    closed = conn.execute(
        update(REQUESTS)
        .where(REQUESTS.c.id == request["id"], REQUESTS.c.status == ApprovalStatus.PENDING)
        .values(status=status, outcome_reason=reason, decided_at=now, updated_at=now)
    )
    if not closed.rowcount:  # decided by someone just before the timeout: theirs stands
        current = load_request(conn, int(request["execution_id"]), str(request["step_path"]))
        assert current is not None
        return current, False
    return {**request, "status": status, "outcome_reason": reason, "decided_at": now}, True


def record_timeout_decision(
    conn: Connection, request_id: int, status: str, comment: str, now: datetime
) -> None:
    """Keep the automatic decision of an `on_timeout` rule in the audit trail."""
    conn.execute(
        DECISIONS.insert(),
        {
            "approval_id": request_id,
            "user_id": None,
            "decision": status,
            "comment": comment,
            "override": False,
            "decided_at": now,
        },
    )


def decisions_of(conn: Connection, request_id: int) -> list[Any]:
    """The request's decisions, oldest first."""
    return list(
        conn.execute(
            select(DECISIONS).where(DECISIONS.c.approval_id == request_id).order_by(DECISIONS.c.id)
        )
    )


def close_open_approvals(
    conn: Connection, *, execution_ids: list[int], reason: str, now: datetime
) -> int:
    """Mark the pending approvals of these executions `cancelled`; return how many."""
    if not execution_ids:
        return 0
    result = conn.execute(
        update(REQUESTS)
        .where(
            REQUESTS.c.execution_id.in_(execution_ids),
            REQUESTS.c.status == ApprovalStatus.PENDING,
        )
        .values(
            status=ApprovalStatus.CANCELLED, outcome_reason=reason, decided_at=now, updated_at=now
        )
    )
    return int(result.rowcount or 0)
