"""Actions whose effect happens outside the run: queued in an outbox, finished on resume.

An email or a webhook call must not be sent inside the run's transaction (a slow server would
hold it, and a rollback cannot unsend). The action writes an outbox row in the transaction and
raises `ActionWaiting`; the step is recorded `pending` and the run waits. The runtime's sender
delivers the row, records the outcome and wakes the run, whose next walk calls `resume`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmflow.engine.plugins import Action, ActionContext


class ActionWaiting(Exception):
    """The action's effect is queued; the step waits (until `resume_at` at the latest)."""

    def __init__(self, output: dict[str, Any], resume_at: datetime | None, message: str) -> None:
        super().__init__(message)
        self.output = output
        self.resume_at = resume_at
        self.message = message


class DeferredAction(Action):
    """An action finished by `resume` once its outbox row has an outcome."""

    transactional = False

    def resume(self, ctx: ActionContext, waiting: dict[str, Any]) -> dict[str, Any]:
        """Return the step output, raise ActionFailed, or raise ActionWaiting again."""
        raise NotImplementedError
