"""Actions a company defines itself (custom catalog entries), found through providers.

A provider is a callable `(session, company_id, action_type) -> Action | None` named by an
entry point of the `crmflow.company_actions` group. The engine asks the providers about step
types the registry does not know, so it never imports the packages that define them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib.metadata import entry_points

from sqlalchemy.orm import Session

from crmflow.engine.plugins import Action

PROVIDER_GROUP = "crmflow.company_actions"
Provider = Callable[[Session, int, str], Action | None]

log = logging.getLogger("crmflow.actions")
_lock = threading.Lock()
_providers: list[Provider] | None = None


def providers() -> list[Provider]:
    """The providers of the entry-point group, loaded once; a broken one is logged and left out."""
    global _providers
    with _lock:
        if _providers is None:
            loaded: list[Provider] = []
            for ep in sorted(entry_points(group=PROVIDER_GROUP), key=lambda e: e.name):
                try:
                    provider = ep.load()
                except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the service
                    log.error("company action provider %r failed to load: %r", ep.value, exc)
                    continue
                if callable(provider):
                    loaded.append(provider)
                else:
                    log.error("company action provider %r is not callable: left out", ep.value)
            _providers = loaded
        return _providers


def find_company_action(session: Session, company_id: int, action_type: str) -> Action | None:
    """The company's own action of this type, or None."""
    for provider in providers():
        action = provider(session, company_id, action_type)
        if action is not None:
            return action
    return None
