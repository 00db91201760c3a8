"""Benchmark databases and the runtime measurements: throughput, latency, and the SQL floor."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from crmflow.auth.service import Principal, create_user, get_or_create_company, issue_token
from crmflow.common.enums import FINISHED_STATUSES
from crmflow.config import Settings
from crmflow.crm.models import Organisation
from crmflow.db.migrate import upgrade
from crmflow.db.session import dispose_all, get_session_factory
from crmflow.db.signals import mark_events_written
from crmflow.events.models import Event
from crmflow.events.service import record_event
from crmflow.executions.models import WorkflowExecution
from crmflow.runtime.embedded import EmbeddedRuntime
from crmflow.workflows.models import Workflow, WorkflowVersion
from crmflow.workflows.service import create_workflow

BENCH_WORKFLOW: dict[str, Any] = {
    "name": "bench: big account follow-up",
    "trigger_type": "organisation_created",
    "status": "active",
    "conditions": {
        "operator": "AND",
        "rules": [{"field": "organisation.potential_amount", "operator": ">", "value": 1000}],
    },
    "actions": [
        {
            "type": "create_task",
            "config": {
                "title": "Call {{ organisation.name }}",
                "due_date": "+3 days",
                "assignee": "owner",
            },
        },
        {
            "type": "send_notification",
            "config": {
                "user": "owner",
                "level": "info",
                "message": "{{ organisation.name }} is big",
            },
        },
        {
            "type": "send_email",
            "config": {
                "to": "owner",
                "subject": "New: {{ organisation.name }}",
                "body": "Potential {{ organisation.potential_amount }}",
            },
        },
    ],
}


class Bench:
    """One benchmark database with a company, a user and the bench workflow."""

    def __init__(self, directory: Path, name: str, *, url: str | None = None) -> None:
        self.path = directory / f"{name}.db"
        # Any database can be given (the Celery bench uses PostgreSQL); the default is a file.
        self.url = url or f"sqlite:///{self.path}"
        upgrade(self.url)
        self.factory = get_session_factory(self.url)
        # Progress polls read through the reader engine, as API GETs do: a writer session
        # would queue for the write lock and make the runtime yield to it.
        self.reader = get_session_factory(self.url, writer=False)
        with self.factory() as session:
            company = get_or_create_company(session, name="Bench")
            user = create_user(
                session,
                company_id=company.id,
                email="owner@bench.test",
                role="admin",
                titles=["sales"],
            )
            issue_token(session, user=user)
            session.commit()
            self.company_id, self.user_id = company.id, user.id
            principal = Principal(user_id=user.id, company_id=company.id, role="admin", email="")
            self.workflow_id = create_workflow(session, principal=principal, data=BENCH_WORKFLOW).id
        self.org_ids: list[int] = []

    def add_organisations(self, count: int) -> list[int]:
        """Insert organisations owned by the bench user (no events)."""
        now = datetime.now(UTC)
        rows = [
            {
                "company_id": self.company_id,
                "name": f"Org {i}",
                "potential_amount": 50000.0,
                "owner_id": self.user_id,
                "tags": [],
                "custom_fields": {},
                "created_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ]
        with self.factory() as session:
            ids = list(session.scalars(insert(Organisation).returning(Organisation.id), rows))
            session.commit()
        self.org_ids.extend(ids)
        return ids

    def add_idle_workflows(self, count: int) -> None:
        """Add active workflows whose trigger (deal_updated) never matches the bench events."""
        if count <= 0:
            return
        now = datetime.now(UTC)
        definition = {**BENCH_WORKFLOW, "trigger_type": "deal_updated", "trigger_config": {}}
        definition.pop("status")
        with self.factory() as session:
            ids = list(
                session.scalars(
                    insert(Workflow).returning(Workflow.id),
                    [
                        {
                            "company_id": self.company_id,
                            "name": f"idle {i}",
                            "description": "",
                            "status": "active",
                            "trigger_type": "deal_updated",
                            "trigger_config": {},
                            "conditions": definition["conditions"],
                            "actions": definition["actions"],
                            "settings": {},
                            "is_template": False,
                            "version_number": 1,
                            "execution_count": 0,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for i in range(count)
                    ],
                )
            )
            for wf_id in ids:
                version = WorkflowVersion(
                    company_id=self.company_id,
                    workflow_id=wf_id,
                    version=1,
                    definition=definition,
                    created_at=now,
                )
                session.add(version)
            session.flush()
            session.commit()

    def queue_events(self, org_ids: list[int]) -> None:
        """Commit one organisation_created event per organisation, all at once (a backlog)."""
        with self.factory() as session:
            for org_id in org_ids:
                record_event(
                    session,
                    company_id=self.company_id,
                    type="organisation_created",
                    entity_type="organisation",
                    entity_id=org_id,
                    payload={"id": org_id},
                )
            session.commit()

    def finished(self) -> int:
        """Count finished executions."""
        with self.reader() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(WorkflowExecution)
                    .where(WorkflowExecution.status.in_(FINISHED_STATUSES))
                )
                or 0
            )

    def latencies_ms(self, since_event_id: int) -> list[float]:
        """Event-committed to execution-finished latency of every run since an event id."""
        with self.reader() as session:
            rows = session.execute(
                select(Event.created_at, WorkflowExecution.completed_at)
                .join(WorkflowExecution, WorkflowExecution.event_id == Event.id)
                .where(Event.id > since_event_id, WorkflowExecution.completed_at.is_not(None))
            ).all()
        return [(done - created).total_seconds() * 1000.0 for created, done in rows if done]

    def offer_events(self, org_ids: list[int], rate: float) -> float:
        """Commit one organisation_created event per transaction at `rate`/s, as API calls
        would; return the seconds it took."""
        interval = 1.0 / rate
        start = time.perf_counter()
        with self.factory() as session:
            for index, org_id in enumerate(org_ids):
                delay = start + index * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                # A prebuilt Core insert: the producer shares the machine (and, embedded, the
                # GIL) with the runtime it is measuring.
                now = datetime.now(UTC)
                session.execute(
                    _EVENT_INSERT,
                    {
                        "company_id": self.company_id,
                        "type": "organisation_created",
                        "entity_type": "organisation",
                        "entity_id": org_id,
                        "payload": {"id": org_id},
                        "changes": {},
                        "causation_depth": 0,
                        "source": "bench",
                        "occurred_at": now,
                        "created_at": now,
                    },
                )
                mark_events_written(session)
                session.commit()
        return time.perf_counter() - start

    def latency_figures(
        self, since_event_id: int, rate: float, count: int, offered_s: float
    ) -> dict[str, Any]:
        """Event-to-done percentiles of the events after `since_event_id`, with the offer."""
        values = sorted(self.latencies_ms(since_event_id))
        return {
            "offered_rate": rate,
            "achieved_offer_rate": count / offered_s,
            "events": count,
            "p50_ms": percentile_of(values, 0.50),
            "p99_ms": percentile_of(values, 0.99),
            "max_ms": values[-1] if values else 0.0,
        }

    def max_event_id(self) -> int:
        """Return the newest event id."""
        with self.reader() as session:
            return session.scalar(select(func.max(Event.id))) or 0


def _runtime(bench: Bench) -> EmbeddedRuntime:
    settings = Settings(CRMFLOW_DATABASE_URL=bench.url, CRMFLOW_SCHEDULER_INTERVAL=0.5)
    runtime = EmbeddedRuntime(settings, bench.factory)
    runtime.start()
    return runtime


def _wait_finished(
    bench: Bench, runtime: EmbeddedRuntime, runs: int, target: int, timeout: float = 600.0
) -> float:
    """Wait until the runtime committed `runs` executions and the database shows `target`.

    The runtime's in-process counter is watched (free), not a COUNT over a growing table every
    few milliseconds, which would steal the GIL from the runtime being measured; the database
    confirms the figure at the end.
    """
    start = time.perf_counter()
    while runtime.completed < runs:
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"only {runtime.completed} of {runs} executions finished")
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    while bench.finished() < target:
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"only {bench.finished()} of {target} executions finished")
        time.sleep(0.05)
    return elapsed


def measure_throughput(bench: Bench, events: int) -> dict[str, float]:
    """Drain a backlog of events through dispatch and execution; return executions/s."""
    orgs = bench.add_organisations(events)
    before = bench.finished()
    bench.queue_events(orgs)
    runtime = _runtime(bench)
    try:
        elapsed = _wait_finished(bench, runtime, events, before + events)
    finally:
        runtime.stop()
    return {"executions": events, "seconds": elapsed, "executions_per_s": events / elapsed}


_EVENT_INSERT = insert(Event)


def measure_latency(bench: Bench, rate: int, seconds: float) -> dict[str, float]:
    """Offer events one transaction at a time at a fixed rate; return latency percentiles."""
    count = max(1, int(rate * seconds))
    orgs = bench.add_organisations(count)
    since = bench.max_event_id()
    before = bench.finished()
    runtime = _runtime(bench)
    try:
        offered_s = bench.offer_events(orgs, rate)
        _wait_finished(bench, runtime, count, before + count)
    finally:
        runtime.stop()
    return bench.latency_figures(since, rate, count, offered_s)


def percentile_of(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q * len(values)))]


def measure_floor(directory: Path, executions: int) -> dict[str, float]:
    """Write the rows of `executions` runs with plain SQL, one transaction per run."""
    bench = Bench(directory, "floor")
    orgs = bench.add_organisations(executions)
    dispose_all()
    conn = sqlite3.connect(bench.path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    now = datetime.now(UTC).replace(tzinfo=None)
    version = conn.execute("SELECT current_version_id FROM workflows").fetchone()[0]
    start = time.perf_counter()
    for org_id in orgs:
        ts = datetime.now(UTC).replace(tzinfo=None)
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute(
            "INSERT INTO workflow_executions (company_id, workflow_id, version_id, version, status,"
            " trigger_type, trigger_entity_type, trigger_entity_id, trigger_data, decision,"
            " causation_depth, actions_executed, attempt, started_at, completed_at, duration_ms,"
            " created_at, updated_at, run_key) VALUES (?,?,?,1,'success','organisation_created',"
            "'organisation',?,'{}','{}',0,3,1,?,?,1.0,?,?,'r' || lower(hex(randomblob(8))))",
            (bench.company_id, bench.workflow_id, version, org_id, ts, ts, ts, ts),
        )
        exec_id = cur.lastrowid
        for position, kind in enumerate(("create_task", "send_notification", "send_email")):
            conn.execute(
                "INSERT INTO execution_steps (execution_id, path, position, type, status, attempt,"
                " input, output, idempotency_key, started_at, finished_at, duration_ms)"
                " VALUES (?,?,?,?,'success',1,'{}','{}',?,?,?,0.1)",
                (exec_id, f"actions/{position}", position, kind, f"{exec_id}:{position}", ts, ts),
            )
        conn.execute(
            "INSERT INTO tasks (company_id, title, description, due_date, assignee_id, status,"
            " priority, related_type, related_id, source_step_key, created_at, updated_at)"
            " VALUES (?,?,'',?,?,'open','normal','organisation',?,?,?,?)",
            (
                bench.company_id,
                f"Call Org {org_id}",
                now + timedelta(days=3),
                bench.user_id,
                org_id,
                f"{exec_id}:actions/0",
                ts,
                ts,
            ),
        )
        conn.execute(
            "INSERT INTO notifications (company_id, user_id, level, title, message,"
            " source_step_key, created_at, updated_at) VALUES (?,?,'info','t','m',?,?,?)",
            (bench.company_id, bench.user_id, f"{exec_id}:actions/1", ts, ts),
        )
        conn.execute(
            'INSERT INTO outgoing_emails (company_id, "to", cc, subject, body, status,'
            " idempotency_key, execution_id, created_at, updated_at)"
            " VALUES (?,'[]','[]','s','b','queued',?,?,?,?)",
            (bench.company_id, f"{exec_id}:actions/2", exec_id, ts, ts),
        )
        conn.execute(
            "INSERT INTO execution_stat_buckets (workflow_id, day, status, bucket, count,"
            " duration_sum_ms, last_completed_at) VALUES (?,?,'success',10,1,1.0,?)"
            " ON CONFLICT DO UPDATE SET count = count + 1,"
            " duration_sum_ms = duration_sum_ms + 1.0",
            (bench.workflow_id, ts.date(), ts),
        )
        conn.execute(
            "UPDATE workflows SET execution_count = execution_count + 1,"
            " last_executed_at = ? WHERE id = ?",
            (ts, bench.workflow_id),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return {"executions": executions, "seconds": elapsed, "executions_per_s": executions / elapsed}
