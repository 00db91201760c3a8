"""Per-day execution statistics of one workflow, read from the duration histogram."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.common.enums import FINISHED_IN_ORDER, FINISHED_STATUSES
from crmflow.db.base import utcnow
from crmflow.executions.models import ExecutionStatBucket
from crmflow.executions.stats import TIMED_STATUSES, percentile, seconds, success_rate


def daily_stats(
    session: Session, *, workflow_id: int, days: int, today: date | None = None
) -> dict[str, Any]:
    """Return one entry per day (oldest first, ending today UTC), zeros for days without runs."""
    end = today or utcnow().date()
    start = end - timedelta(days=days - 1)
    # One grouped read of at most days x statuses x buckets rows; executions are never scanned.
    rows = session.execute(
        select(
            ExecutionStatBucket.day,
            ExecutionStatBucket.status,
            ExecutionStatBucket.bucket,
            func.sum(ExecutionStatBucket.count),
        )
        .where(
            ExecutionStatBucket.workflow_id == workflow_id,
            ExecutionStatBucket.day >= start,
            ExecutionStatBucket.day <= end,
        )
        .group_by(ExecutionStatBucket.day, ExecutionStatBucket.status, ExecutionStatBucket.bucket)
    )
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    histograms: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for day, status, bucket, count in rows:
        counts[day][status] += int(count or 0)
        if status in TIMED_STATUSES:
            histograms[day][int(bucket)] += int(count or 0)
    out = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        by_status = counts.get(day, {})
        histogram = sorted(histograms.get(day, {}).items())
        finished = sum(by_status.get(s, 0) for s in FINISHED_STATUSES)
        out.append(
            {
                "date": day,
                "total": finished,
                **{status.value: by_status.get(status, 0) for status in FINISHED_IN_ORDER},
                "success_rate": success_rate(by_status),
                "p50_duration_seconds": seconds(percentile(histogram, 0.5)),
                "p95_duration_seconds": seconds(percentile(histogram, 0.95)),
            }
        )
    return {"workflow_id": workflow_id, "days": out}
