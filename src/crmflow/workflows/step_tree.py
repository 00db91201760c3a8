"""The one walk over a definition's step tree (raw JSON), and the two ways to name a place in it.

Error messages and diffs speak JSON paths (`actions[2].branches[0].actions[1]`); the engine, the
graph and the step records speak step paths (`actions/2/branches/0/actions/1`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Segments = tuple[str | int, ...]
# The keys of a step that hold further steps.
NESTED_STEP_KEYS = ("branches", "else", "on_reject")


def walk_steps(
    items: Any, prefix: Segments = ("actions",)
) -> Iterator[tuple[Segments, dict[str, Any]]]:
    """Every step of a step list, depth first in reading order, with where it sits."""
    for index, step in enumerate(items if isinstance(items, list) else []):
        if not isinstance(step, dict):
            continue
        here = (*prefix, index)
        yield here, step
        for b_index, branch in enumerate(step.get("branches") or []):
            inner = branch.get("actions") if isinstance(branch, dict) else branch
            yield from walk_steps(inner, (*here, "branches", b_index, "actions"))
        yield from walk_steps(step.get("else"), (*here, "else"))
        yield from walk_steps(step.get("on_reject"), (*here, "on_reject"))


def json_path(segments: Segments) -> str:
    """`actions[2].branches[0].actions[1]`: how messages and diffs name a step."""
    out = ""
    for segment in segments:
        out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
    return out


def step_path(segments: Segments) -> str:
    """`actions/2/branches/0/actions/1`: how the engine and the graph name a step."""
    return "/".join(str(segment) for segment in segments)


def _identities(actions: Any) -> dict[str, tuple[Any, Any, Any]]:
    return {
        step_path(at): (step.get("type"), step.get("name"), step.get("id"))
        for at, step in walk_steps(actions)
    }


def prune_layout(layout: Any, old_actions: Any, new_actions: Any) -> Any:
    """Keep saved positions only where the same step (type, name, id) still sits at the path.

    A definition changed without the editor (a restore, an API update) must not draw one step
    where another was placed; the steps that lose their position get the automatic layout.
    """
    if not isinstance(layout, dict) or not isinstance(layout.get("positions"), dict):
        return layout
    old, new = _identities(old_actions), _identities(new_actions)
    kept = {
        node: point
        for node, point in layout["positions"].items()
        if node == "trigger" or (node in new and old.get(node) == new[node])
    }
    return {**layout, "positions": kept} if kept else None
