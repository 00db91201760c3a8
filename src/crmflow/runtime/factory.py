"""build_runtime(): the runtime CRMFLOW_RUNTIME names, the one place that knows the kinds."""

from __future__ import annotations

from collections.abc import Callable

from crmflow.config import Settings
from crmflow.runtime.celery_client import CeleryRuntime
from crmflow.runtime.embedded import EmbeddedRuntime
from crmflow.runtime.process import RuntimeProcess
from crmflow.runtime.protocol import Runtime

# A new runtime plugs in here: a class whose constructor takes the settings and whose instances
# satisfy Runtime (mypy checks both on this line), plus its name in config.Settings.runtime.
RUNTIMES: dict[str, Callable[[Settings], Runtime]] = {
    "embedded": EmbeddedRuntime,
    "celery": CeleryRuntime,
}


class UnknownRuntime(ValueError):
    """CRMFLOW_RUNTIME names no runtime."""


def build_runtime(settings: Settings) -> Runtime:
    """Return the runtime the settings name, not started yet."""
    build = RUNTIMES.get(settings.runtime)
    if build is None:
        choices = ", ".join(sorted(RUNTIMES))
        raise UnknownRuntime(f"CRMFLOW_RUNTIME={settings.runtime!r} is not a runtime ({choices})")
    if settings.runtime == "embedded" and settings.runtime_process:
        return RuntimeProcess(settings)
    return build(settings)
