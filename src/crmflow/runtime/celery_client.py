"""The API side of the Celery runtime: after a commit, send the ids to the workers."""

from __future__ import annotations

import logging

from kombu.connection import Connection

from crmflow.config import Settings
from crmflow.db.session import mask_url
from crmflow.runtime import signals

log = logging.getLogger("crmflow.runtime")


class BrokerUnavailable(RuntimeError):
    """The broker could not be reached at start-up."""


def check_broker(settings: Settings, timeout: float = 5.0) -> None:
    """Connect to the broker once, or raise BrokerUnavailable naming the (masked) URL."""
    try:
        with Connection(settings.broker_url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - kombu raises many transport-specific errors
        raise BrokerUnavailable(
            f"cannot reach the broker at {mask_url(settings.broker_url)}: {exc}"
        ) from None


def start_celery_client(settings: Settings) -> None:
    """Point the Celery app at the settings' broker and enqueue work after each commit.

    A message that cannot be sent (broker down) is only a delay: the beat's relay tick finds
    undispatched events and stalled executions in the database and sends them again.
    """
    from crmflow.runtime.celery_app import celery_app, configure
    from crmflow.runtime.tasks import execute_workflow_async, trigger_workflows_for_event

    configure(celery_app, settings)
    check_broker(settings)

    def on_events() -> None:
        try:
            trigger_workflows_for_event.apply_async(retry=False)
        except Exception:
            log.warning("broker unreachable; events will be relayed later", exc_info=True)

    def on_executions(ids: list[int]) -> None:
        try:
            for execution_id in ids:
                execute_workflow_async.apply_async((execution_id,), retry=False)
        except Exception:
            log.warning("broker unreachable; executions will be relayed later", exc_info=True)

    signals.subscribe_events(on_events)
    signals.subscribe_executions(on_executions)
