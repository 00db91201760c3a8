"""The distributed runtime: a Celery app whose tasks only carry ids; the database decides.

Workers claim executions with leases and SKIP LOCKED, so a lost, duplicated or late message
costs latency, never correctness: every task re-reads the truth from the database. Delays and
retries live in the database (`resume_at`) and are picked up by the frequent `relay` tick,
never in broker ETAs or countdowns (which Redis visibility timeouts and RabbitMQ consumer
timeouts turn into duplicates).
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.schedules import crontab

from crmflow.config import Settings, get_settings

TASK_PREFIX = "crmflow"


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


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The seed's schedule (02:00 inactivity, 09:00 daily, Monday 09:00 weekly, Sunday 03:00
    cleanup) plus the frequent relay tick that keeps the database and the broker in step."""
    return {
        "check-inactivity-workflows": {
            "task": f"{TASK_PREFIX}.check_inactivity_workflows",
            "schedule": crontab(hour=2, minute=0),
        },
        "run-daily-workflows": {
            "task": f"{TASK_PREFIX}.run_scheduled_workflows",
            "schedule": crontab(hour=9, minute=0),
            "kwargs": {"frequency": "daily"},
        },
        "run-weekly-workflows": {
            "task": f"{TASK_PREFIX}.run_scheduled_workflows",
            "schedule": crontab(hour=9, minute=0, day_of_week=1),
            "kwargs": {"frequency": "weekly"},
        },
        "cleanup-old-executions": {
            "task": f"{TASK_PREFIX}.cleanup_old_executions",
            "schedule": crontab(hour=3, minute=0, day_of_week=0),
            "kwargs": {"days_to_keep": settings.retention_days},
        },
        "relay": {
            "task": f"{TASK_PREFIX}.relay",
            "schedule": settings.scheduler_interval_seconds,
        },
    }


def make_celery(settings: Settings) -> Celery:
    """Build the Celery app with production settings for at-least-once, id-only messages."""
    app = Celery("crmflow", include=["crmflow.runtime.tasks"])
    configure(app, settings)
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
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
        timezone="UTC",
        beat_schedule=beat_schedule(settings),
    )


celery_app = make_celery(get_settings())
