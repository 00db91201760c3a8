"""JSON nesting: measure it without recursion, and read rows stored too deep without failing.

New JSON is refused past CRMFLOW_MAX_JSON_DEPTH (32) at the API's front door; rows stored
before that limit existed may be deeper, and one such row used to make a whole list endpoint
500. Every JSON column is therefore decoded through `load_stored_json`, which cuts anything
nested deeper than STORED_JSON_MAX_DEPTH and says so in the value.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Depth kept when reading a stored value; deeper nodes become TRUNCATED_MARKER.
STORED_JSON_MAX_DEPTH = 64
# Past this depth a text is not parsed at all (Python's parser recurses once per level).
PARSE_CEILING = 400
TRUNCATED_MARKER = f"[truncated: nested deeper than {STORED_JSON_MAX_DEPTH} levels]"

# Bracket and quote characters: the only bytes a nesting scan needs to look at.
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPENERS = (ord("{"), ord("["))


def json_depth(text: bytes | str, stop_after: int) -> int:
    """Return the nesting depth of a JSON text (stops counting once past `stop_after`)."""
    body = text.encode() if isinstance(text, str) else text
    depth = deepest = 0
    in_string = False
    skip = -1  # the position right after a backslash inside a string: an escaped character
    for match in _STRUCTURE.finditer(body):
        position = match.start()
        if position == skip:
            continue
        char = body[position]
        if in_string:
            if char == _BACKSLASH:
                skip = position + 1
            elif char == _QUOTE:
                in_string = False
        elif char == _QUOTE:
            in_string = True
        elif char in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    break
        else:
            depth -= 1
    return deepest


def value_depth(value: Any) -> int:
    """Return the nesting depth of a parsed JSON value (a scalar is 0, `{}` is 1)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def clip_depth(value: Any, max_depth: int = STORED_JSON_MAX_DEPTH) -> Any:
    """Return a copy of `value` whose containers below `max_depth` levels become a marker."""
    if max_depth <= 0:
        return TRUNCATED_MARKER if isinstance(value, dict | list) else value
    if isinstance(value, dict):
        return {key: clip_depth(item, max_depth - 1) for key, item in value.items()}
    if isinstance(value, list):
        return [clip_depth(item, max_depth - 1) for item in value]
    return value


def load_stored_json(text: str | bytes) -> Any:
    """Decode a stored JSON column value, cutting what is nested deeper than the limit."""
    # Fewer brackets than the limit cannot nest deeper than it: the common case costs a count.
    if isinstance(text, str):
        brackets = text.count("{") + text.count("[")
    else:
        brackets = text.count(b"{") + text.count(b"[")
    if brackets <= STORED_JSON_MAX_DEPTH:
        return json.loads(text)
    depth = json_depth(text, stop_after=PARSE_CEILING)
    if depth <= STORED_JSON_MAX_DEPTH:
        return json.loads(text)
    if depth <= PARSE_CEILING:
        return clip_depth(json.loads(text))
    opener = text.lstrip()[:1]
    return [TRUNCATED_MARKER] if opener in ("[", b"[") else {"truncated": TRUNCATED_MARKER}
