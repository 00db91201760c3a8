"""Compiled workflow versions, cached per process (versions are immutable)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from sqlalchemy.orm import Session

from crmflow.engine.definition import CompiledStep, CompiledWorkflow, compile_definition
from crmflow.workflows.models import WorkflowVersion

# Keyed by (database, version id, definition checksum): a process may talk to several databases
# (tests, bench), and the checksum makes an id that was ever reused (a restored backup, a
# sequence reset) miss instead of running another definition's steps.
_CacheKey = tuple[str, int, str]
_cache: OrderedDict[_CacheKey, CompiledWorkflow] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 2048


def compiled_version(session: Session, version_id: int, checksum: str) -> CompiledWorkflow:
    """Return the compiled definition of a version whose definition has this checksum."""
    key = (str(session.get_bind().engine.url), version_id, checksum)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    version = session.get(WorkflowVersion, version_id)
    if version is None or version.checksum != checksum:
        raise LookupError(f"workflow version {version_id} (checksum {checksum[:12]}) not found")
    compiled = compile_definition(version_id, version.definition)
    with _cache_lock:
        _cache[key] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def evict_compiled(version_ids: Iterable[int]) -> None:
    """Forget the compiled definitions of these versions (their workflow was deleted)."""
    gone = set(version_ids)
    with _cache_lock:
        for key in [key for key in _cache if key[1] in gone]:
            del _cache[key]


def clear_compiled_cache() -> None:
    """Forget every compiled version."""
    with _cache_lock:
        _cache.clear()


def index_steps(
    steps: list[CompiledStep], out: dict[str, CompiledStep] | None = None
) -> dict[str, CompiledStep]:
    """Every compiled step by path, nested ones included (branches, else, lanes, on_reject)."""
    out = {} if out is None else out
    for compiled in steps:
        out[compiled.path] = compiled
        for _, actions in compiled.branches:
            index_steps(actions, out)
        index_steps(compiled.else_steps, out)
        for lane in compiled.lanes:
            index_steps(lane, out)
        index_steps(compiled.on_reject, out)
    return out
