"""The CRM filters of step templates: `currency`, `date`, `days_since`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context, Undefined

from crmflow.common.dates import coerce_datetime


def filter_currency(value: Any, symbol: str = "", places: int = 2) -> str:
    """Format a number with thousands separators: 75000 -> 75,000.00 (symbol optional)."""
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
    text = f"{amount:,.{places}f}"
    if not symbol:
        return text
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
