"""`crmflow bench --scenario simulation`: a 50-step simulation and a 30-day back-test.

Targets (issue 14): one simulation of a 50-step workflow in < 500 ms; a back-test over
100,000 recorded events of the last 30 days in < 60 s. Each figure is printed beside a floor
from the same run:
- simulation: the bare dry-run walk of the same 50 steps (what any simulation must do); the
  ratio shows what the extras (decisions and their examples, checks, predictions) cost;
- back-test: reading the same 100,000 events (the rows any replay must fetch) in plain SQL.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, text

from crmflow.auth.models import User
from crmflow.auth.service import Principal, create_user
from crmflow.bench.runtime import Bench
from crmflow.db.base import utcnow
from crmflow.db.session import dispose_all
from crmflow.engine.options import RunOptions
from crmflow.events.models import Event
from crmflow.outbound.ssrf import Allowlist
from crmflow.simulation.backtest import backtest
from crmflow.simulation.inputs import SimulationInput
from crmflow.simulation.service import Options, create_simulation, resolve_subject
from crmflow.simulation.walk import dry_walk
from crmflow.workflows.service import create_workflow

TARGET_SIMULATION_MS = 500.0
TARGET_BACKTEST_S = 60.0
SIMULATION_REPEATS = 20
INSERT_CHUNK = 5_000


# The seed's Example 1: the manager, then the director above 10,000, the CFO above 50,000.
EXAMPLE_1_CHAIN: list[dict[str, Any]] = [
    {"type": "approval", "config": {"approver": "manager"}},
    {
        "type": "approval",
        "when": {"deal.amount": {"$gt": 10000}},
        "config": {"approver": "director"},
    },
    {"type": "approval", "when": {"deal.amount": {"$gt": 50000}}, "config": {"approver": "cfo"}},
]


def fifty_steps() -> dict[str, Any]:
    """A 50-step deal workflow: guarded tasks, notifications, branches, a parallel, waits."""
    steps: list[dict[str, Any]] = []
    for i in range(20):
        steps.append(
            {
                "name": f"Task {i}",
                "type": "create_task",
                "when": {"deal.amount": {"$gt": i * 5000}},
                "config": {"title": f"Step {i} for {{{{ deal.title }}}}", "assignee": "owner"},
            }
        )
    for i in range(10):
        steps.append({"type": "send_notification", "config": {"message": f"n{i}", "user": "owner"}})
    for i in range(8):
        steps.append(
            {
                "type": "branch",
                "branches": [
                    {
                        "when": {"deal.stage": {"$eq": "negotiation"}},
                        "actions": [{"type": "add_tag", "config": {"tag": f"b{i}"}}],
                    }
                ],
                "else": [{"type": "create_task", "config": {"title": f"else {i}"}}],
            }
        )
    steps.append(
        {
            "type": "parallel",
            "branches": [
                [{"type": "create_task", "config": {"title": "left"}}],
                [{"type": "send_notification", "config": {"message": "right", "user": "owner"}}],
            ],
        }
    )
    steps += [{"type": "delay", "config": {"duration": "2 days"}}, *EXAMPLE_1_CHAIN]
    while len(steps) < 50:
        steps.append({"type": "add_tag", "config": {"tag": f"t{len(steps)}"}})
    return {"name": "fifty steps", "trigger_type": "deal_created", "actions": steps}


def backtest_workflow() -> dict[str, Any]:
    """The back-tested draft: the seed's Example 1 behind a threshold, with a branch."""
    return {
        "name": "discount approval",
        "trigger_type": "deal_created",
        "conditions": {"deal.amount": {"$gt": 5000}},
        "actions": [
            {
                "type": "branch",
                "branches": [
                    {
                        "when": {"deal.stage": {"$eq": "negotiation"}},
                        "actions": [
                            {"type": "create_task", "config": {"title": "{{ deal.title }}"}}
                        ],
                    }
                ],
            },
            *EXAMPLE_1_CHAIN,
        ],
    }


def _people(bench: Bench) -> int:
    """A seller with a manager, a director and a CFO; return the seller's id."""
    with bench.factory() as session:
        director = create_user(
            session, company_id=bench.company_id, email="d@bench.test", titles=["director"]
        )
        create_user(session, company_id=bench.company_id, email="c@bench.test", titles=["cfo"])
        manager = create_user(
            session, company_id=bench.company_id, email="m@bench.test", manager_id=director.id
        )
        seller = create_user(
            session, company_id=bench.company_id, email="s@bench.test", manager_id=manager.id
        )
        owner = session.get_one(User, bench.user_id)
        owner.manager_id = manager.id
        session.commit()
        return int(seller.id)


def _events(bench: Bench, count: int, seller: int) -> None:
    """Insert `count` deal_created events of the last 30 days, dispatched (no runs)."""
    rng = random.Random(14)
    now = utcnow()
    stages = ["qualification", "proposition", "negotiation"]
    with bench.factory() as session:
        for start in range(0, count, INSERT_CHUNK):
            rows = []
            for i in range(start, min(count, start + INSERT_CHUNK)):
                when = now - timedelta(seconds=rng.randint(60, 29 * 86400))
                payload = {
                    "id": i + 1,
                    "title": f"Deal {i}",
                    "amount": float(rng.randrange(1, 120) * 1000),
                    "stage": rng.choice(stages),
                    "owner_id": seller,
                }
                rows.append(
                    {
                        "company_id": bench.company_id,
                        "type": "deal_created",
                        "entity_type": "deal",
                        "entity_id": i + 1,
                        "payload": payload,
                        "changes": {},
                        "occurred_at": when,
                        "created_at": when,
                        "dispatched_at": when,
                        "causation_depth": 0,
                        "source": "crm",
                    }
                )
            session.execute(insert(Event), rows)
            session.commit()


def _options() -> Options:
    return Options(run=RunOptions(), allowlist=Allowlist())


def measure_simulation(bench: Bench, principal: Principal) -> dict[str, Any]:
    """Median and p90 of one 50-step simulation, and of the bare dry walk (the floor)."""
    with bench.factory() as session:
        workflow_id = create_workflow(session, principal=principal, data=fifty_steps()).id
    given = SimulationInput(input_data={"amount": 75000, "stage": "negotiation", "title": "Big"})
    full: list[float] = []
    floor: list[float] = []
    with bench.factory() as session:
        subject = resolve_subject(
            session,
            company_id=bench.company_id,
            workflow_id=workflow_id,
            version=None,
            definition=None,
        )
        assert subject.compiled is not None
        for _ in range(SIMULATION_REPEATS):
            t0 = time.perf_counter()
            dry_walk(
                session,
                company_id=bench.company_id,
                user_id=bench.user_id,
                workflow_id=workflow_id,
                version=subject.version,
                compiled=subject.compiled,
                given=given,
                options=RunOptions(),
            )
            floor.append((time.perf_counter() - t0) * 1000.0)
            t0 = time.perf_counter()
            row = create_simulation(
                session,
                company_id=bench.company_id,
                user_id=bench.user_id,
                workflow_id=workflow_id,
                version=None,
                definition=None,
                given=given,
                options=_options(),
            )
            full.append((time.perf_counter() - t0) * 1000.0)
        steps = len(row.execution_path)
        chain = len(row.approval_chain)
    return {
        "steps_walked": steps,
        "approval_levels": chain,
        "median_ms": round(statistics.median(full), 1),
        "p90_ms": round(sorted(full)[int(0.9 * len(full)) - 1], 1),
        "floor_median_ms": round(statistics.median(floor), 1),
        "ratio": round(statistics.median(floor) / statistics.median(full), 3),
        "target_ms": TARGET_SIMULATION_MS,
    }


def measure_backtest(bench: Bench, principal: Principal, events: int) -> dict[str, Any]:
    """One back-test over `events` recorded events, and the plain read of the same rows."""
    with bench.factory() as session:
        workflow_id = create_workflow(session, principal=principal, data=backtest_workflow()).id
    with bench.reader() as session:
        t0 = time.perf_counter()
        rows = session.execute(
            text(
                "SELECT id, type, entity_type, entity_id, payload, changes, causation_depth "
                "FROM events WHERE company_id = :c AND type = 'deal_created' AND occurred_at >= :s"
            ),
            {"c": bench.company_id, "s": utcnow() - timedelta(days=30)},
        ).all()
        for row in rows:
            json.loads(row.payload) if isinstance(row.payload, str) else row.payload
        floor_s = time.perf_counter() - t0
    with bench.reader() as session:
        subject = resolve_subject(
            session,
            company_id=bench.company_id,
            workflow_id=workflow_id,
            version=None,
            definition=None,
        )
        t0 = time.perf_counter()
        report = backtest(
            session,
            company_id=bench.company_id,
            subject=subject,
            days=30,
            max_events=events,
            options=_options(),
        )
        seconds = time.perf_counter() - t0
    return {
        "events": report["events_considered"],
        "triggered": report["triggered"],
        "outcomes": report["outcomes"],
        "seconds": round(seconds, 2),
        "events_per_second": round(report["events_considered"] / seconds),
        "floor_seconds": round(floor_s, 3),
        "ratio": round(floor_s / seconds, 4),
        "target_seconds": TARGET_BACKTEST_S,
    }


def run_simulation_bench(*, events: int = 100_000, quiet: bool = False) -> dict[str, Any]:
    """Set up a scratch SQLite database, measure both figures, print and return them."""
    console = Console(stderr=True, quiet=quiet)
    with tempfile.TemporaryDirectory(prefix="crmflow-bench-") as directory:
        try:
            bench = Bench(Path(directory), "simulation")
            principal = Principal(
                user_id=bench.user_id, company_id=bench.company_id, role="admin", email=""
            )
            seller = _people(bench)
            console.print(f"inserting {events:,} recorded events…")
            _events(bench, events, seller)
            console.print("simulating the 50-step workflow…")
            simulation = measure_simulation(bench, principal)
            console.print(f"back-testing {events:,} events…")
            replay = measure_backtest(bench, principal, events)
        finally:
            dispose_all()
    result = {
        "scenario": "simulation",
        "machine_cores": os.cpu_count() or 1,
        "load_average_at_start": os.getloadavg()[0],
        "simulation": simulation,
        "backtest": replay,
    }
    table = Table(title="simulation and back-test (SQLite)")
    for column in ("measure", "figure", "floor (same run)", "ratio", "target"):
        table.add_column(column)
    table.add_row(
        "50-step simulation",
        f"median {simulation['median_ms']} ms, p90 {simulation['p90_ms']} ms",
        f"dry walk {simulation['floor_median_ms']} ms",
        str(simulation["ratio"]),
        f"< {TARGET_SIMULATION_MS:.0f} ms",
    )
    table.add_row(
        f"back-test, {replay['events']:,} events",
        f"{replay['seconds']} s ({replay['events_per_second']:,}/s)",
        f"read {replay['floor_seconds']} s",
        str(replay["ratio"]),
        f"< {TARGET_BACKTEST_S:.0f} s",
    )
    console.print(table)
    return result
