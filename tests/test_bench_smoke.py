"""`crmflow bench` keeps working: a tiny run produces every figure (no timing asserted here)."""

from __future__ import annotations

from rich.console import Console

from crmflow.bench import run_bench, run_delays_bench
from crmflow.bench.http import run_http_bench
from crmflow.bench.http_report import print_http_report


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


def test_delays_bench_resumes_every_wait_exactly_once() -> None:
    result = run_delays_bench(executions=50, quiet=True)
    assert result["floor"]["executions"] == result["delays"]["executions"] == 50
    assert result["delays"]["executions_per_s"] > 0 and result["ratio_to_floor"] > 0
    checks = result["checks"]
    assert checks["problems"] == []
    delays = checks["delays"]
    assert delays["statuses"] == {"success": 50}
    # One task per execution, on 50 different records: no action ran twice, none was lost.
    assert delays["tasks_created"] == delays["tasks_distinct_records"] == 50
    assert delays["actions_executed"] == 50
    # Claimed once to reach the delay, once to resume: never re-run.
    assert delays["attempt_min"] == delays["attempt_max"] == 2
    assert sorted(delays["step_records"].values()) == [50, 50]  # the delay and the task
    assert checks["floor"]["statuses"] == {"success": 50}
    assert checks["floor"]["tasks_created"] == 50
    assert result["target"]["met"] is None  # the 30 s target is stated for 10,000


def test_simulation_bench_simulates_fifty_steps_and_replays_every_event() -> None:
    from crmflow.bench.simulation import run_simulation_bench

    result = run_simulation_bench(events=300, quiet=True)
    simulation, replay = result["simulation"], result["backtest"]
    # Every top-level step of the 50 is on the path, and the chain climbs three levels.
    assert simulation["steps_walked"] >= 50 and simulation["approval_levels"] == 3
    assert simulation["floor_median_ms"] > 0 and simulation["ratio"] > 0
    assert replay["events"] == 300 and 0 < replay["triggered"] <= 300
    assert sum(replay["outcomes"].values()) == replay["triggered"]
    assert replay["ratio"] > 0


def test_suggestions_bench_finds_every_planted_pattern_and_counts_its_runs() -> None:
    from crmflow.bench.suggestions import PATTERNS, run_suggestions_bench

    result = run_suggestions_bench(executions=3000, seeds=2, quiet=True)
    accuracy, speed = result["accuracy"], result["speed"]
    assert accuracy["seeds"] == 2
    assert set(accuracy["recall"]) == {p.name for p in PATTERNS}
    assert set(accuracy["recall"].values()) == {1.0}
    assert accuracy["discount_thresholds"] == [10]
    assert accuracy["confident_true"] == accuracy["confident_suggestions"] > 0
    assert speed["executions"] == 3000 and speed["planted_found"] == len(PATTERNS)
    assert speed["seconds"] > 0 and speed["floor_seconds"] > 0 and speed["ratio"] > 0


def test_http_bench_drives_every_scenario_and_waits_for_every_run() -> None:
    # wrk must be installed (make test installs it); the bench never skips a scenario.
    result = run_http_bench(seconds=1, connections=2, quiet=True)
    assert set(result["floor"]) == {"async", "sync"}
    assert all(f["ok_per_second"] > 0 and f["status_errors"] == 0 for f in result["floor"].values())
    for name in ("events", "hook", "organisations"):
        figures = result["scenarios"][name]
        assert figures["status_errors"] == figures["socket_errors"] == 0, name
        # Every run the load started finished, and as a success (nothing failed or waits).
        assert figures["runs"] >= figures["requests"] > 0, name
        assert figures["statuses"] == {"success": figures["runs"]}, name
        assert 0 < figures["event_to_done_p50_ms"] <= figures["event_to_done_p99_ms"], name
    # The seed's alert emails the manager once per organisation (warm-up included).
    assert result["emails_received"] >= result["scenarios"]["organisations"]["runs"]
    assert result["ratio_events_to_async_floor"] > 0
    # The bench's default layout: the runtime in a process of its own, and the report says so.
    assert result["runtime_process"] is True
    console = Console(record=True, width=200)
    print_http_report(result, console)
    assert "embedded, runtime in its own process" in console.export_text()
