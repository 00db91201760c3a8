"""Text search conditions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, Text, cast


def _like_pattern(text: str) -> str:
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match."""
    condition: ColumnElement[bool] = column.ilike(_like_pattern(text.strip()), escape="!")
    return condition


def json_list_contains(column: Any, item: str) -> ColumnElement[bool]:
    """Match JSON string lists holding `item` (the list's JSON text holds it quoted)."""
    # Portable across SQLite and PostgreSQL `json` (stored as the text we serialised); the
    # quotes make it an exact element match, not a substring one.
    return cast(column, Text).like(_like_pattern(json.dumps(item)), escape="!")
