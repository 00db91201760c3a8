"""The seed's Celery tasks by name. Each one reads the database; messages carry only ids.

Tasks are bound to crmflow's app explicitly (not `shared_task`): Celery's "current app" is
thread-local, and a task resolved from another thread would publish through Celery's default
app and its default broker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from celery.signals import worker_process_init
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from crmflow.config import get_settings
from crmflow.db.base import utcnow
from crmflow.db.outage import unavailable_reason
from crmflow.db.session import dispose_all, get_session_factory
from crmflow.engine.options import RunOptions
from crmflow.executions.runner import run_batch
from crmflow.outbound.delivery import deliver_due, deliver_for
from crmflow.runtime import jobs
from crmflow.runtime.backoff import OutageGuard
from crmflow.runtime.celery_app import celery_app
from crmflow.runtime.dispatcher import dispatch_pending_events
from crmflow.sla.service import alert_settings, scan_and_alert

log = logging.getLogger("crmflow.tasks")


@worker_process_init.connect
def _fresh_connections_after_fork(**_: object) -> None:
    """Drop pooled connections inherited from the parent: two processes sharing one socket
    read each other's results (garbled rows, wrong parameters)."""
    dispose_all(close=False)


STALE_PENDING = timedelta(seconds=5)

# The frequent ticks (beat sends a relay every second) skip while the database is down and
# log one line per back-off step instead of a trace per tick; the next tick catches up.
_skip_while_database_down = OutageGuard(log)


def _options() -> RunOptions:
    settings = get_settings()
    return RunOptions(
        # Unique per process and thread: a worker may take back its own claim (see batch.py),
        # so two threads of a `--pool threads` worker must not share an id.
        worker_id=f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}",
        lease_seconds=settings.lease_seconds,
        max_causation_depth=settings.max_causation_depth,
        commit_claims=True,
        max_worker_losses=settings.max_worker_losses,
        public_url=settings.public_url,
        smtp_configured=settings.smtp_configured,
        secret_key=settings.secret_key,
    )


def _factory() -> sessionmaker[Session]:
    return get_session_factory(get_settings().database_url)


# Fresh executions travel EXECUTE_CHUNK ids per message: one claim and one run transaction
# for the chunk cost far less than one each (about 3x the throughput on 2 cores, see
# docs/performance.md). Re-sends by the relay travel alone, so a run that crashes its worker
# takes its chunk-mates down once at most, never up to the worker-loss limit.
EXECUTE_CHUNK = 16


def enqueue_executions(
    execution_ids: list[int], *, chunk: int = EXECUTE_CHUNK, retry: bool = True
) -> int:
    """Send the executions to the workers, `chunk` ids per message; return the messages sent."""
    sent = 0
    for start in range(0, len(execution_ids), chunk):
        part = [int(i) for i in execution_ids[start : start + chunk]]
        if len(part) == 1:
            execute_workflow_async.apply_async((part[0],), retry=retry)
        else:
            execute_workflows_async.apply_async((part,), retry=retry)
        sent += 1
    return sent


# Attempts of one execute task on a database error, and the back-off between them (s).
EXECUTE_ATTEMPTS = 3
EXECUTE_BACKOFF = (1.0, 2.0)


def _run_with_retries(execution_ids: list[int]) -> dict[int, str]:
    """Claim and run executions; on a database outage retry here, then leave them to the relay.

    3 attempts with exponential back-off, in this process rather than as a broker countdown
    (retries never live in the broker). After the last attempt the relay re-sends the
    executions once the database answers.
    """
    for attempt in range(1, EXECUTE_ATTEMPTS + 1):
        try:
            with _factory()() as session:
                return run_batch(session, execution_ids, _options()).outcome
        except DBAPIError as exc:
            if unavailable_reason(exc) is None:
                raise  # not an outage: a bug, which Celery logs with its trace
            if attempt == EXECUTE_ATTEMPTS:
                log.warning(
                    "executions %s: database unavailable after %d attempts; the relay will "
                    "send them again",
                    execution_ids,
                    attempt,
                )
                return {}
            time.sleep(EXECUTE_BACKOFF[attempt - 1])
    return {}  # pragma: no cover - the loop always returns


@celery_app.task(name="crmflow.execute_workflow_async")
def execute_workflow_async(execution_id: int, *_: object, **__: object) -> str | None:
    """Claim and run one execution (a no-op when another worker has it or it is finished)."""
    return _run_with_retries([int(execution_id)]).get(int(execution_id))


@celery_app.task(name="crmflow.execute_workflows_async")
def execute_workflows_async(execution_ids: list[int]) -> dict[str, int]:
    """Claim and run a chunk of executions in one transaction; return a count per status."""
    outcome = _run_with_retries([int(i) for i in execution_ids])
    counts: dict[str, int] = {}
    for status in outcome.values():
        counts[status] = counts.get(status, 0) + 1
    return counts


@celery_app.task(name="crmflow.noop")
def noop(*_: object, **__: object) -> None:
    """Do nothing: the benchmark's floor (one task's cost on this broker and pool) and a probe."""


@celery_app.task(name="crmflow.trigger_workflows_for_event")
@_skip_while_database_down
def trigger_workflows_for_event(*_: object, **__: object) -> int:
    """Dispatch every undispatched event (the seed's arguments are accepted and ignored: the
    outbox in the database is the truth) and enqueue the executions it creates."""
    created_total = 0
    with _factory()() as session:
        while True:
            seen, created = dispatch_pending_events(session, limit=500)
            enqueue_executions(created)
            created_total += len(created)
            if seen < 500:
                return created_total


@celery_app.task(name="crmflow.check_inactivity_workflows")
def check_inactivity_workflows() -> int:
    """Start inactivity workflows for idle records (once per record per idle period)."""
    with _factory()() as session:
        ids = jobs.check_inactivity(session, now=utcnow())
    enqueue_executions(ids)
    return len(ids)


@celery_app.task(name="crmflow.run_scheduled_workflows")
@_skip_while_database_down
def run_scheduled_workflows(frequency: str | None = None) -> int:
    """Fire due scheduled workflows (all of them, or one frequency), once per fire time."""
    with _factory()() as session:
        ids = jobs.fire_scheduled(session, now=utcnow(), frequency=frequency)
    enqueue_executions(ids)
    return len(ids)


@celery_app.task(name="crmflow.cleanup_old_executions")
def cleanup_old_executions(days_to_keep: int = 90) -> int:
    """Delete finished executions older than `days_to_keep` days."""
    with _factory()() as session:
        return jobs.prune_executions(session, now=utcnow(), retention_days=int(days_to_keep))


@celery_app.task(name="crmflow.relay")
@_skip_while_database_down
def relay() -> int:
    """Frequent tick: dispatch the outbox, fire due schedules, re-send stalled executions."""
    trigger_workflows_for_event()
    run_scheduled_workflows()
    with _factory()() as session:
        ids = jobs.runnable_executions(session, now=utcnow(), pending_older_than=STALE_PENDING)
    enqueue_executions(ids, chunk=1)
    with _factory()() as session:
        scan_and_alert(session, alert_settings(get_settings()))
    # Emails and webhook calls leave from the outbox here, never inside a run. Part of the
    # relay tick rather than a task of its own: fewer messages in flight when a broker drops
    # (kombu/Celery 5.7 can kill a worker that holds an unacknowledged message then). A
    # backlog gets passes until the next tick is due.
    settings = get_settings()
    deliver_for(_factory(), settings, settings.scheduler_interval_seconds)
    return len(ids)


@celery_app.task(name="crmflow.deliver_outbox")
@_skip_while_database_down
def deliver_outbox() -> int:
    """Send due emails and webhook calls; their runs are woken when they have an outcome."""
    return deliver_due(_factory(), get_settings())
