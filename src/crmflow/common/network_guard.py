"""Forbid outbound network calls for a while (a simulation must never email or call anyone)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_FORBIDDEN: ContextVar[str | None] = ContextVar("crmflow_network_forbidden", default=None)


class NetworkForbidden(RuntimeError):
    """An email or an HTTP call was attempted where effects are held back."""


@contextmanager
def no_network(reason: str) -> Iterator[None]:
    """Within this block, `check_network` raises, naming `reason`."""
    token = _FORBIDDEN.set(reason)
    try:
        yield
    finally:
        _FORBIDDEN.reset(token)


def check_network(what: str) -> None:
    """Raise NetworkForbidden when outbound calls are forbidden here."""
    reason = _FORBIDDEN.get()
    if reason is not None:
        raise NetworkForbidden(f"{what} refused: {reason}")
