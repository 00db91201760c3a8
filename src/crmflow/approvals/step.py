"""The `approval` step as the runner walks it: ask, wait, time out or escalate, then go on.

The request, its approvers, their notifications and the email are written in the run's
transaction, so a crash before the commit asks nobody and a crash after asks exactly once
(the request is unique per execution and step path). Decisions arrive through the API, which
wakes the execution; a timeout is the execution's own `resume_at`.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update

from crmflow.approvals.models import ApprovalApprover, ApprovalDecision, ApprovalRequest
from crmflow.common.dates import parse_duration
from crmflow.common.enums import ApprovalStatus, DeliveryStatus, ExecutionStatus, StepStatus
from crmflow.crm.models import Notification, OutgoingEmail
from crmflow.db.signals import mark_notifications_created
from crmflow.db.writes import insert_once, insert_row
from crmflow.engine.definition import ApprovalStep, CompiledStep
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.plugins import ActionContext, ActionFailed
from crmflow.engine.recipients import resolve_emails, resolve_user_ids
from crmflow.engine.steps import Run, StepEnv, record, walk_steps
from crmflow.engine.templating import has_template, render

REQUESTS: Table = ApprovalRequest.__table__  # type: ignore[assignment]
APPROVERS: Table = ApprovalApprover.__table__  # type: ignore[assignment]
DECISIONS: Table = ApprovalDecision.__table__  # type: ignore[assignment]
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
# Scalar fields of the trigger record shown to approvers (what they decide on).
_CONTEXT_LIMIT = 40


def run_approval(
    env: StepEnv,
    run: Run,
    compiled: CompiledStep,
    step: ApprovalStep,
    previous: dict[str, Any] | None,
) -> None:
    """Walk an approval step: create the request, keep waiting, or continue after a decision."""
    if previous is not None:  # decided in an earlier attempt: replay the outcome
        outcome = (previous.get("output") or {}).get("outcome")
        if previous["status"] == StepStatus.FAILED:
            _fail(run, compiled, step, str(previous.get("error")), record_step=False)
        elif outcome == ApprovalStatus.REJECTED:
            _rejected(env, run, compiled)
        return
    request = _load(env.conn, run.id, compiled.path)
    try:
        if request is None:
            _ask(env, run, compiled, step)
            return
        if request["status"] == ApprovalStatus.PENDING:
            expires = request["expires_at"]
            if expires is not None and run.now >= expires:
                request = _time_out(env, run, compiled, step, request)
                if request is None:
                    return
            else:
                run.block("approval", expires)
                return
    except (ActionFailed, TemplateRenderError, ValueError) as exc:
        _fail(run, compiled, step, str(exc))
        return
    _decided(env, run, compiled, step, request)


def _load(conn: Connection, execution_id: int, path: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(REQUESTS).where(
            REQUESTS.c.execution_id == execution_id, REQUESTS.c.step_path == path
        )
    ).first()
    return dict(row._mapping) if row is not None else None


def _isolated(conn: Connection) -> Any:
    # On PostgreSQL a failed statement aborts the transaction: keep the batch's other runs safe.
    return conn.begin_nested() if conn.dialect.name == "postgresql" else nullcontext()


def _approver_ids(ctx: ActionContext, step: ApprovalStep) -> list[int]:
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


def _texts(run: Run, step: ApprovalStep) -> tuple[str, str]:
    title = str(render(step.config.title, run.data, "config.title") or step.name or "Approval")
    message = str(render(step.config.message, run.data, "config.message") or "")
    if not message:
        kind = run.row["trigger_entity_type"]
        entity = run.data.get(kind) if kind else None
        label = ""
        if isinstance(entity, dict):
            label = str(entity.get("name") or entity.get("title") or "")
        what = f"{kind} #{run.row['trigger_entity_id']} {label}".strip() if kind else "a run"
        message = f"Your approval is needed: {title} ({what})."
    return title, message


def _ask(env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep) -> None:
    ctx = env.action_context(run, compiled)
    approvers = _approver_ids(ctx, step)
    if not approvers:
        raise ActionFailed(
            f"no approver found for {', '.join(step.config.approvers)} (nobody holds that "
            "title or role, or the record has no owner/manager)"
        )
    quorum_needed = step.config.quorum or 1
    if step.config.mode == "quorum" and quorum_needed > len(approvers):
        raise ActionFailed(
            f"quorum {quorum_needed} cannot be reached: only {len(approvers)} approver(s) "
            f"resolved from {', '.join(step.config.approvers)}"
        )
    title, message = _texts(run, step)
    timeout = parse_duration(step.config.timeout) if step.config.timeout is not None else None
    expires = run.now + timeout if timeout is not None else None
    quorum = step.config.quorum or 1
    with _isolated(env.conn):
        request_id = insert_row(
            env.conn,
            REQUESTS,
            {
                "company_id": run.row["company_id"],
                "execution_id": run.id,
                "workflow_id": run.row["workflow_id"],
                "step_path": compiled.path,
                "name": title,
                "message": message,
                "status": ApprovalStatus.PENDING,
                "mode": step.config.mode,
                "quorum": quorum,
                "on_timeout": step.config.on_timeout if timeout is not None else None,
                "timeout_seconds": timeout.total_seconds() if timeout is not None else None,
                "expires_at": expires,
                "escalations": 0,
                "context": _context(run),
                "outcome_reason": None,
                "decided_at": None,
                "created_at": run.now,
                "updated_at": run.now,
            },
        )
        _add_approvers(env, run, ctx, request_id, approvers, 0, title, message)
    _wait_record(env, run, compiled, step, request_id, approvers, expires, "asked")


def _add_approvers(
    env: StepEnv,
    run: Run,
    ctx: ActionContext,
    request_id: int,
    user_ids: list[int],
    round_: int,
    title: str,
    message: str,
) -> None:
    """Designate approvers and tell them: an in-app notification and a queued email each."""
    link = f"{env.options.public_url.rstrip('/')}/approvals/{request_id}"
    # Pushed to the recipients' open sockets once committed (live/fanout.py).

    for user_id in user_ids:
        env.conn.execute(
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
            env.conn,
            NOTIFICATIONS,
            {
                "company_id": run.row["company_id"],
                "user_id": user_id,
                "level": "warning",
                "title": f"Approval needed: {title}"[:300],
                "message": message,
                "link": f"/approvals/{request_id}",
                "source_step_key": f"{run.step_key(ctx.step_path)}:r{round_}:{user_id}",
                "created_at": run.now,
                "updated_at": run.now,
                "read_at": None,
            },
        )
        mark_notifications_created(ctx.session, [(run.row["company_id"], user_id, notification_id)])
    emails = resolve_emails(ctx, user_ids)
    if emails:
        insert_once(
            env.conn,
            EMAILS,
            key_column="idempotency_key",
            key=f"{run.step_key(ctx.step_path)}:r{round_}",
            values={
                "company_id": run.row["company_id"],
                "to": emails,
                "cc": [],
                "subject": f"Approval needed: {title}"[:998],
                "body": f"{message}\n\nApprove or reject: {link}\n",
                "html_body": None,
                "status": DeliveryStatus.QUEUED,
                "execution_id": run.id,
                "created_at": run.now,
                "updated_at": run.now,
            },
        )


def _wait_record(
    env: StepEnv,
    run: Run,
    compiled: CompiledStep,
    step: ApprovalStep,
    request_id: int,
    approvers: list[int],
    expires: datetime | None,
    verb: str,
) -> None:
    emails = [env.loader.user(uid, with_manager=False).get("email") for uid in approvers]
    quorum = f" {step.config.quorum}" if step.config.mode == "quorum" else ""
    until = f" until {expires.isoformat()}" if expires is not None else ""
    record(
        run,
        compiled,
        StepStatus.PENDING,
        output={
            "approval_id": request_id,
            "approvers": approvers,
            "expires_at": expires.isoformat() if expires is not None else None,
        },
        message=f"{verb} {', '.join(e for e in emails if e)} ({step.config.mode}{quorum}); "
        f"waiting{until}",
    )
    run.block("approval", expires)


def _time_out(
    env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep, request: dict[str, Any]
) -> dict[str, Any] | None:
    """Apply `on_timeout`; return the decided request, or None when the step keeps waiting."""
    rule = request["on_timeout"] or "reject"
    waited = f"no decision within {step.config.timeout}"
    if rule in ("approve", "reject"):
        status = ApprovalStatus.APPROVED if rule == "approve" else ApprovalStatus.REJECTED
        reason = f"{waited}: {status} automatically"
        closed, ours = _close(env.conn, request, status, reason, run.now)
        if ours:  # not a decision that came just before the timeout
            env.conn.execute(
                DECISIONS.insert(),
                {
                    "approval_id": request["id"],
                    "user_id": None,
                    "decision": status,
                    "comment": f"{waited}: {status} automatically (on_timeout: {rule})",
                    "override": False,
                    "decided_at": run.now,
                },
            )
        return closed
    current = list(
        env.conn.scalars(
            select(APPROVERS.c.user_id).where(
                APPROVERS.c.approval_id == request["id"], APPROVERS.c.active.is_(True)
            )
        )
    )
    managers: list[int] = []
    for user_id in current:
        manager = env.loader.user(user_id).get("manager_id")
        if isinstance(manager, int) and manager not in managers and manager not in current:
            managers.append(manager)
    if not managers:
        reason = f"{waited}; nobody to escalate to"
        closed, ours = _close(env.conn, request, ApprovalStatus.CANCELLED, reason, run.now)
        if not ours:
            return closed  # decided just before the timeout
        raise ActionFailed(
            f"{waited}, and the approvers have no manager to escalate to; the request is closed"
        )
    round_ = int(request["escalations"]) + 1
    expires = run.now + parse_duration(step.config.timeout or 0)
    title, message = request["name"], request["message"]
    ctx = env.action_context(run, compiled)
    with _isolated(env.conn):
        env.conn.execute(
            update(APPROVERS)
            .where(APPROVERS.c.approval_id == request["id"], APPROVERS.c.active.is_(True))
            .values(active=False)
        )
        env.conn.execute(
            update(REQUESTS)
            .where(REQUESTS.c.id == request["id"])
            .values(escalations=round_, expires_at=expires, updated_at=run.now)
        )
        existing = set(
            env.conn.scalars(
                select(APPROVERS.c.user_id).where(APPROVERS.c.approval_id == request["id"])
            )
        )
        reactivate = [m for m in managers if m in existing]
        if reactivate:
            env.conn.execute(
                update(APPROVERS)
                .where(
                    APPROVERS.c.approval_id == request["id"], APPROVERS.c.user_id.in_(reactivate)
                )
                .values(active=True, round=round_)
            )
        fresh = [m for m in managers if m not in existing]
        _add_approvers(env, run, ctx, request["id"], fresh, round_, title, f"(escalated) {message}")
    _wait_record(
        env, run, compiled, step, request["id"], managers, expires, f"{waited}: escalated to"
    )
    return None


def _close(
    conn: Connection, request: dict[str, Any], status: str, reason: str, now: datetime
) -> tuple[dict[str, Any], bool]:
    """Close a pending request; return it and whether we closed it (not a decision before)."""
    closed = conn.execute(
        update(REQUESTS)
        .where(REQUESTS.c.id == request["id"], REQUESTS.c.status == ApprovalStatus.PENDING)
        .values(status=status, outcome_reason=reason, decided_at=now, updated_at=now)
    )
    if not closed.rowcount:  # decided by someone just before the timeout: theirs stands
        current = _load(conn, int(request["execution_id"]), str(request["step_path"]))
        assert current is not None
        return current, False
    return {**request, "status": status, "outcome_reason": reason, "decided_at": now}, True


def _decided(
    env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep, request: dict[str, Any]
) -> None:
    status = request["status"]
    if status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        _fail(
            run,
            compiled,
            step,
            f"approval {request['id']} was {status}: {request['outcome_reason']}",
        )
        return
    decisions = [
        {
            "user_id": d.user_id,
            "email": env.loader.user(d.user_id, with_manager=False).get("email")
            if d.user_id is not None
            else None,
            "decision": d.decision,
            "comment": d.comment,
            "override": d.override,
            "decided_at": d.decided_at.isoformat() if d.decided_at else None,
        }
        for d in env.conn.execute(
            select(DECISIONS)
            .where(DECISIONS.c.approval_id == request["id"])
            .order_by(DECISIONS.c.id)
        )
    ]
    record(
        run,
        compiled,
        StepStatus.SUCCESS,
        output={"approval_id": request["id"], "outcome": status, "decisions": decisions},
        message=request["outcome_reason"] or status,
    )
    if status == ApprovalStatus.REJECTED:
        _rejected(env, run, compiled)


def _rejected(env: StepEnv, run: Run, compiled: CompiledStep) -> None:
    """Run the `on_reject` steps, then end the run `rejected` (a business outcome)."""
    walk_steps(env, run, compiled.on_reject)
    if not run.ended():
        run.stopped = ExecutionStatus.REJECTED


def _fail(
    run: Run, compiled: CompiledStep, step: ApprovalStep, error: str, *, record_step: bool = True
) -> None:
    if record_step:
        record(run, compiled, StepStatus.FAILED, error=error)
    if step.on_error == "stop":  # the default for approvals (see ApprovalStep)
        run.failed = f"{compiled.path} (approval): {error}"
