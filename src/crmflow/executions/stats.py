"""Execution statistics from the duration histogram: counts, success rate, mean, p50/p95."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, case, func, select
from sqlalchemy.orm import Session

from crmflow.common.enums import (
    ACTED_STATUSES,
    FINISHED_IN_ORDER,
    FINISHED_STATUSES,
    IN_PROGRESS,
    ExecutionStatus,
    StepStatus,
)
from crmflow.db import dialect
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.executions.models import (
    ActionStatTotal,
    ExecutionStatBucket,
    ExecutionStatTotal,
    WorkflowExecution,
)

# Log-scale buckets: 8 per doubling (each ~9% wide), starting at 0.1 ms.
BUCKETS_PER_DOUBLING = 8
BASE_MS = 0.1
# Statuses whose durations feed the mean and percentiles (skips and cancels did no real work).
TIMED_STATUSES = ACTED_STATUSES


def bucket_for(duration_ms: float) -> int:
    """Return the histogram bucket of a duration."""
    if duration_ms <= BASE_MS:
        return 0
    return 1 + math.floor(BUCKETS_PER_DOUBLING * math.log2(duration_ms / BASE_MS))


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """Return the [low, high) duration range of a bucket, in ms."""
    if bucket <= 0:
        return 0.0, BASE_MS
    low = BASE_MS * 2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING)
    high = BASE_MS * 2 ** (bucket / BUCKETS_PER_DOUBLING)
    return low, high


StatKey = tuple[int, date, str, int]


def add_finished(
    stats: dict[StatKey, list[Any]],
    *,
    workflow_id: int,
    status: str,
    duration_ms: float,
    completed_at: datetime,
) -> None:
    """Accumulate one finished execution into a batch's histogram increments."""
    key = (workflow_id, completed_at.date(), status, bucket_for(duration_ms))
    entry = stats.get(key)
    if entry is None:
        stats[key] = [1, duration_ms, completed_at]
    else:
        entry[0] += 1
        entry[1] += duration_ms
        entry[2] = max(entry[2], completed_at)


def _bucket_upsert(postgres: bool) -> Any:
    insert = dialect.upsert_insert(postgres)
    greatest = dialect.greatest(postgres)
    table: Table = ExecutionStatBucket.__table__  # type: ignore[assignment]
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["workflow_id", "day", "status", "bucket"],
        set_={
            "count": table.c.count + stmt.excluded.count,
            "duration_sum_ms": table.c.duration_sum_ms + stmt.excluded.duration_sum_ms,
            "last_completed_at": greatest(
                table.c.last_completed_at, stmt.excluded.last_completed_at
            ),
        },
    )


_BUCKET_UPSERT = {postgres: _bucket_upsert(postgres) for postgres in (False, True)}


def write_stat_buckets(conn: Connection, stats: dict[StatKey, list[Any]]) -> None:
    """Upsert a batch's histogram increments (same transaction as the final statuses)."""
    if not stats:
        return
    rows = [
        {
            "workflow_id": wf,
            "day": day,
            "status": status,
            "bucket": bucket,
            "count": count,
            "duration_sum_ms": total_ms,
            "last_completed_at": last,
        }
        for (wf, day, status, bucket), (count, total_ms, last) in stats.items()
    ]
    conn.execute(_BUCKET_UPSERT[dialect.is_postgresql(conn)], rows)


_ADDED = ["count", "duration_sum_ms"]
ACTION_TOTALS: Table = ActionStatTotal.__table__  # type: ignore[assignment]
EXECUTION_TOTALS: Table = ExecutionStatTotal.__table__  # type: ignore[assignment]
_ACTION_UPSERT = {
    postgres: dialect.adding_upsert(
        ACTION_TOTALS, ["action_type", "status", "bucket"], _ADDED, postgres
    )
    for postgres in (False, True)
}
_TOTAL_UPSERT = {
    postgres: dialect.adding_upsert(
        EXECUTION_TOTALS, ["workflow_id", "status", "bucket"], _ADDED, postgres
    )
    for postgres in (False, True)
}
# Steps that are not actions (they have no action type to count).
_CONTROL = frozenset(CONTROL_STEP_TYPES)
_FINAL_STEP = frozenset({StepStatus.SUCCESS, StepStatus.FAILED})


def write_action_totals(conn: Connection, step_records: list[dict[str, Any]]) -> None:
    """Add a batch's finished action steps to the all-time action totals."""
    totals: dict[tuple[str, str, int], list[float]] = {}
    for record in step_records:
        kind, status = record["type"], record["status"]
        if kind in _CONTROL or status not in _FINAL_STEP:
            continue
        duration = float(record.get("duration_ms") or 0.0)
        entry = totals.setdefault((kind, status, bucket_for(duration)), [0, 0.0])
        entry[0] += 1
        entry[1] += duration
    if totals:
        rows = [
            {"action_type": k, "status": s, "bucket": b, "count": int(c), "duration_sum_ms": d}
            for (k, s, b), (c, d) in totals.items()
        ]
        conn.execute(_ACTION_UPSERT[dialect.is_postgresql(conn)], rows)


def carry_into_totals(conn: Connection, before: date) -> None:
    """Add the daily buckets older than `before` to the all-time totals (then prune them)."""
    rows = conn.execute(
        select(
            ExecutionStatBucket.workflow_id,
            ExecutionStatBucket.status,
            ExecutionStatBucket.bucket,
            func.sum(ExecutionStatBucket.count),
            func.sum(ExecutionStatBucket.duration_sum_ms),
        )
        .where(ExecutionStatBucket.day < before)
        .group_by(
            ExecutionStatBucket.workflow_id, ExecutionStatBucket.status, ExecutionStatBucket.bucket
        )
    ).all()
    if rows:
        conn.execute(
            _TOTAL_UPSERT[dialect.is_postgresql(conn)],
            [
                {"workflow_id": w, "status": s, "bucket": b, "count": int(c), "duration_sum_ms": d}
                for w, s, b, c, d in rows
            ],
        )


def percentile(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """Interpolate a percentile (0..1) from sorted (bucket, count) pairs."""
    total = sum(count for _, count in histogram)
    if total == 0:
        return None
    rank = fraction * total
    seen = 0
    for bucket, count in histogram:
        if seen + count >= rank:
            low, high = bucket_bounds(bucket)
            inside = (rank - seen) / count if count else 0.0
            return low + (high - low) * inside
        seen += count
    return bucket_bounds(histogram[-1][0])[1]


def success_rate(counts: dict[str, int]) -> float | None:
    """Successes as a percentage of the runs that acted, one decimal (None when none acted).

    success / (success + partial + failed + rejected): a run its conditions skipped did
    nothing, so it neither helps nor hurts; it is reported beside the rate.
    """
    acted = sum(counts.get(status, 0) for status in ACTED_STATUSES)
    return percent_of(counts.get(ExecutionStatus.SUCCESS, 0), acted)


def percent_of(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is 0."""
    return round(100.0 * part / whole, 1) if whole else None


def seconds(duration_ms: float | None) -> float | None:
    """Convert a histogram duration to rounded seconds (None stays None)."""
    return round(duration_ms / 1000.0, 4) if duration_ms is not None else None


def success_rates(session: Session, *, workflow_ids: list[int]) -> dict[int, float | None]:
    """Return each workflow's success rate (None without finished runs), in one grouped query."""
    if not workflow_ids:
        return {}
    acted = func.sum(ExecutionStatBucket.count)
    succeeded = func.sum(
        case(
            (ExecutionStatBucket.status == ExecutionStatus.SUCCESS, ExecutionStatBucket.count),
            else_=0,
        )
    )
    rows = session.execute(
        select(ExecutionStatBucket.workflow_id, succeeded, acted)
        .where(
            ExecutionStatBucket.workflow_id.in_(workflow_ids),
            ExecutionStatBucket.status.in_(ACTED_STATUSES),
        )
        .group_by(ExecutionStatBucket.workflow_id)
    )
    rates: dict[int, float | None] = dict.fromkeys(workflow_ids)
    for workflow_id, success, total in rows:
        rates[int(workflow_id)] = percent_of(int(success or 0), int(total or 0))
    return rates


def workflow_stats(
    session: Session, *, workflow_id: int, since: date | None = None
) -> dict[str, Any]:
    """Compute the seed's statistics plus p50/p95 from a handful of aggregate rows."""
    by_status = select(
        ExecutionStatBucket.status,
        func.sum(ExecutionStatBucket.count),
        func.sum(ExecutionStatBucket.duration_sum_ms),
        func.max(ExecutionStatBucket.last_completed_at),
    ).where(ExecutionStatBucket.workflow_id == workflow_id)
    by_bucket = select(ExecutionStatBucket.bucket, func.sum(ExecutionStatBucket.count)).where(
        ExecutionStatBucket.workflow_id == workflow_id,
        ExecutionStatBucket.status.in_(TIMED_STATUSES),
    )
    if since is not None:
        by_status = by_status.where(ExecutionStatBucket.day >= since)
        by_bucket = by_bucket.where(ExecutionStatBucket.day >= since)
    counts: dict[str, int] = {}
    durations = 0.0
    timed = 0
    last: datetime | None = None
    for status, count, duration_sum, last_at in session.execute(
        by_status.group_by(ExecutionStatBucket.status)
    ):
        counts[status] = int(count or 0)
        if status in TIMED_STATUSES:
            durations += float(duration_sum or 0.0)
            timed += int(count or 0)
        if last_at is not None and (last is None or last_at > last):
            last = last_at
    histogram = [
        (int(b), int(c))
        for b, c in session.execute(
            by_bucket.group_by(ExecutionStatBucket.bucket).order_by(ExecutionStatBucket.bucket)
        )
    ]
    in_flight = dict(
        session.execute(
            select(WorkflowExecution.status, func.count())
            .where(
                WorkflowExecution.workflow_id == workflow_id,
                WorkflowExecution.status.in_(IN_PROGRESS),
            )
            .group_by(WorkflowExecution.status)
        ).all()
    )
    finished = sum(counts.get(s, 0) for s in FINISHED_STATUSES)
    p50 = percentile(histogram, 0.5)
    p95 = percentile(histogram, 0.95)
    return {
        "workflow_id": workflow_id,
        "total_executions": finished + sum(int(v) for v in in_flight.values()),
        **{f"{status.value}_count": counts.get(status, 0) for status in FINISHED_IN_ORDER},
        **{f"{status.value}_count": int(in_flight.get(status, 0)) for status in IN_PROGRESS},
        "success_rate": success_rate(counts),
        "avg_duration_seconds": round(durations / timed / 1000.0, 4) if timed else 0.0,
        "p50_duration_seconds": seconds(p50),
        "p95_duration_seconds": seconds(p95),
        "last_execution": last,
    }
