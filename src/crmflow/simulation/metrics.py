"""The seed's simulation metrics: how many simulations ran, by status, and how long they took."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

SIMULATIONS = Counter(
    "workflow_simulation_total", "Workflow simulations run, by final status", ["status"]
)
DURATION = Histogram(
    "workflow_simulation_duration_seconds",
    "Time to simulate one workflow run (or a whole back-test)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0),
)


def observe(status: str, seconds: float) -> None:
    """Count one simulation that ended in `status` and took `seconds`."""
    SIMULATIONS.labels(status=str(status)).inc()
    DURATION.observe(seconds)
