"""The `approval` step as the runner walks it: ask, wait, time out or escalate, then go on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmflow.common.dates import parse_duration
from crmflow.common.enums import ApprovalStatus, ExecutionStatus, StepStatus
from crmflow.engine import approval_requests as requests
from crmflow.engine.definition import ApprovalStep, CompiledStep
from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.plugins import ActionFailed
from crmflow.engine.run_state import (
    BLOCKED,
    GO_ON,
    Effects,
    PathOutcome,
    Run,
    StepEnv,
    Walk,
    failure,
    record,
)


def handle(
    env: StepEnv, run: Run, compiled: CompiledStep, previous: dict[str, Any] | None, walk: Walk
) -> PathOutcome:
    """Ask the approvers, keep waiting, or go on (or end `rejected`) once decided."""
    step: ApprovalStep = compiled.step
    if previous is not None:  # decided in an earlier attempt: replay the outcome
        outcome = (previous.get("output") or {}).get("outcome")
        if previous["status"] == StepStatus.FAILED:
            return failure(compiled, str(previous.get("error")))
        if outcome == ApprovalStatus.REJECTED:
            return _rejected(env, run, compiled, walk)
        return GO_ON
    try:
        if env.effects is Effects.DRY_RUN:
            return _would_ask(env, run, compiled, step)
        request = requests.load_request(env.conn, run.id, compiled.path)
        if request is None:
            return _ask(env, run, compiled, step)
        if request["status"] == ApprovalStatus.PENDING:
            expires = request["expires_at"]
            if expires is None or run.now < expires:
                return run.block("approval", expires)
            request = _time_out(env, run, compiled, step, request)
            if request is None:
                return BLOCKED  # escalated: the new round's wait is noted
    except (ActionFailed, TemplateRenderError, ValueError) as exc:
        return _fail(run, compiled, str(exc))
    return _decided(env, run, compiled, request, walk)


def _resolved(env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep) -> list[int]:
    approvers = requests.approver_ids(env.action_context(run, compiled), step)
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
    return approvers


def _would_ask(env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep) -> PathOutcome:
    """A dry run: say whom the step would ask, and go on as if they approved."""
    approvers = _resolved(env, run, compiled, step)
    emails = [env.loader.user(uid, with_manager=False).get("email") for uid in approvers]
    record(
        run,
        compiled,
        StepStatus.SUCCESS,
        output={"approvers": approvers, "dry_run": True},
        message=f"would ask {', '.join(e for e in emails if e)} ({step.config.mode}); "
        "assumed approved",
    )
    return GO_ON


def _ask(env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep) -> PathOutcome:
    approvers = _resolved(env, run, compiled, step)
    timeout = parse_duration(step.config.timeout) if step.config.timeout is not None else None
    expires = run.now + timeout if timeout is not None else None
    request_id = requests.insert_request(
        env.action_context(run, compiled),
        run,
        step,
        approvers=approvers,
        expires=expires,
        timeout_seconds=timeout.total_seconds() if timeout is not None else None,
        public_url=env.options.public_url,
    )
    return _waiting(env, run, compiled, step, request_id, approvers, expires, "asked")


def _waiting(
    env: StepEnv,
    run: Run,
    compiled: CompiledStep,
    step: ApprovalStep,
    request_id: int,
    approvers: list[int],
    expires: datetime | None,
    verb: str,
) -> PathOutcome:
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
    return run.block("approval", expires)


def _time_out(
    env: StepEnv, run: Run, compiled: CompiledStep, step: ApprovalStep, request: dict[str, Any]
) -> dict[str, Any] | None:
    """Apply `on_timeout`; return the decided request, or None when the step keeps waiting."""
    rule = request["on_timeout"] or "reject"
    waited = f"no decision within {step.config.timeout}"
    if rule in ("approve", "reject"):
        status = ApprovalStatus.APPROVED if rule == "approve" else ApprovalStatus.REJECTED
        reason = f"{waited}: {status} automatically"
        closed, ours = requests.close_request(env.conn, request, status, reason, run.now)
        if ours:  # not a decision that came just before the timeout
            comment = f"{waited}: {status} automatically (on_timeout: {rule})"
            requests.record_timeout_decision(env.conn, request["id"], status, comment, run.now)
        return closed
    current = requests.active_approvers(env.conn, request["id"])
    managers: list[int] = []
    for user_id in current:
        manager = env.loader.user(user_id).get("manager_id")
        if isinstance(manager, int) and manager not in managers and manager not in current:
            managers.append(manager)
    if not managers:
        reason = f"{waited}; nobody to escalate to"
        closed, ours = requests.close_request(
            env.conn, request, ApprovalStatus.CANCELLED, reason, run.now
        )
        if not ours:
            return closed  # decided just before the timeout
        raise ActionFailed(
            f"{waited}, and the approvers have no manager to escalate to; the request is closed"
        )
    expires = run.now + parse_duration(step.config.timeout or 0)
    ctx = env.action_context(run, compiled)
    requests.escalate(ctx, run, request, managers, expires, env.options.public_url)
    _waiting(env, run, compiled, step, request["id"], managers, expires, f"{waited}: escalated to")
    return None


def _decided(
    env: StepEnv, run: Run, compiled: CompiledStep, request: dict[str, Any], walk: Walk
) -> PathOutcome:
    status = request["status"]
    if status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        return _fail(
            run, compiled, f"approval {request['id']} was {status}: {request['outcome_reason']}"
        )
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
        for d in requests.decisions_of(env.conn, request["id"])
    ]
    record(
        run,
        compiled,
        StepStatus.SUCCESS,
        output={"approval_id": request["id"], "outcome": status, "decisions": decisions},
        message=request["outcome_reason"] or status,
    )
    if status == ApprovalStatus.REJECTED:
        return _rejected(env, run, compiled, walk)
    return GO_ON


def _rejected(env: StepEnv, run: Run, compiled: CompiledStep, walk: Walk) -> PathOutcome:
    """Run the `on_reject` steps, then end the run `rejected` (a business outcome)."""
    outcome = walk(env, run, compiled.on_reject)
    return outcome if outcome.ended else PathOutcome(stopped=ExecutionStatus.REJECTED)


def _fail(run: Run, compiled: CompiledStep, error: str) -> PathOutcome:
    record(run, compiled, StepStatus.FAILED, error=error)
    return failure(compiled, error)  # approvals stop their path by default (ApprovalStep)
