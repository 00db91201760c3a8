"""`crmflow bench`: embedded-runtime throughput and latency, each beside a raw-SQL floor.

Every figure is measured in the same run on the same machine, so the ratios stay meaningful on
a noisy 2-core box: the floor writes the very rows an execution writes (execution, steps, task,
notification, email, statistics, counters) with plain SQL, one transaction per execution.

`--scenario delays` (crmflow.bench.delays) times N waits falling due at once, beside the same
N executions run fresh by the same runtime.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from crmflow.bench.delays import BenchFailed, run_delays_bench
from crmflow.bench.runtime import Bench, measure_floor, measure_latency, measure_throughput
from crmflow.db.session import dispose_all

__all__ = ["BenchFailed", "run_bench", "run_delays_bench"]


def run_bench(
    *,
    events: int,
    rate: int,
    latency_seconds: float,
    extra_workflows: int,
    stats_rows: int,
    quiet: bool = False,
) -> dict[str, Any]:
    """Run every measurement, print a table (unless quiet) and return the figures."""
    console = Console(stderr=True, quiet=quiet)
    result: dict[str, Any] = {"machine_cores": _cores(), "events": events}
    with tempfile.TemporaryDirectory(prefix="crmflow-bench-") as tmp:
        directory = Path(tmp)
        console.print(f"floor: writing the rows of {events} executions with plain SQL...")
        result["floor"] = measure_floor(directory, events)
        dispose_all()
        console.print(f"throughput: draining {events} events through the embedded runtime...")
        bench = Bench(directory, "engine")
        result["throughput"] = measure_throughput(bench, events)
        if extra_workflows:
            console.print(f"throughput with {extra_workflows} extra active workflows...")
            bench.add_idle_workflows(extra_workflows)
            result["throughput_with_workflows"] = {
                **measure_throughput(bench, events),
                "extra_workflows": extra_workflows,
            }
        console.print(f"latency: offering {rate} events/s for {latency_seconds:g} s...")
        result["latency"] = measure_latency(bench, rate, latency_seconds)
        dispose_all()
        if stats_rows:
            # Imported here: it pulls in the HTTP test client, which the other figures never use.
            from crmflow.bench.stats import measure_stats

            console.print(f"stats: {stats_rows} executions behind GET /stats...")
            result["stats"] = measure_stats(directory, stats_rows)
            dispose_all()
    _summarise(result)
    _print(console, result)
    return result


def _cores() -> int:
    return os.cpu_count() or 1


def _summarise(result: dict[str, Any]) -> None:
    floor = result["floor"]["executions_per_s"]
    result["ratio_to_floor"] = result["throughput"]["executions_per_s"] / floor
    with_wf = result.get("throughput_with_workflows")
    if with_wf:
        base = result["throughput"]["executions_per_s"]
        result["throughput_drop_percent"] = 100.0 * (base - with_wf["executions_per_s"]) / base


def _print(console: Console, result: dict[str, Any]) -> None:
    table = Table(title="crmflow bench (embedded runtime, SQLite)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        "floor: same rows, plain SQL (exec/s)", f"{result['floor']['executions_per_s']:.0f}"
    )
    table.add_row("engine throughput (exec/s)", f"{result['throughput']['executions_per_s']:.0f}")
    table.add_row("ratio engine / floor", f"{result['ratio_to_floor']:.2f}")
    if "throughput_with_workflows" in result:
        extra = result["throughput_with_workflows"]
        table.add_row(
            f"throughput with {extra['extra_workflows']} idle workflows (exec/s)",
            f"{extra['executions_per_s']:.0f}",
        )
        table.add_row("throughput drop", f"{result['throughput_drop_percent']:.1f}%")
    lat = result["latency"]
    table.add_row(
        f"latency at {lat['offered_rate']} ev/s offered: p50 / p99 (ms)",
        f"{lat['p50_ms']:.1f} / {lat['p99_ms']:.1f}",
    )
    if "stats" in result:
        stats = result["stats"]
        table.add_row(
            f"GET /stats over {stats['executions']} executions: p50 / max (ms)",
            f"{stats['p50_ms']:.1f} / {stats['max_ms']:.1f}",
        )
    console.print(table)
