"""The `crmflow bench --http` table: each scenario beside the floor of the same run."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_http_report(result: dict[str, Any], console: Console | None = None) -> None:
    """Print the floor and every scenario: accepted/s, completed/s, response and done times."""
    if result["runtime"] == "celery":
        layout = f"celery, {result['api_processes']} API processes, {result['workers']} workers"
    elif result["runtime_process"]:
        layout = "embedded, runtime in its own process"
    else:
        layout = "embedded, runtime in the API process"
    table = Table(
        title=f"crmflow bench --http ({layout}; {result['connections']} connections, "
        f"{result['seconds']:g} s each, {result['cores']} cores)"
    )
    for column in (
        "what",
        "answered 2xx/s",
        "errors",
        "response p50 / p99 ms",
        "runs done/s",
        "event to done p50 / p99 ms",
        "runs by status",
    ):
        table.add_column(
            column, justify="left" if column in ("what", "runs by status") else "right"
        )
    for kind, floor in result["floor"].items():
        table.add_row(
            f"floor ({kind})",
            f"{floor['ok_per_second']:,.0f}",
            str(floor["status_errors"]),
            f"{floor['p50_ms']:.1f} / {floor['p99_ms']:.1f}",
            "",
            "",
            "",
        )
    for name, figures in result["scenarios"].items():
        statuses = ", ".join(f"{k} {v}" for k, v in figures["statuses"].items())
        table.add_row(
            name,
            f"{figures['ok_per_second']:,.0f}",
            str(figures["status_errors"] + figures["socket_errors"]),
            f"{figures['p50_ms']:.1f} / {figures['p99_ms']:.1f}",
            f"{figures['completed_per_second']:,.0f}",
            f"{figures['event_to_done_p50_ms']:.0f} / {figures['event_to_done_p99_ms']:.0f}",
            statuses,
        )
    # A pipe or a CI log gets the full table, not 80 columns of wrapped cells.
    out = console or Console(width=140)
    out.print(table)
    out.print(
        f"events completed/s against the floor: {result['ratio_events_to_async_floor']:.3f} "
        f"of async, {result['ratio_events_to_sync_floor']:.3f} of sync; "
        f"emails received by the SMTP sink: {result['emails_received']:,}"
    )
