"""`crmflow bench --scenario suggestions`: how well and how fast the generator finds patterns.

Accuracy: on planted histories (one per seed), the share of the six planted patterns found
(recall) and the share of suggestions above 0.8 confidence that are planted ones (precision).
Speed (issue 17: < 60 s over 1,000,000 executions): one generation over the planted history
padded with healthy runs to `--executions`, beside a floor from the same run: the grouped read
of every step record that any step miner must make.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from crmflow.auth.service import Principal, create_user
from crmflow.bench.runtime import Bench
from crmflow.config import Settings
from crmflow.db.session import dispose_all
from crmflow.demo_history import Planted, plant_history
from crmflow.executions.models import ExecutionStep, WorkflowExecution
from crmflow.simulation.service import Options
from crmflow.suggestions.generator import mine_and_check, save
from crmflow.suggestions.models import WorkflowSuggestion

TARGET_SECONDS = 60.0
CONFIDENT = 0.8
PLANTED_EXECUTIONS = 840  # plant_history's own runs at scale 1


@dataclass(frozen=True)
class Pattern:
    """A planted pattern and how to recognise the suggestion that finds it."""

    name: str
    kind: str
    workflow: str | None
    needle: str

    def matches(self, row: WorkflowSuggestion, planted: Planted) -> bool:
        """Whether the suggestion is this pattern's: its kind, workflow and telling words."""
        workflow_id = planted.workflows[self.workflow] if self.workflow else None
        text = f"{row.title} {row.evidence}"
        return row.kind == self.kind and row.workflow_id == workflow_id and self.needle in text


PATTERNS = (
    Pattern("discounts < 10 % approved", "auto_approval", "discount", "deal.discount_percent < 10"),
    Pattern("two approvals in a row", "parallel_approvals", "big_deal", "Finance sign-off"),
    Pattern("webhook timing out", "error_handling", "erp", "Retry"),
    Pattern("broken template", "error_handling", "notify", "has no attribute"),
    Pattern("approval sat on for days", "performance", "contract", "Escalate"),
    Pattern(
        "contract task typed by hand",
        "manual_work",
        None,
        "Send the contract to {{ deal.title }}",
    ),
)


def _prepare(directory: Path, name: str, filler: int, seed: int) -> tuple[Bench, Planted]:
    bench = Bench(directory, name)
    with bench.factory() as session:
        for email, titles in (("d@bench.test", ["director"]), ("m@bench.test", ["manager"])):
            create_user(session, company_id=bench.company_id, email=email, titles=titles)
        session.commit()
        principal = Principal(
            user_id=bench.user_id, company_id=bench.company_id, role="admin", email=""
        )
        planted = plant_history(session, principal=principal, filler=filler, seed=seed)
    return bench, planted


def _generate(bench: Bench) -> tuple[list[WorkflowSuggestion], float]:
    t0 = time.perf_counter()
    with bench.reader() as reader:
        outcome = mine_and_check(
            reader,
            company_id=bench.company_id,
            days=30,
            min_occurrences=10,
            options=Options.from_settings(Settings(database_url=bench.url)),
        )
    with bench.factory() as writer:
        save(writer, outcome, company_id=bench.company_id)
        rows = list(writer.scalars(select(WorkflowSuggestion)))
        writer.expunge_all()
    return rows, time.perf_counter() - t0


def measure_accuracy(directory: Path, seeds: int, console: Console) -> dict[str, Any]:
    """Recall of the planted patterns and precision above 0.8 confidence, over `seeds` seeds."""
    found = {p.name: 0 for p in PATTERNS}
    thresholds: list[Any] = []
    confident = confident_true = 0
    for seed in range(1, seeds + 1):
        console.print(f"seed {seed}/{seeds}…")
        bench, planted = _prepare(directory, f"accuracy-{seed}", 0, seed)
        rows, _ = _generate(bench)
        true_ids = set()
        for pattern in PATTERNS:
            hits = [r for r in rows if pattern.matches(r, planted)]
            found[pattern.name] += bool(hits)
            true_ids |= {r.id for r in hits}
            if pattern.kind == "auto_approval" and hits:
                thresholds.append(hits[0].evidence["segment"]["value"])
        confident += sum(1 for r in rows if r.confidence_score > CONFIDENT)
        confident_true += sum(
            1 for r in rows if r.confidence_score > CONFIDENT and r.id in true_ids
        )
        dispose_all()
    return {
        "seeds": seeds,
        "recall": {name: round(count / seeds, 3) for name, count in found.items()},
        "discount_thresholds": sorted(set(thresholds)),
        "confident_suggestions": confident,
        "confident_true": confident_true,
        "precision_above_0_8": round(confident_true / confident, 3) if confident else None,
    }


def measure_speed(directory: Path, executions: int, console: Console) -> dict[str, Any]:
    """One generation over `executions` runs, and the grouped step read (the floor)."""
    filler = max(0, executions - PLANTED_EXECUTIONS)
    console.print(f"planting a history of {executions:,} executions…")
    t0 = time.perf_counter()
    bench, planted = _prepare(directory, "speed", filler, 7)
    insert_s = time.perf_counter() - t0
    with bench.reader() as reader:
        t0 = time.perf_counter()
        reader.execute(
            select(WorkflowExecution.workflow_id, ExecutionStep.path, func.count())
            .join(WorkflowExecution, WorkflowExecution.id == ExecutionStep.execution_id)
            .where(WorkflowExecution.company_id == bench.company_id)
            .group_by(WorkflowExecution.workflow_id, ExecutionStep.path)
        ).all()
        floor_s = time.perf_counter() - t0
    console.print("generating…")
    rows, seconds = _generate(bench)
    found = sum(1 for p in PATTERNS if any(p.matches(r, planted) for r in rows))
    dispose_all()
    return {
        "executions": planted.executions,
        "insert_seconds": round(insert_s, 1),
        "seconds": round(seconds, 2),
        # Four places: a small history's floor takes a few milliseconds (0.00 at two).
        "floor_seconds": round(floor_s, 4),
        "ratio": round(floor_s / seconds, 4),
        "suggestions": len(rows),
        "planted_found": found,
        "target_seconds": TARGET_SECONDS,
    }


def run_suggestions_bench(
    *, executions: int = 1_000_000, seeds: int = 10, quiet: bool = False
) -> dict[str, Any]:
    """Measure accuracy over `seeds` planted histories and speed over `executions` runs."""
    console = Console(stderr=True, quiet=quiet)
    with tempfile.TemporaryDirectory(prefix="crmflow-bench-") as name:
        directory = Path(name)
        try:
            accuracy = measure_accuracy(directory, seeds, console)
            speed = measure_speed(directory, executions, console)
        finally:
            dispose_all()
    table = Table(title="suggestions (SQLite)")
    for column in ("measure", "figure", "floor (same run)", "ratio", "target"):
        table.add_column(column)
    table.add_row(
        f"generation, {speed['executions']:,} executions",
        f"{speed['seconds']} s, {speed['suggestions']} suggestions, "
        f"{speed['planted_found']}/{len(PATTERNS)} planted found",
        f"grouped step read {speed['floor_seconds']} s",
        str(speed["ratio"]),
        f"< {TARGET_SECONDS:.0f} s",
    )
    recall = min(accuracy["recall"].values())
    table.add_row(
        f"accuracy, {seeds} planted histories",
        f"recall ≥ {recall:.0%} per pattern; precision above {CONFIDENT}: "
        f"{accuracy['confident_true']}/{accuracy['confident_suggestions']}",
        "—",
        "—",
        "every pattern found, nothing false above 0.8",
    )
    console.print(table)
    return {
        "scenario": "suggestions",
        "machine_cores": os.cpu_count() or 1,
        "load_average_at_start": os.getloadavg()[0],
        "accuracy": accuracy,
        "speed": speed,
    }
