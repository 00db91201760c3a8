"""The error-handling miner proposes retries and `on_error` only for actions, never approvals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from crmflow.common.enums import ExecutionStatus, StepStatus, SuggestionKind
from crmflow.db.base import utcnow
from crmflow.demo_history.rows import RunWriter, step_row
from crmflow.suggestions.findings import History
from crmflow.suggestions.miners.failures import mine_failures
from crmflow.workflows.service import create_workflow
from tests.conftest import Tenant
from tests.suggestions.planted import principal_of


def _failing_history(session: Session, tenant: Tenant, error: str) -> int:
    """Sixty runs whose approval and webhook (both stopping on error) fail half the time."""
    workflow = create_workflow(
        session,
        principal=principal_of(tenant),
        data={
            "name": "Failing approval",
            "trigger_type": "deal_created",
            "actions": [
                {"type": "approval", "name": "Ask", "config": {"approvers": ["manager"]}},
                {
                    "type": "call_webhook",
                    "name": "Push",
                    "on_error": "stop",
                    "config": {"url": "https://erp.example.com/deals"},
                },
            ],
        },
    )
    writer = RunWriter(session, tenant.company_id, tenant.admin_id)
    now = utcnow()
    for index in range(60):
        at = now - timedelta(hours=index + 1)
        failed = index % 2 == 0
        status = StepStatus.FAILED if failed else StepStatus.SUCCESS
        message = error if failed else None
        writer.run(
            workflow,
            at,
            ExecutionStatus.FAILED if failed else ExecutionStatus.SUCCESS,
            [
                step_row("actions/0", "Ask", "approval", status, at, 10, message),
                step_row("actions/1", "Push", "call_webhook", status, at, 10, message),
            ],
        )
    writer.flush()
    session.commit()
    return workflow.id


def _findings(session: Session, tenant: Tenant) -> dict[str, list[object]]:
    now = utcnow()
    history = History(tenant.company_id, now - timedelta(days=30), now, 10)
    found: dict[str, list[object]] = {}
    for finding in mine_failures(session, history):
        assert finding.kind == SuggestionKind.ERROR_HANDLING
        found.setdefault(finding.evidence["step"]["path"], []).append(finding)
    return found


def test_a_failing_approval_gets_advice_never_on_error_continue_or_a_retry(
    writer_session: Session, tenant: Tenant
) -> None:
    _failing_history(writer_session, tenant, "no approver found for 'manager'")
    found = _findings(writer_session, tenant)
    [approval] = found["actions/0"]
    assert approval.change is None  # type: ignore[attr-defined]
    assert "approvers" in approval.description  # type: ignore[attr-defined]
    [webhook] = found["actions/1"]  # an action stopping the run: let it go on, fix the error
    ops = webhook.change["patch"]  # type: ignore[attr-defined]
    assert ops[-1] == {"op": "add", "path": "/actions/1/on_error", "value": "continue"}


def test_passing_errors_get_a_retry_on_actions_only(
    writer_session: Session, tenant: Tenant
) -> None:
    _failing_history(writer_session, tenant, "connection refused")
    found = _findings(writer_session, tenant)
    [approval] = found["actions/0"]
    assert approval.change is None  # type: ignore[attr-defined]
    [webhook] = found["actions/1"]
    assert webhook.change["patch"][-1]["path"] == "/actions/1/retry"  # type: ignore[attr-defined]
    assert webhook.title.startswith("Retry")  # type: ignore[attr-defined]
