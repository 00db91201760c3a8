"""`crmflow bench --runtime celery` keeps working: real workers, PostgreSQL and Redis (no timing
asserted). It needs the machine's PostgreSQL and Redis and fails, never skips, without them.
"""

from __future__ import annotations

import json
import os

import psycopg
from typer.testing import CliRunner

from crmflow.cli import app

PG_ADMIN = os.environ.get(
    "CRMFLOW_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# Redis db 12 is the bench's own: the other integration tests use 11, 14 and 15.
BROKER = "redis://127.0.0.1:6379/12"

runner = CliRunner()


def _bench_databases() -> set[str]:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'crmflow_bench_%'")
        return {row[0] for row in rows}


def test_celery_bench_prints_every_figure_and_cleans_up() -> None:
    before = _bench_databases()
    result = runner.invoke(
        app,
        [
            "bench",
            "--runtime",
            "celery",
            "--workers",
            "2",
            "--events",
            "200",
            "--rate",
            "40",
            "--latency-seconds",
            "1",
            "--database-url",
            PG_ADMIN,
            "--broker-url",
            BROKER,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["runtime"] == "celery" and figures["workers"] == 2
    assert figures["floor"]["tasks"] == 200 and figures["floor"]["tasks_per_s"] > 0
    assert figures["throughput"]["executions"] == 200
    assert figures["throughput"]["executions_per_s"] > 0 and figures["ratio_to_floor"] > 0
    assert figures["latency"]["events"] == 40
    assert 0 < figures["latency"]["p50_ms"] <= figures["latency"]["p99_ms"]
    # The scratch database is dropped at the end (other runs' databases are left alone).
    assert _bench_databases() <= before


def test_celery_bench_refuses_sqlite_in_one_line() -> None:
    result = runner.invoke(
        app, ["bench", "--runtime", "celery", "--database-url", "sqlite:///x.db"]
    )
    assert result.exit_code == 1
    assert "the celery bench needs PostgreSQL" in " ".join(result.output.split())
