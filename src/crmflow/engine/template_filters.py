"""The CRM filters of step templates (`currency`, `date`, `days_since`) and printed numbers.

Numbers printed into text follow the company's language (`number_language`): 82000.0 reads
"82,000" in English and "82\u202f000" in French. Integers print as they are (they are mostly
ids, years and counts, which grouping would break in links); only the text output changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context, Undefined

from crmflow.common.dates import coerce_datetime

# French groups thousands with a narrow no-break space, as CLDR (and the UI's Intl) does.
_FRENCH_DIGITS = str.maketrans({",": "\u202f", ".": ","})
# Whole floats beyond this print as Python does (1e+16): they are no longer exact.
_WHOLE_LIMIT = 1e15
_LANGUAGE: ContextVar[str] = ContextVar("template_language", default="en")


@contextmanager
def number_language(language: str) -> Iterator[None]:
    """Print numbers in `language` (`en` or `fr`) within the block."""
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def _localised(text: str) -> str:
    return text.translate(_FRENCH_DIGITS) if _LANGUAGE.get() == "fr" else text


def format_number(value: float | Decimal) -> str:
    """A float or Decimal as text in the current language: 82000.0 -> 82,000 / 82 000."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < _WHOLE_LIMIT:
            return _localised(f"{int(value):,}")
    elif not value.is_finite():
        return str(value)
    return _localised(f"{value:,}")


def filter_currency(value: Any, symbol: str = "", places: int = 2) -> str:
    """Money with thousands separators, symbol optional: 75000 -> 75,000.00 (fr: 75 000,00)."""
    if value is None or isinstance(value, Undefined):
        return ""
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = max(0, min(int(places), 10))
    if not amount.is_finite():
        return str(value)
    # Money rounds half up (12.345 -> 12.35), not Python's default half-to-even.
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = _localised(f"{amount:,.{places}f}")
    if not symbol:
        return text
    if _LANGUAGE.get() == "fr":
        return f"{text}\u00a0{symbol}"  # French writes every sign after: 75 000,00 €
    # Currency signs go in front ($75,000.00); codes go after (75,000.00 EUR).
    return f"{symbol}{text}" if not symbol.isalpha() else f"{text} {symbol}"


def filter_date(value: Any, fmt: str = "%Y-%m-%d", tz: str | None = None) -> str:
    """Format a datetime/date/ISO string with strftime, in UTC or the timezone `tz`."""
    if value is None or isinstance(value, Undefined):
        return ""
    moment = coerce_datetime(value)
    if moment is None:
        return str(value)
    if tz:
        moment = moment.astimezone(ZoneInfo(tz))
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime(str(fmt))
    return moment.strftime(str(fmt))


@pass_context
def filter_days_since(context: Context, value: Any) -> int | None:
    """Whole days from a date/ISO string to `now` (None when the value is not a date)."""
    moment = coerce_datetime(value) if not isinstance(value, Undefined) else None
    if moment is None:
        return None
    now = coerce_datetime(context.get("now")) or datetime.now(UTC)
    return (now - moment).days
