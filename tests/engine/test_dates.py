"""Relative and absolute dates, durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from crmflow.common.dates import (
    coerce_datetime,
    is_relative_or_absolute_date,
    parse_duration,
    parse_relative_datetime,
    to_utc,
)

NOW = datetime(2026, 1, 31, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+7 days", datetime(2026, 2, 7, 15, 30, tzinfo=UTC)),
        ("+3d", datetime(2026, 2, 3, 15, 30, tzinfo=UTC)),
        ("-2 hours", datetime(2026, 1, 31, 13, 30, tzinfo=UTC)),
        ("+1 week", datetime(2026, 2, 7, 15, 30, tzinfo=UTC)),
        ("+2 weeks", datetime(2026, 2, 14, 15, 30, tzinfo=UTC)),
        ("+1 month", datetime(2026, 2, 28, 15, 30, tzinfo=UTC)),  # calendar month, clamped
        ("+1 year", datetime(2027, 1, 31, 15, 30, tzinfo=UTC)),
        ("+30 minutes", datetime(2026, 1, 31, 16, 0, tzinfo=UTC)),
        ("+90m", datetime(2026, 1, 31, 17, 0, tzinfo=UTC)),
        ("in 3 days", datetime(2026, 2, 3, 15, 30, tzinfo=UTC)),
        ("In  3  Days", datetime(2026, 2, 3, 15, 30, tzinfo=UTC)),
        ("3 days ago", datetime(2026, 1, 28, 15, 30, tzinfo=UTC)),
        ("+1d 2h", datetime(2026, 2, 1, 17, 30, tzinfo=UTC)),
        ("now", NOW),
        ("today", datetime(2026, 1, 31, tzinfo=UTC)),
        ("tomorrow", datetime(2026, 2, 1, tzinfo=UTC)),
        ("yesterday", datetime(2026, 1, 30, tzinfo=UTC)),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        ("2026-12-01T09:00:00Z", datetime(2026, 12, 1, 9, tzinfo=UTC)),
        ("2026-12-01T09:00:00+02:00", datetime(2026, 12, 1, 7, tzinfo=UTC)),
        ("2026-12-01T09:00:00", datetime(2026, 12, 1, 9, tzinfo=UTC)),
        (date(2026, 5, 1), datetime(2026, 5, 1, tzinfo=UTC)),
        (datetime(2026, 5, 1, 8), datetime(2026, 5, 1, 8, tzinfo=UTC)),
        (
            datetime(2026, 5, 1, 8, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2026, 5, 1, 13, tzinfo=UTC),
        ),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_relative_datetime(value: Any, expected: datetime | None) -> None:
    result = parse_relative_datetime(value, NOW)
    assert result == expected
    if result is not None:
        assert result.tzinfo is UTC


def test_naive_now_is_utc() -> None:
    assert parse_relative_datetime("+1 day", NOW.replace(tzinfo=None)) == NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "invalid date 'soon': expected an ISO 8601 date"),
        ("+7 parsecs", "invalid date '+7 parsecs'"),
        ("2026-13-01", "invalid date '2026-13-01': not a valid ISO 8601 date or datetime"),
        ("in 3 days ago", "invalid date 'in 3 days ago'"),
        ("+1.5 months", "invalid date '+1.5 months': months and years must be whole numbers"),
        ("{{ deal.close_date }}", "invalid date '{{ deal.close_date }}'"),
        (5, "invalid date 5"),
        (True, "invalid date True"),
        (["2026-01-01"], "invalid date ['2026-01-01']"),
        ("+99999999 years", "invalid date '+99999999 years': offset out of range"),
    ],
)
def test_parse_relative_datetime_errors(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("+", r"\+")):
        parse_relative_datetime(value, NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 days", timedelta(days=3)),
        ("2h", timedelta(hours=2)),
        ("30s", timedelta(seconds=30)),
        ("90 minutes", timedelta(minutes=90)),
        ("1 week", timedelta(weeks=1)),
        ("1d 2h", timedelta(days=1, hours=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2 hours and 3 minutes", timedelta(hours=2, minutes=3)),
        ("1 day, 12 hours", timedelta(days=1, hours=12)),
        ("1.5 hours", timedelta(minutes=90)),
        ("P3D", timedelta(days=3)),
        ("PT2H30M", timedelta(hours=2, minutes=30)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("P2W", timedelta(weeks=2)),
        ("pt45s", timedelta(seconds=45)),
        ("3600", timedelta(hours=1)),
        (60, timedelta(minutes=1)),
        (1.5, timedelta(seconds=1.5)),
        (timedelta(days=2), timedelta(days=2)),
    ],
)
def test_parse_duration(value: Any, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0s", "a duration must be positive"),
        (0, "a duration must be positive"),
        (-5, "a duration must be positive"),
        (timedelta(0), "a duration must be positive"),
        ("P1M", "months and years have no fixed length"),
        ("P1Y", "months and years have no fixed length"),
        ("1 month", "months and years have no fixed length"),
        ("P", "expected a positive duration"),
        ("PT", "expected a positive duration"),
        ("abc", "expected a positive duration"),
        ("3 parsecs", "expected a positive duration"),
        ("", "expected a positive duration"),
        (None, "expected a positive duration"),
        (True, "expected a positive duration"),
        (float("nan"), "expected a positive duration"),
        (float("inf"), "expected a positive duration"),
        ("99999999999 days", "too large"),
    ],
)
def test_parse_duration_errors(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+3 days", True),
        ("2026-12-01", True),
        ("tomorrow", True),
        ("{{ deal.close_date }}", False),
        ("+{{ n }} days", False),
        ("next tuesday", False),
        ("", False),
    ],
)
def test_is_relative_or_absolute_date(value: str, expected: bool) -> None:
    assert is_relative_or_absolute_date(value) is expected


def test_coerce_datetime_and_to_utc() -> None:
    assert coerce_datetime("2026-01-01") == datetime(2026, 1, 1, tzinfo=UTC)
    assert coerce_datetime("20260101") is None  # only YYYY-MM-DD-shaped strings are dates
    assert coerce_datetime("2026-02-30") is None
    assert coerce_datetime(5) is None
    assert coerce_datetime(None) is None
    assert to_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)
