"""`crmflow bench` keeps working: a tiny run produces every figure (no timing asserted here)."""

from __future__ import annotations

from crmflow.bench import run_bench


def test_bench_produces_every_figure_with_consistent_counts() -> None:
    result = run_bench(
        events=150, rate=150, latency_seconds=0.5, extra_workflows=20, stats_rows=3000, quiet=True
    )
    assert result["floor"]["executions"] == result["throughput"]["executions"] == 150
    assert result["throughput"]["executions_per_s"] > 0 and result["ratio_to_floor"] > 0
    assert result["throughput_with_workflows"]["extra_workflows"] == 20
    assert result["latency"]["events"] == 75
    assert 0 < result["latency"]["p50_ms"] <= result["latency"]["p99_ms"]
    # The /stats figures come from the histogram, so they must count every seeded execution.
    assert result["stats"]["total_reported"] == 3000
