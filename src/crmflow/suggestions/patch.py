"""JSON Patch (RFC 6902: add, remove, replace, move, copy, test) over a workflow definition."""

from __future__ import annotations

from copy import deepcopy
from typing import Any


class PatchError(ValueError):
    """The patch does not apply (a `test` failed, a path is missing): the workflow changed."""


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"{path!r} is not a JSON pointer")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def pointer(step_path: str) -> str:
    """The JSON pointer of a step path (`actions/1/else/0` -> `/actions/1/else/0`)."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in step_path.split("/"))


def _parent(doc: Any, parts: list[str]) -> tuple[Any, str]:
    node = doc
    for part in parts[:-1]:
        node = _child(node, part)
    return node, parts[-1]


def _child(node: Any, part: str) -> Any:
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    if isinstance(node, dict) and part in node:
        return node[part]
    raise PatchError(f"no {part!r} in the document")


def _get(doc: Any, path: str) -> Any:
    node = doc
    for part in _pointer(path):
        node = _child(node, part)
    return node


def _add(doc: Any, path: str, value: Any) -> Any:
    parts = _pointer(path)
    if not parts:
        return value
    parent, last = _parent(doc, parts)
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last) if last.isdigit() else -1
        if not 0 <= index <= len(parent):
            raise PatchError(f"{path}: index out of range")
        parent.insert(index, value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise PatchError(f"{path}: the parent is not a container")
    return doc


def _remove(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    parent, last = _parent(doc, parts)
    _child(parent, last)  # raises when missing
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
    return doc


def apply_patch(document: Any, patch: list[dict[str, Any]]) -> Any:
    """A patched copy of `document`; PatchError naming the operation that does not apply."""
    doc = deepcopy(document)
    for index, op in enumerate(patch):
        kind, path = op.get("op"), op.get("path", "")
        try:
            if kind == "test":
                if _get(doc, path) != op.get("value"):
                    raise PatchError(f"{path} is no longer what the suggestion was mined from")
            elif kind == "add":
                doc = _add(doc, path, deepcopy(op["value"]))
            elif kind == "remove":
                doc = _remove(doc, path)
            elif kind == "replace":
                _get(doc, path)
                doc = _add(_remove(doc, path), path, deepcopy(op["value"]))
            elif kind in ("move", "copy"):
                value = deepcopy(_get(doc, op["from"]))
                if kind == "move":
                    doc = _remove(doc, op["from"])
                doc = _add(doc, path, value)
            else:
                raise PatchError(f"unknown operation {kind!r}")
        except PatchError as exc:
            raise PatchError(f"patch[{index}] ({kind} {path}): {exc}") from None
    return doc
