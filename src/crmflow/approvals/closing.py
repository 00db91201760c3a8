"""Close the open approval requests of executions that end without them (cancel, restart)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, update

from crmflow.approvals.models import ApprovalRequest
from crmflow.common.enums import ApprovalStatus

APPROVALS: Table = ApprovalRequest.__table__  # type: ignore[assignment]


def close_open_approvals(
    conn: Connection, *, execution_ids: list[int], reason: str, now: datetime
) -> int:
    """Mark the pending approvals of these executions `cancelled`; return how many."""
    if not execution_ids:
        return 0
    result = conn.execute(
        update(APPROVALS)
        .where(
            APPROVALS.c.execution_id.in_(execution_ids),
            APPROVALS.c.status == ApprovalStatus.PENDING,
        )
        .values(
            status=ApprovalStatus.CANCELLED, outcome_reason=reason, decided_at=now, updated_at=now
        )
    )
    return int(result.rowcount or 0)
