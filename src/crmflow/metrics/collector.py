"""The seed's Prometheus metric families, read from the database at each scrape.

Every figure comes from rows the runs themselves commit (all-time totals, daily buckets,
simulations, breaches, SLAs), so one scrape of any API process counts the work of every process
(API, embedded runtime, Celery workers) and the counters never go down when old rows are
pruned. A scrape costs a handful of grouped queries, kept for `CACHE_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select, union_all
from sqlalchemy.orm import Session, sessionmaker

from crmflow.common.enums import StepStatus, SuggestionStatus
from crmflow.db.base import utcnow
from crmflow.engine.plugins import get_action
from crmflow.executions.models import ActionStatTotal, ExecutionStatBucket, ExecutionStatTotal
from crmflow.executions.stats import bucket_bounds
from crmflow.simulation.models import WorkflowSimulation
from crmflow.sla.models import SLABreach, WorkflowSLA
from crmflow.sla.service import slo_percentage
from crmflow.suggestions.models import SuggestionStatTotal, WorkflowSuggestion
from crmflow.workflows.models import Workflow

# Seconds: the usual ladder, from 5 ms to a day (runs that wait on people take hours).
DURATION_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
    3600.0, 14400.0, 86400.0,
)  # fmt: skip
SIMULATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Label values are bounded: at most this many SLAs and action types get their own series.
MAX_SLAS = 500
MAX_ACTION_TYPES = 200
OTHER = "other"
CACHE_SECONDS = 10.0


def _cumulative(
    fine: dict[int, int], bounds: Iterable[float], scale_ms: float = 1000.0
) -> list[tuple[str, float]]:
    """Fold fine log buckets into cumulative `le` buckets, never counting a run as faster than
    it was: a fine bucket counts under the first `le` at or above its upper bound."""
    edges = sorted(set(bounds))
    counts = [0] * (len(edges) + 1)
    for bucket, count in fine.items():
        upper_seconds = bucket_bounds(bucket)[1] / scale_ms
        index = next((i for i, edge in enumerate(edges) if upper_seconds <= edge), len(edges))
        counts[index] += count
    out: list[tuple[str, float]] = []
    running = 0
    for edge, count in zip([*map(str, edges), "+Inf"], counts, strict=True):
        running += count
        out.append((edge, float(running)))
    return out


class DatabaseCollector(Collector):
    """Yields every crmflow metric family from the database (see the module docstring)."""

    def __init__(
        self, factory: sessionmaker[Session], cache_seconds: float = CACHE_SECONDS
    ) -> None:
        self._factory = factory
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Metric]] | None = None

    def collect(self) -> Iterator[Metric]:
        """Read the families (or return the ones read less than CACHE_SECONDS ago)."""
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] >= self._cache_seconds:
                with self._factory() as session:
                    self._cached = (time.monotonic(), list(self._read(session)))
            families = self._cached[1]
        yield from families

    def describe(self) -> Iterator[Metric]:
        """Nothing up front: the families are read at scrape time."""
        return iter(())

    def _read(self, session: Session) -> Iterator[Metric]:
        slas = session.execute(
            select(WorkflowSLA, Workflow.name)
            .join(Workflow, Workflow.id == WorkflowSLA.workflow_id)
            .where(WorkflowSLA.is_active.is_(True))
            .order_by(WorkflowSLA.id)
            .limit(MAX_SLAS)
        ).all()
        thresholds = {
            float(v)
            for sla, _ in slas
            for v in (
                sla.target_duration_seconds,
                sla.warning_threshold_seconds,
                sla.critical_threshold_seconds,
            )
        }
        yield from self._executions(session, thresholds)
        yield from self._simulations(session)
        yield from self._slas(session, slas)
        yield from self._suggestions(session)
        yield from self._actions(session)

    def _executions(self, session: Session, thresholds: set[float]) -> Iterator[Metric]:
        daily = select(
            ExecutionStatBucket.workflow_id,
            ExecutionStatBucket.status,
            ExecutionStatBucket.bucket,
            ExecutionStatBucket.count,
            ExecutionStatBucket.duration_sum_ms,
        )
        carried = select(
            ExecutionStatTotal.workflow_id,
            ExecutionStatTotal.status,
            ExecutionStatTotal.bucket,
            ExecutionStatTotal.count,
            ExecutionStatTotal.duration_sum_ms,
        )
        rows = union_all(daily, carried).subquery()
        grouped = session.execute(
            select(
                Workflow.trigger_type,
                rows.c.status,
                rows.c.bucket,
                func.sum(rows.c.count),
                func.sum(rows.c.duration_sum_ms),
            )
            .join(Workflow, Workflow.id == rows.c.workflow_id)
            .group_by(Workflow.trigger_type, rows.c.status, rows.c.bucket)
        ).all()
        totals = CounterMetricFamily(
            "workflow_execution",
            "Finished workflow executions by workflow type (the trigger type) and final status",
            labels=["workflow_type", "status"],
        )
        by_status: dict[tuple[str, str], int] = defaultdict(int)
        fine: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        sums: dict[str, float] = defaultdict(float)
        for workflow_type, status, bucket, count, duration_ms in grouped:
            by_status[(workflow_type, status)] += int(count)
            fine[workflow_type][int(bucket)] += int(count)
            sums[workflow_type] += float(duration_ms or 0.0)
        for (workflow_type, status), count in sorted(by_status.items()):
            totals.add_metric([workflow_type, status], count)
        yield totals
        durations = HistogramMetricFamily(
            "workflow_execution_duration_seconds",
            "Duration of finished executions (from first start to end), by workflow type; "
            "the buckets include every active SLA's thresholds",
            labels=["workflow_type"],
        )
        edges = [*DURATION_BUCKETS, *thresholds]
        for workflow_type in sorted(fine):
            durations.add_metric(
                [workflow_type],
                _cumulative(fine[workflow_type], edges),
                sums[workflow_type] / 1000.0,
            )
        yield durations

    def _simulations(self, session: Session) -> Iterator[Metric]:
        counts = CounterMetricFamily(
            "workflow_simulation",
            "Simulations, comparisons and back-tests by final status",
            labels=["status"],
        )
        for status, count in session.execute(
            select(WorkflowSimulation.status, func.count()).group_by(WorkflowSimulation.status)
        ):
            counts.add_metric([status], int(count))
        yield counts
        columns = [
            func.sum(case((WorkflowSimulation.duration_ms <= edge * 1000.0, 1), else_=0))
            for edge in SIMULATION_BUCKETS
        ]
        row = session.execute(
            select(
                func.count(WorkflowSimulation.duration_ms),
                func.coalesce(func.sum(WorkflowSimulation.duration_ms), 0.0),
                *columns,
            )
        ).one()
        total, total_ms, *under = row
        buckets = [
            (str(edge), float(n or 0)) for edge, n in zip(SIMULATION_BUCKETS, under, strict=True)
        ]
        histogram = HistogramMetricFamily(
            "workflow_simulation_duration_seconds", "Time to run a simulation (or a back-test)"
        )
        histogram.add_metric([], [*buckets, ("+Inf", float(total))], float(total_ms) / 1000.0)
        yield histogram

    def _slas(self, session: Session, slas: Sequence[Any]) -> Iterator[Metric]:
        breaches = CounterMetricFamily(
            "workflow_sla_breach",
            "SLA breaches recorded, by severity and workflow name",
            labels=["severity", "workflow_name"],
        )
        for severity, name, count in session.execute(
            select(SLABreach.severity, Workflow.name, func.count())
            .join(Workflow, Workflow.id == SLABreach.workflow_id)
            .group_by(SLABreach.severity, Workflow.name)
            .order_by(Workflow.name)
        ):
            breaches.add_metric([severity, name], int(count))
        yield breaches
        labels = ["workflow_name", "sla_name", "sla_id"]
        targets = GaugeMetricFamily(
            "workflow_sla_target_seconds", "Each active SLA's target duration", labels=labels
        )
        objectives = GaugeMetricFamily(
            "workflow_sla_objective_percentage",
            "Each active SLA's SLO target (% of runs within the target), for alert rules",
            labels=labels,
        )
        percentages = GaugeMetricFamily(
            "workflow_sla_percentage",
            "Each active SLA's SLO compliance over its window, % of runs within the target",
            labels=labels,
        )
        now = utcnow()
        for sla, workflow_name in slas:
            values = [workflow_name, sla.name, str(sla.id)]
            targets.add_metric(values, sla.target_duration_seconds)
            objectives.add_metric(values, sla.slo_target_percentage)
            percentage = slo_percentage(session, sla, now)
            if percentage is not None:  # no run in the window: no figure, not 100 %
                percentages.add_metric(values, percentage)
        yield targets
        yield objectives
        yield percentages

    def _suggestions(self, session: Session) -> Iterator[Metric]:
        # Suggestions that ever reached each status (a pending one that is accepted stays counted
        # as pending and is counted as accepted too): a counter never goes down.
        counts = CounterMetricFamily(
            "workflow_suggestion",
            "Workflow suggestions that reached each status, by the source of their words",
            labels=["source", "status"],
        )
        for source, state, count in session.execute(
            select(
                SuggestionStatTotal.source, SuggestionStatTotal.status, SuggestionStatTotal.count
            )
        ):
            counts.add_metric([source, state], float(count))
        confidence = GaugeMetricFamily(
            "workflow_suggestion_confidence",
            "Mean confidence of pending suggestions",
            labels=["source"],
        )
        for source, mean in session.execute(
            select(WorkflowSuggestion.source, func.avg(WorkflowSuggestion.confidence_score))
            .where(WorkflowSuggestion.status == SuggestionStatus.PENDING)
            .group_by(WorkflowSuggestion.source)
        ):
            confidence.add_metric([source], float(mean or 0.0))
        yield counts
        yield confidence

    def _actions(self, session: Session) -> Iterator[Metric]:
        rows = session.execute(
            select(
                ActionStatTotal.action_type,
                ActionStatTotal.status,
                ActionStatTotal.bucket,
                ActionStatTotal.count,
                ActionStatTotal.duration_sum_ms,
            )
        ).all()
        by_type: dict[str, int] = defaultdict(int)
        for kind, _, _, count, _ in rows:
            by_type[kind] += int(count)
        kept = set(sorted(by_type, key=lambda k: -by_type[k])[:MAX_ACTION_TYPES])
        counts: dict[str, int] = defaultdict(int)
        successes: dict[str, int] = defaultdict(int)
        fine: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        sums: dict[str, float] = defaultdict(float)
        for kind, status, bucket, count, duration_ms in rows:
            label = kind if kind in kept else OTHER
            counts[label] += int(count)
            successes[label] += int(count) if status == StepStatus.SUCCESS else 0
            fine[label][int(bucket)] += int(count)
            sums[label] += float(duration_ms or 0.0)
        total = CounterMetricFamily(
            "action_execution",
            "Action steps finished (success or failure), by type and catalog latency class",
            labels=["action_type", "latency_class"],
        )
        durations = HistogramMetricFamily(
            "action_execution_duration_seconds",
            "Duration of finished action steps, by type",
            labels=["action_type"],
        )
        rates = GaugeMetricFamily(
            "action_success_rate",
            "Share of finished action steps that succeeded (0 to 1), by type",
            labels=["action_type"],
        )
        for label in sorted(counts):
            action = get_action(label)
            latency = action.latency_class if action is not None else OTHER
            total.add_metric([label, latency], counts[label])
            durations.add_metric(
                [label], _cumulative(fine[label], DURATION_BUCKETS), sums[label] / 1000.0
            )
            rates.add_metric([label], successes[label] / counts[label])
        yield total
        yield durations
        yield rates
