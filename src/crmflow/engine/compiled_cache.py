"""Compiled workflow versions, cached per process (versions are immutable)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from crmflow.engine.definition import CompiledWorkflow, compile_definition
from crmflow.workflows.models import WorkflowVersion

# Keyed by (database, version id): a process may talk to several databases (tests, bench).
_cache: OrderedDict[tuple[str, int], CompiledWorkflow] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 2048


def compiled_version(session: Session, version_id: int) -> CompiledWorkflow:
    """Return the compiled definition of a version (versions are immutable, so cache forever)."""
    key = (str(session.get_bind().engine.url), version_id)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    version = session.get(WorkflowVersion, version_id)
    if version is None:
        raise LookupError(f"workflow version {version_id} not found")
    compiled = compile_definition(version_id, version.definition)
    with _cache_lock:
        _cache[key] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def clear_compiled_cache() -> None:
    """Forget compiled versions (only needed when a database's ids restart, e.g. in tests)."""
    with _cache_lock:
        _cache.clear()
