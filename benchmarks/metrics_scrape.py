"""Time `GET /metrics` on a scratch SQLite database holding 90 days of statistics for 50
workflows (about 200,000 bucket rows) and 30 action types; print each uncached scrape.

    .venv/bin/python benchmarks/metrics_scrape.py [--workflows 50] [--days 90] [--scrapes 5]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from crmflow.auth.service import Principal
from crmflow.bench.runtime import Bench
from crmflow.config import Settings
from crmflow.executions.models import ActionStatTotal, ExecutionStatBucket
from crmflow.main import create_app
from crmflow.workflows.service import create_workflow

TRIGGERS = ("organisation_created", "deal_created", "deal_stage_changed")


def main() -> None:
    """Fill the scratch database, then time the scrapes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workflows", type=int, default=50)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--scrapes", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    bench = Bench(Path(tempfile.mkdtemp(prefix="crmflow-scrape-")), "scrape")
    principal = Principal(
        user_id=bench.user_id, company_id=bench.company_id, role="admin", email=""
    )
    with bench.factory() as session:
        ids = [
            create_workflow(
                session,
                principal=principal,
                data={"name": f"w{i}", "trigger_type": rng.choice(TRIGGERS), "actions": []},
            ).id
            for i in range(args.workflows)
        ]
    today = date.today()
    rows = [
        {
            "workflow_id": workflow_id,
            "day": today - timedelta(days=day),
            "status": status,
            "bucket": bucket,
            "count": rng.randint(1, 50),
            "duration_sum_ms": 1000.0,
        }
        for workflow_id in ids
        for day in range(args.days)
        for status in ("success", "failed", "skipped")
        for bucket in rng.sample(range(60, 160), 15)
    ]
    actions = [
        {"action_type": f"a{i}", "status": status, "bucket": b, "count": 5, "duration_sum_ms": 10.0}
        for i in range(30)
        for status in ("success", "failed")
        for b in range(60, 100)
    ]
    with bench.factory() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(ExecutionStatBucket), rows[start : start + 5000])
        session.execute(insert(ActionStatTotal), actions)
        session.commit()
    settings = Settings(CRMFLOW_DATABASE_URL=bench.url, CRMFLOW_METRICS_CACHE_SECONDS=0)
    with TestClient(create_app(settings, start_runtime=False)) as client:
        client.get("/metrics")  # warm-up
        times = []
        for _ in range(args.scrapes):
            t0 = time.perf_counter()
            response = client.get("/metrics")
            times.append((time.perf_counter() - t0) * 1000.0)
    print(
        f"{len(rows):,} bucket rows; scrape ms: {[round(t) for t in times]}; "
        f"{len(response.content):,} bytes"
    )


if __name__ == "__main__":
    main()
