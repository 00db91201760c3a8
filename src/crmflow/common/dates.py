"""Relative dates (`+7 days`, `tomorrow`) and durations (`3 days`, `PT2H30M`) used in definitions.

Every datetime this module returns is timezone-aware UTC: naive inputs are taken to be UTC and
date-only values mean midnight UTC, so values from JSON, the database and Python compare safely.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from crmflow.db.base import utcnow

__all__ = [
    "coerce_datetime",
    "is_relative_or_absolute_date",
    "parse_duration",
    "parse_relative_datetime",
    "to_utc",
]

# Canonical unit names; months and years are calendar units, only meaningful for relative dates.
_UNITS: dict[str, str] = {}
for _name, _aliases in {
    "seconds": ("s", "sec", "secs", "second", "seconds"),
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "days": ("d", "day", "days"),
    "weeks": ("w", "wk", "wks", "week", "weeks"),
    "months": ("mo", "mon", "month", "months"),
    "years": ("y", "yr", "yrs", "year", "years"),
}.items():
    for _alias in _aliases:
        _UNITS[_alias] = _name

_PART = r"(\d+(?:\.\d+)?)\s*([a-z]+)"
_PART_RE = re.compile(_PART)
# "<number> <unit>" parts separated by spaces, commas or "and": "1d 2h", "1 day, 2 hours".
_PARTS_RE = re.compile(rf"{_PART}(?:(?:\s*,\s*|\s+and\s+|\s*){_PART})*")
_RELATIVE_RE = re.compile(r"(?:(?P<in>in)\s+)?(?P<sign>[+-])?\s*(?P<body>.+?)(?:\s+(?P<ago>ago))?")
_ISO_DURATION_RE = re.compile(
    r"P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?",
    re.IGNORECASE,
)
# Only strings that start like a calendar date are tried as ISO 8601, so "2024" or "12" never are.
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

_DATE_HELP = (
    "expected an ISO 8601 date or datetime (2026-12-01, 2026-12-01T09:00:00Z), 'now', 'today', "
    "'tomorrow', 'yesterday' or a relative offset such as '+7 days', '-2 hours', 'in 3 days'"
)
_DURATION_HELP = (
    "expected a positive duration such as '3 days', '2h', '1d 2h', '90 minutes', an ISO 8601 "
    "duration (P3D, PT2H30M) or a number of seconds"
)


def to_utc(value: datetime) -> datetime:
    """Return `value` as an aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def coerce_datetime(value: Any) -> datetime | None:
    """Return an absolute datetime/date/ISO string as aware UTC, or None (never raises)."""
    if isinstance(value, datetime):
        try:
            return to_utc(value)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=UTC)
    if isinstance(value, str) and _ISO_DATE_RE.match(value):
        try:
            return to_utc(datetime.fromisoformat(value.strip()))
        except (OverflowError, ValueError):
            return None
    return None


def _parse_parts(body: str, *, calendar: bool, original: Any) -> relativedelta | timedelta | None:
    """Parse "<n> <unit>" parts into a delta; None if `body` is not made of such parts."""
    if not _PARTS_RE.fullmatch(body):
        return None
    amounts: dict[str, float] = {}
    for number, unit in _PART_RE.findall(body):
        name = _UNITS.get(unit)
        if name is None:
            return None
        if name in ("months", "years") and not calendar:
            raise ValueError(
                f"invalid duration {original!r}: months and years have no fixed length, "
                "use days or weeks"
            )
        amounts[name] = amounts.get(name, 0.0) + float(number)
    if calendar and ("months" in amounts or "years" in amounts):
        months = amounts.pop("months", 0.0)
        years = amounts.pop("years", 0.0)
        if not (months.is_integer() and years.is_integer()):
            raise ValueError(f"invalid date {original!r}: months and years must be whole numbers")
        return relativedelta(years=int(years), months=int(months)) + timedelta(**amounts)
    return timedelta(**amounts)


def parse_relative_datetime(value: Any, now: datetime) -> datetime | None:
    """Resolve an absolute or relative date (`+7 days`, `tomorrow`, ISO 8601) to aware UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    now = to_utc(now)
    if isinstance(value, datetime | date):
        result = coerce_datetime(value)
        if result is not None:
            return result
    if not isinstance(value, str):
        raise ValueError(f"invalid date {value!r}: {_DATE_HELP}")
    text = value.strip()
    if _ISO_DATE_RE.match(text):
        absolute = coerce_datetime(text)
        if absolute is None:
            raise ValueError(f"invalid date {value!r}: not a valid ISO 8601 date or datetime")
        return absolute
    lowered = " ".join(text.lower().split())
    midnight = datetime.combine(now.date(), time.min, tzinfo=UTC)
    # Named days mean the start of that day (UTC), which suits due dates without a time.
    named = {
        "now": now,
        "today": midnight,
        "tomorrow": midnight + timedelta(days=1),
        "yesterday": midnight - timedelta(days=1),
    }
    if lowered in named:
        return named[lowered]
    match = _RELATIVE_RE.fullmatch(lowered)
    if match is not None:
        delta = _parse_parts(match["body"].strip(), calendar=True, original=value)
        # "in 3 days ago" and "+3 days ago" are contradictions, not offsets.
        prefixed = match["in"] is not None or match["sign"] is not None
        if delta is not None and not (prefixed and match["ago"]):
            negative = match["sign"] == "-" or match["ago"] is not None
            try:
                return now - delta if negative else now + delta
            except (OverflowError, ValueError) as exc:
                raise ValueError(f"invalid date {value!r}: offset out of range") from exc
    raise ValueError(f"invalid date {value!r}: {_DATE_HELP}")


def is_relative_or_absolute_date(value: str) -> bool:
    """Return True if `value` is a date `parse_relative_datetime` accepts (templates are not)."""
    if not isinstance(value, str) or "{{" in value or "{%" in value:
        return False
    try:
        return parse_relative_datetime(value, datetime.now(UTC)) is not None
    except ValueError:
        return False


def _positive(delta: timedelta, original: Any) -> timedelta:
    if delta <= timedelta(0):
        raise ValueError(f"invalid duration {original!r}: a duration must be positive")
    return delta


def parse_duration(value: Any) -> timedelta:
    """Parse a positive duration (`3 days`, `1d 2h`, `PT2H30M`, seconds) into a timedelta."""
    if isinstance(value, timedelta):
        return _positive(value, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"invalid duration {value!r}: {_DURATION_HELP}")
        try:
            return _positive(timedelta(seconds=value), value)
        except OverflowError as exc:
            raise ValueError(f"invalid duration {value!r}: too large") from exc
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"invalid duration {value!r}: {_DURATION_HELP}")
    text = " ".join(value.strip().lower().split())
    try:
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            return _positive(timedelta(seconds=float(text)), value)
        iso = _ISO_DURATION_RE.fullmatch(text)
        if iso is not None and text not in ("p", "pt") and not text.endswith("t"):
            amounts = {k: float(v) for k, v in iso.groupdict().items() if v is not None}
            return _positive(timedelta(**amounts), value)
        if text.startswith("p") and re.fullmatch(r"p[ymwdths.]*\d[\dymwdths.]*", text):
            raise ValueError(
                f"invalid duration {value!r}: ISO durations may use W, D, H, M and S "
                "(months and years have no fixed length)"
            )
        delta = _parse_parts(text, calendar=False, original=value)
    except OverflowError as exc:
        raise ValueError(f"invalid duration {value!r}: too large") from exc
    if not isinstance(delta, timedelta):
        raise ValueError(f"invalid duration {value!r}: {_DURATION_HELP}")
    return _positive(delta, value)


def parse_datetime(value: Any) -> datetime:
    """Parse ISO 8601, a date, or a relative date ("+3 days", "-2 hours", "today") to UTC."""
    # One grammar for dates everywhere: this module's (REST inputs, update_field, due dates).
    parsed = parse_relative_datetime(value, utcnow())
    if parsed is None:
        raise ValueError("expected a date, got an empty value")
    return parsed
