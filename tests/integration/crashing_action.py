"""A test-only action that kills the worker process running it, and a `crmflow` entry point
that registers it: `python -m tests.integration.crashing_action worker ...`."""

from __future__ import annotations

import os
import signal
from typing import Any

from pydantic import BaseModel

from crmflow.engine.plugins import Action, ActionContext, register


class _NoConfig(BaseModel):
    """No options."""


class KillWorker(Action):
    """SIGKILL the current process: a step that crashes its worker every time."""

    type = "test_kill_worker"
    name = "kill the worker"
    description = "test only: the process running this step dies"
    config_model = _NoConfig

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        os.kill(os.getpid(), signal.SIGKILL)
        return {}  # pragma: no cover - never reached


if __name__ == "__main__":
    # The worker process: register, then run the crmflow CLI. The test process registers it
    # only for the length of its test (see the `kill_worker_action` fixture), so the action
    # catalog of other tests never sees it.
    from crmflow.cli import main

    register(KillWorker())
    main()
