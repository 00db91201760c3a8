"""`crmflow bench --runtime celery`: real workers on PostgreSQL and Redis, beside a no-op floor.

The floor is Celery's own cost: no-op tasks drained by the same workers from the same broker
in the same run. The engine figure is the execute tasks (chunks of ids, as production sends
them) drained the same way, so the ratio between them says what the engine costs on top of
Celery, on whatever the host does at that moment. Latency goes through the whole API path:
event commit, trigger task, dispatch, execute task.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from crmflow.bench.runtime import Bench
from crmflow.config import Settings
from crmflow.db.session import dispose_all, mask_url
from crmflow.runtime.dispatcher import dispatch_pending_events

QUEUE = "celery"
WARMUP = 200


class BenchSetupError(RuntimeError):
    """The bench cannot run with these URLs (wrong database or broker kind, unreachable)."""


def check_urls(database_url: str, broker_url: str) -> None:
    """Refuse anything but PostgreSQL and Redis, with a one-line reason."""
    try:
        driver = make_url(database_url).drivername
    except Exception:  # noqa: BLE001 - any unparsable URL gets the same message
        driver = ""
    if not driver.startswith(("postgresql", "postgres")):
        raise BenchSetupError(
            "the celery bench needs PostgreSQL (CRMFLOW_DATABASE_URL or --database-url), "
            f"got {mask_url(database_url)}"
        )
    # The drain is watched on Redis's own queue and unacked keys (see Drain).
    if not broker_url.startswith(("redis://", "rediss://")):
        raise BenchSetupError(
            f"the celery bench needs a Redis broker (--broker-url), got {mask_url(broker_url)}"
        )


def _libpq(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@contextmanager
def scratch_database(database_url: str) -> Iterator[str]:
    """Create an empty database on the server of `database_url`, yield its URL, then drop it."""
    name = f"crmflow_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(_libpq(database_url), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())  # libpq's messages span several lines
        raise BenchSetupError(
            f"cannot create a database on {mask_url(database_url)}: {reason}"
        ) from None
    try:
        yield _libpq(database_url, name)
    finally:
        dispose_all()
        with psycopg.connect(_libpq(database_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Workers:
    """Real `crmflow worker` processes, started and stopped by the bench."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.hostnames: list[str] = []
        self.logs: list[Path] = []

    def start(self, processes: int) -> None:
        """Start `processes` workers of one prefork pool process each."""
        tag = uuid.uuid4().hex[:6]
        # N workers of --concurrency 1 rather than one worker of --concurrency N: a worker's
        # main process receives, hands over and acks every message, and one of them feeding
        # two children made both figures lower on 2 cores (docs/performance.md). It is still
        # the deployed prefork pool, with its time limits and requeue on a lost child.
        for index in range(processes):
            self._start(f"bench{index}-{tag}@%h", concurrency=1)

    def _start(self, hostname: str, *, concurrency: int) -> None:
        log = self.log_dir / f"worker{len(self.procs)}.log"
        command = [
            sys.executable,
            "-m",
            "crmflow",
            "worker",
            "--concurrency",
            str(concurrency),
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            hostname,
        ]
        with log.open("ab") as out:
            proc = subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        self.logs.append(log)
        self.hostnames.append(hostname.replace("%h", os.uname().nodename))

    def wait_ready(self, app: Any, timeout: float = 60.0) -> None:
        """Wait until every worker answers a ping (or fail with the end of its log)."""
        deadline = time.monotonic() + timeout
        waiting = set(self.hostnames)
        while waiting:
            for proc, log in zip(self.procs, self.logs, strict=True):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise BenchSetupError(f"a celery worker did not start:\n{self.tail(log)}")
            for reply in app.control.ping(destination=sorted(waiting), timeout=0.5):
                waiting -= set(reply)

    def tail(self, log: Path) -> str:
        """The end of a worker's log, for error messages."""
        return log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL whatever is still there after 30 s."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


class Drain:
    """Watch the Redis queue drain: messages waiting plus messages delivered and not acked.

    Tasks are acked late (after they ran and, for an execution, committed), so zero waiting
    and zero unacked means every task has finished. Nothing is added to the tasks themselves:
    the no-op stays a no-op, and the database is not polled while the workers use it.
    """

    def __init__(self, broker_url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(broker_url)

    def outstanding(self) -> int:
        """Messages waiting in the queue or delivered and not yet acknowledged."""
        pipe = self.client.pipeline(transaction=False)
        pipe.llen(QUEUE)
        pipe.hlen("unacked")
        waiting, unacked = pipe.execute()
        return int(waiting) + int(unacked)

    def wait_empty(self, started: float, timeout: float) -> float:
        """Return the seconds from `started` until nothing is outstanding.

        Empty must be seen twice, 5 ms apart: between a worker's pop and its bookkeeping of the
        unacked message, a message is briefly in neither key. Polls are 20 ms apart while much
        is left (polling every few ms cost the 2-core host 3% of its CPU), 2 ms near the end.
        """
        while True:
            now = time.perf_counter()
            left = self.outstanding()
            if left == 0:
                time.sleep(0.005)
                if self.outstanding() == 0:
                    return now - started
            if now - started > timeout:
                raise TimeoutError(f"{left} tasks still outstanding after {timeout:g} s")
            time.sleep(0.02 if left > 20 else 0.002)

    def purge(self) -> None:
        """Drop leftovers of an earlier run from the queue and the unacked set."""
        self.client.delete(QUEUE, "unacked", "unacked_index")


def refuse_shared_broker(app: Any, broker_url: str) -> None:
    """Refuse a broker that live workers consume from: the bench purges its queue, and those
    workers would take the bench's tasks (the default broker is the deployment's own)."""
    others = [name for reply in app.control.ping(timeout=1.0) for name in reply]
    if others:
        raise BenchSetupError(
            f"workers already consume from {mask_url(broker_url)} ({', '.join(sorted(others))});"
            " give the bench a Redis database that no worker uses (--broker-url redis://host/N)"
        )


@contextmanager
def consumers_paused(app: Any, hostnames: list[str]) -> Iterator[None]:
    """Stop the workers consuming while a backlog is published, so the clock times the drain
    and not the publisher (which shares the 2 cores with them)."""
    _control(app, "cancel_consumer", hostnames)
    try:
        yield
    finally:
        _control(app, "add_consumer", hostnames)


def _control(app: Any, command: str, hostnames: list[str]) -> None:
    replies = getattr(app.control, command)(QUEUE, destination=hostnames, reply=True, timeout=5)
    if len(replies) != len(hostnames):
        raise BenchSetupError(f"{command}: {len(replies)} of {len(hostnames)} workers answered")


def measure_drain(
    app: Any, workers: Workers, drain: Drain, publish: Callable[[], int], timeout: float = 600.0
) -> dict[str, float]:
    """Publish a backlog with the workers paused, resume them and time the drain."""
    with consumers_paused(app, workers.hostnames):
        count = publish()
        started = time.perf_counter()
    elapsed = drain.wait_empty(started, timeout)
    return {"tasks": count, "seconds": elapsed, "tasks_per_s": count / elapsed}


def measure_floor(app: Any, workers: Workers, drain: Drain, tasks: int) -> dict[str, float]:
    """No-op tasks through the same workers and broker: Celery's own cost per task."""
    from crmflow.runtime.tasks import noop

    def publish() -> int:
        for _ in range(tasks):
            noop.apply_async()
        return tasks

    return measure_drain(app, workers, drain, publish)


def dispatch_backlog(bench: Bench, events: int) -> list[int]:
    """Commit `events` organisation_created events and dispatch them in this process."""
    bench.queue_events(bench.add_organisations(events))
    ids: list[int] = []
    with bench.factory() as session:
        while True:
            seen, created = dispatch_pending_events(session, limit=500)
            ids.extend(created)
            if seen < 500:
                return ids


def measure_throughput(
    app: Any, workers: Workers, drain: Drain, bench: Bench, events: int
) -> dict[str, float]:
    """Drain the executions through the workers as production sends them; check the rows."""
    from crmflow.runtime.tasks import enqueue_executions

    before = bench.finished()
    ids = dispatch_backlog(bench, events)

    def publish() -> int:
        enqueue_executions(ids)  # EXECUTE_CHUNK ids per message, as the workers send them
        return len(ids)

    figures = measure_drain(app, workers, drain, publish)
    finished = bench.finished() - before
    if finished != len(ids):
        raise RuntimeError(f"only {finished} of {len(ids)} executions finished")
    return {
        "executions": len(ids),
        "seconds": figures["seconds"],
        "executions_per_s": figures["tasks_per_s"],
    }


def measure_latency(bench: Bench, settings: Settings, rate: int, seconds: float) -> dict[str, Any]:
    """Commit events one transaction at a time at `rate`/s, each followed by the trigger task
    an API commit sends; return event-to-done percentiles."""
    from crmflow.runtime.celery_client import CeleryRuntime

    count = max(1, int(rate * seconds))
    orgs = bench.add_organisations(count)
    since, before = bench.max_event_id(), bench.finished()
    runtime = CeleryRuntime(settings)
    runtime.start()
    try:
        offered_s = bench.offer_events(orgs, rate)
    finally:
        runtime.stop()
    deadline = time.monotonic() + 600
    while bench.finished() < before + count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {bench.finished() - before} of {count} executions finished")
        time.sleep(0.1)
    return bench.latency_figures(since, rate, count, offered_s)


def run_celery_bench(
    *,
    database_url: str,
    broker_url: str,
    workers: int,
    events: int,
    rate: int,
    latency_seconds: float,
    quiet: bool = False,
) -> dict[str, Any]:
    """Run the floor, throughput and latency measurements; print a table (unless quiet)."""
    from crmflow.runtime.celery_app import celery_app, configure
    from crmflow.runtime.celery_client import BrokerUnavailable, check_broker

    check_urls(database_url, broker_url)
    console = Console(stderr=True, quiet=quiet)
    result: dict[str, Any] = {
        "runtime": "celery",
        "machine_cores": os.cpu_count() or 1,
        "workers": workers,
        "events": events,
        "broker": mask_url(broker_url),
        "load_average_at_start": os.getloadavg()[0],
    }
    with scratch_database(database_url) as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            CRMFLOW_RUNTIME="celery", CRMFLOW_DATABASE_URL=url, CELERY_BROKER_URL=broker_url
        )
        try:
            check_broker(settings)
        except BrokerUnavailable as exc:
            raise BenchSetupError(str(exc)) from None
        configure(celery_app, settings)
        bench = Bench(Path(tmp), "celery", url=url)
        drain = Drain(broker_url)
        env = {
            **os.environ,
            "CRMFLOW_RUNTIME": "celery",
            "CRMFLOW_DATABASE_URL": url,
            "CELERY_BROKER_URL": broker_url,
        }
        refuse_shared_broker(celery_app, broker_url)
        drain.purge()
        console.print(f"starting {workers} celery workers on {mask_url(broker_url)}...")
        pool = Workers(env, Path(tmp))
        try:
            pool.start(workers)
            pool.wait_ready(celery_app)
            # Unmeasured warm-up of both paths: worker imports, connection pools, statements
            # prepared by psycopg and compiled by SQLAlchemy, the workflow's compiled version.
            console.print("warming up the workers...")
            measure_floor(celery_app, pool, drain, WARMUP)
            measure_throughput(celery_app, pool, drain, bench, WARMUP)
            # The floor is taken before and after the engine run: on a shared host the pair
            # shows whether the machine's speed moved under the measurement.
            console.print(f"floor: draining {events} no-op tasks...")
            before = measure_floor(celery_app, pool, drain, events)
            console.print(f"throughput: draining {events} executions...")
            result["throughput"] = measure_throughput(celery_app, pool, drain, bench, events)
            console.print(f"floor again: draining {events} no-op tasks...")
            after = measure_floor(celery_app, pool, drain, events)
            result["floor"] = _floor(before, after)
            console.print(f"latency: offering {rate} events/s for {latency_seconds:g} s...")
            result["latency"] = measure_latency(bench, settings, rate, latency_seconds)
        finally:
            pool.stop()
            dispose_all()
    result["ratio_to_floor"] = (
        result["throughput"]["executions_per_s"] / result["floor"]["tasks_per_s"]
    )
    _print(console, result)
    return result


def _floor(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    seconds = before["seconds"] + after["seconds"]
    return {
        "tasks": before["tasks"],
        "tasks_per_s": (before["tasks"] + after["tasks"]) / seconds,
        "before_tasks_per_s": before["tasks_per_s"],
        "after_tasks_per_s": after["tasks_per_s"],
    }


def _print(console: Console, result: dict[str, Any]) -> None:
    table = Table(
        title=f"crmflow bench (celery runtime, {result['workers']} workers, PostgreSQL + Redis)"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    floor = result["floor"]
    table.add_row(
        "floor: no-op Celery tasks, before / after (tasks/s)",
        f"{floor['before_tasks_per_s']:.0f} / {floor['after_tasks_per_s']:.0f}",
    )
    table.add_row("engine throughput (exec/s)", f"{result['throughput']['executions_per_s']:.0f}")
    table.add_row("ratio engine / floor (both floors)", f"{result['ratio_to_floor']:.2f}")
    lat = result["latency"]
    table.add_row(
        f"event-to-done at {lat['offered_rate']} ev/s offered: p50 / p99 (ms)",
        f"{lat['p50_ms']:.1f} / {lat['p99_ms']:.1f}",
    )
    console.print(table)
