"""Time GET /workflows/{id}/stats through the HTTP app on a workflow with many executions."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from crmflow.auth.models import User
from crmflow.auth.service import issue_token
from crmflow.bench.runtime import Bench, percentile_of
from crmflow.common.enums import ExecutionStatus
from crmflow.config import Settings
from crmflow.db.session import dispose_all
from crmflow.executions.stats import bucket_for
from crmflow.main import create_app
from crmflow.workflows.models import Workflow


def measure_stats(directory: Path, rows: int) -> dict[str, float]:
    """Time GET /workflows/{id}/stats through the HTTP app on a workflow with `rows` executions."""
    bench = Bench(directory, "stats")
    with bench.factory() as session:
        token = issue_token(session, user=session.get_one(User, bench.user_id))
        session.commit()
        version = session.scalar(select(Workflow.current_version_id))
    dispose_all()
    rng = random.Random(1)
    conn = sqlite3.connect(bench.path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    now = datetime.now(UTC).replace(tzinfo=None)
    buckets: Counter[tuple[str, str, int]] = Counter()
    sums: dict[tuple[str, str, int], float] = {}
    chunk = 50_000
    conn.execute("BEGIN")
    for offset in range(0, rows, chunk):
        batch = []
        for _ in range(min(chunk, rows - offset)):
            status = rng.choices(
                (ExecutionStatus.SUCCESS, ExecutionStatus.FAILED, ExecutionStatus.SKIPPED),
                (90, 5, 5),
            )[0]
            duration = rng.lognormvariate(1.5, 0.8)
            created = now - timedelta(seconds=rng.randint(0, 89 * 86400))
            key = (created.date().isoformat(), status, bucket_for(duration))
            buckets[key] += 1
            sums[key] = sums.get(key, 0.0) + duration
            batch.append(
                (
                    bench.company_id,
                    bench.workflow_id,
                    version,
                    status,
                    created,
                    created,
                    duration,
                    created,
                    created,
                )
            )
        conn.executemany(
            "INSERT INTO workflow_executions (company_id, workflow_id, version_id, version,"
            " status, trigger_type, trigger_data, causation_depth, actions_executed, attempt,"
            " started_at, completed_at, duration_ms, created_at, updated_at, run_key)"
            " VALUES (?,?,?,1,?,'manual','{}',0,3,1,?,?,?,?,?,'r' || lower(hex(randomblob(8))))",
            batch,
        )
    conn.executemany(
        "INSERT INTO execution_stat_buckets (workflow_id, day, status, bucket, count,"
        " duration_sum_ms, last_completed_at) VALUES (?,?,?,?,?,?,?)",
        [
            (bench.workflow_id, day, status, bucket, count, sums[(day, status, bucket)], now)
            for (day, status, bucket), count in buckets.items()
        ],
    )
    conn.execute("COMMIT")
    conn.close()
    settings = Settings(CRMFLOW_DATABASE_URL=bench.url)
    timings: list[float] = []
    with TestClient(create_app(settings, start_runtime=False)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        url = f"/api/v1/workflows/{bench.workflow_id}/stats"
        body = client.get(url, headers=headers).json()
        for _ in range(50):
            t0 = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - t0) * 1000.0)
            assert response.status_code == 200
    timings.sort()
    return {
        "executions": rows,
        "total_reported": body["total_executions"],
        "p50_ms": percentile_of(timings, 0.5),
        "max_ms": timings[-1],
    }
