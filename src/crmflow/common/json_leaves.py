"""Walking a JSON value: every string in it, with the path that reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def string_leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of `value` (dicts, lists and tuples walked) as (`a.b[2].c`, the string)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from string_leaves(item, f"{path}[{index}]")
