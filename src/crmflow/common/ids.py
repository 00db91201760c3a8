"""Record ids as the API accepts them: positive and within the database's signed 64-bit integers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# SQLite and PostgreSQL (bigint) both store ids as signed 64-bit integers: a larger number can
# never name a row, and binding it would fail in the driver (an overflow, not a "not found").
MAX_ID = 2**63 - 1

# A path, query or body id: anything outside 1..MAX_ID is a 422 naming the field.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def is_valid_id(value: object) -> bool:
    """Tell whether a value can be a row id (guards databases against out-of-range integers)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
