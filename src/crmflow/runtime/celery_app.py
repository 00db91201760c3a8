"""The distributed runtime: a Celery app whose tasks only carry ids; the database decides.

Workers claim executions with leases and SKIP LOCKED, so a lost, duplicated or late message
costs latency, never correctness: every task re-reads the truth from the database. Delays and
retries live in the database (`resume_at`) and are picked up by the frequent `relay` tick,
never in broker ETAs or countdowns (which Redis visibility timeouts and RabbitMQ consumer
timeouts turn into duplicates).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import Celery
from celery.schedules import crontab

from crmflow.config import Settings, get_settings
from crmflow.db.base import utcnow

log = logging.getLogger("crmflow.runtime")

TASK_PREFIX = "crmflow"


def _tolerate_a_dead_broker_connection() -> None:
    """Keep a worker alive when the Redis broker drops while it holds unacknowledged messages.

    Celery 5.7 closes the broken connection first; afterwards kombu may still touch it through
    the old channel: to hand unacknowledged messages back when the channel closes, or to ack
    (reject) a message received before the drop whose task finishes after the reconnection.
    Both raise AttributeError (no connection info), which is not a connection error, so the
    worker dies ("Unrecoverable error") and stops consuming. The messages stay in Redis's
    unacked hash (restored after the visibility timeout; a redelivered id finds its
    execution claimed or finished), and the relay re-sends unfinished executions from the
    database anyway: skipping the broker call is safe, dying is not.
    """
    from kombu.transport import redis as kombu_redis

    for name in ("restore_unacked", "ack", "reject"):
        original = getattr(kombu_redis.QoS, name)
        if getattr(original, "_crmflow_tolerant", False):
            continue
        setattr(kombu_redis.QoS, name, _tolerant(original, name))


def _tolerant(method: Any, name: str) -> Any:
    """Wrap a kombu Redis QoS method so that a dead connection's AttributeError is logged."""

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except AttributeError:
            log.warning("broker connection gone: %s skipped, messages left to Redis", name)
            return None

    call._crmflow_tolerant = True  # type: ignore[attr-defined]
    return call


def _forget_broker_connections(app: Celery) -> None:
    """Drop the connection and producer pools bound to the previous broker URL.

    `Celery.close()` keeps the AMQP producer pool, which would go on publishing to the old
    broker; a process normally has one broker, but tests and re-configuration change it.
    """
    app.close()
    amqp = app.__dict__.get("amqp")
    if amqp is not None and getattr(amqp, "_producer_pool", None) is not None:
        amqp._producer_pool.force_close_all()
        amqp._producer_pool = None
    app._pool = None


def _crontab(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The seed's schedule (02:00 inactivity, 09:00 daily, Monday 09:00 weekly, Sunday 03:00
    cleanup, each configurable) plus the frequent relay tick that keeps the database and the
    broker in step."""
    crontabs: dict[str, tuple[str, str, dict[str, Any]]] = {
        "check-inactivity-workflows": (
            settings.schedule_inactivity,
            "check_inactivity_workflows",
            {},
        ),
        "run-daily-workflows": (
            settings.schedule_daily,
            "run_scheduled_workflows",
            {"frequency": "daily"},
        ),
        "run-weekly-workflows": (
            settings.schedule_weekly,
            "run_scheduled_workflows",
            {"frequency": "weekly"},
        ),
        "cleanup-old-executions": (
            settings.schedule_cleanup,
            "cleanup_old_executions",
            {"days_to_keep": settings.retention_days},
        ),
    }
    schedule: dict[str, dict[str, Any]] = {
        name: {"task": f"{TASK_PREFIX}.{task}", "schedule": _crontab(cron), "kwargs": kwargs}
        for name, (cron, task, kwargs) in crontabs.items()
        if cron != "off"
    }
    schedule["relay"] = {
        "task": f"{TASK_PREFIX}.relay",
        "schedule": settings.scheduler_interval_seconds,
    }
    return schedule


class CrmflowCelery(Celery):  # type: ignore[misc]
    """Celery whose clock is crmflow's, so beat and the database agree on "now" (and a
    simulated clock, used to replay a day of schedules in tests, reaches beat too)."""

    def now(self) -> datetime:
        """Return crmflow's current time (aware UTC)."""
        return utcnow()


def make_celery(settings: Settings) -> Celery:
    """Build the Celery app with production settings for at-least-once, id-only messages."""
    app = CrmflowCelery("crmflow", include=["crmflow.runtime.tasks"])
    configure(app, settings)
    _tolerate_a_dead_broker_connection()
    return app


def configure(app: Celery, settings: Settings) -> None:
    """Apply the settings (broker URL, schedule, limits) to the app."""
    if app.conf.broker_url and app.conf.broker_url != settings.broker_url:
        _forget_broker_connections(app)
    app.conf.update(
        # Celery derives the read/write URLs from broker_url once; set all three so a changed
        # setting really moves the app to the new broker.
        broker_url=settings.broker_url,
        broker_read_url=settings.broker_url,
        broker_write_url=settings.broker_url,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        # Ack after the task ran, and requeue when a worker dies mid-task: the task is
        # idempotent because the database claim decides who runs what.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=300,
        task_soft_time_limit=240,
        broker_connection_retry_on_startup=True,
        # Only matters for Redis/SQS: an unacked message is redelivered after this long. Our
        # tasks are short and never use ETAs (delays live in the database), so it is safe.
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout},
        worker_hijack_root_logger=False,
        timezone="UTC",
        beat_schedule=beat_schedule(settings),
    )


celery_app = make_celery(get_settings())
