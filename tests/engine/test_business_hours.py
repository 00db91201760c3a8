"""Business hours for delay steps: validation, next opening, business days and business time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from crmflow.engine.business_hours import (
    BusinessHours,
    add_business_time,
    next_business_moment,
)

DEFAULT = BusinessHours()
PARIS = BusinessHours(timezone="Europe/Paris")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Paris wall-clock time, as UTC."""
    local = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))
    return local.astimezone(UTC)


# --- the model ---------------------------------------------------------------------------------


def test_defaults() -> None:
    assert DEFAULT.start == "09:00"
    assert DEFAULT.end == "18:00"
    assert DEFAULT.days == ["mon", "tue", "wed", "thu", "fri"]
    assert DEFAULT.timezone == "UTC"
    assert DEFAULT.holidays == []


def test_days_accept_any_case_and_full_names() -> None:
    hours = BusinessHours(days=["Monday", "mon", "MON", "FRIDAY", " Wed "])
    assert hours.days == ["mon", "wed", "fri"]


def test_times_are_normalised_and_holidays_parsed() -> None:
    hours = BusinessHours.model_validate(
        {"start": "8:30", "end": "17:05", "holidays": ["2026-12-25"]}
    )
    assert (hours.start, hours.end) == ("08:30", "17:05")
    assert hours.holidays == [date(2026, 12, 25)]


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ({"start": "9am"}, "start", "invalid time '9am'"),
        ({"start": "24:00"}, "start", "invalid time '24:00'"),
        ({"end": "18:60"}, "end", "invalid time '18:60'"),
        ({"end": ""}, "end", "invalid time ''"),
        ({"start": "18:00", "end": "09:00"}, "end", "end '09:00' must be after start '18:00'"),
        ({"start": "09:00", "end": "09:00"}, "end", "must be after start"),
        ({"days": ["mon", "Funday"]}, "days", "unknown day 'Funday'"),
        ({"days": ["tues"]}, "days", "unknown day 'tues'"),
        ({"days": []}, "days", "at least one business day"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone 'Mars/Olympus'"),
        ({"timezone": "Europe"}, "timezone", "unknown time zone 'Europe'"),
        ({"timezone": "../etc/passwd"}, "timezone", "unknown time zone"),
        ({"holidays": ["christmas"]}, "holidays", "date"),
        ({"weekends": True}, "weekends", "Extra inputs are not permitted"),
    ],
)
def test_bad_input_names_the_field(config: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BusinessHours.model_validate(config)
    assert caught.value.errors()[0]["loc"][0] == field
    assert field in str(caught.value)
    assert message in str(caught.value)


def test_bad_start_is_reported_once() -> None:
    # `end` is not compared with a start that failed its own validation.
    with pytest.raises(ValidationError) as caught:
        BusinessHours(start="nope", end="10:00")
    assert [error["loc"] for error in caught.value.errors()] == [("start",)]


# --- next_business_moment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 1, 9, 10, 0), utc(2026, 1, 9, 10, 0)),  # Friday, open: unchanged
        (utc(2026, 1, 9, 9, 0), utc(2026, 1, 9, 9, 0)),  # opening time is inside
        (utc(2026, 1, 9, 7, 15), utc(2026, 1, 9, 9, 0)),  # before opening
        (utc(2026, 1, 9, 18, 0), utc(2026, 1, 12, 9, 0)),  # closing time is outside
        (utc(2026, 1, 9, 23, 59), utc(2026, 1, 12, 9, 0)),
        (utc(2026, 1, 10, 12, 0), utc(2026, 1, 12, 9, 0)),  # Saturday
    ],
)
def test_next_business_moment(moment: datetime, expected: datetime) -> None:
    result = next_business_moment(moment, DEFAULT)
    assert result == expected
    assert result.tzinfo is UTC


def test_next_business_moment_uses_local_wall_clock() -> None:
    # 09:00 in Paris is 08:00Z in winter and 07:00Z in summer.
    assert next_business_moment(utc(2026, 1, 10, 12), PARIS) == utc(2026, 1, 12, 8, 0)
    assert next_business_moment(utc(2026, 7, 4, 12), PARIS) == utc(2026, 7, 6, 7, 0)
    # 17:30Z on a Monday in July is 19:30 in Paris: closed until Tuesday 09:00 local.
    assert next_business_moment(utc(2026, 7, 6, 17, 30), PARIS) == utc(2026, 7, 7, 7, 0)
    # 23:30Z on Sunday is already Monday 00:30 in Paris: opens that Monday.
    assert next_business_moment(utc(2026, 1, 11, 23, 30), PARIS) == utc(2026, 1, 12, 8, 0)


def test_naive_input_is_taken_as_utc() -> None:
    assert next_business_moment(datetime(2026, 1, 10, 12), DEFAULT) == utc(2026, 1, 12, 9)


def test_other_zone_input_is_converted() -> None:
    moment = datetime(2026, 1, 9, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 10:00Z Friday
    result = add_business_time(moment, timedelta(hours=1), DEFAULT)
    assert result == utc(2026, 1, 9, 11, 0)
    assert result.tzinfo is UTC


# --- add_business_time: whole days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (utc(2026, 1, 9, 10, 0), 1, utc(2026, 1, 12, 10, 0)),  # Friday -> Monday
        (utc(2026, 1, 10, 12, 0), 1, utc(2026, 1, 13, 9, 0)),  # Saturday -> Tuesday 09:00
        (utc(2026, 1, 5, 10, 30), 2, utc(2026, 1, 7, 10, 30)),  # Monday -> Wednesday
        (utc(2026, 1, 5, 10, 30), 5, utc(2026, 1, 12, 10, 30)),  # a working week
        (utc(2026, 1, 5, 10, 30), 14, utc(2026, 1, 23, 10, 30)),  # "2 weeks" = 14 business days
        (utc(2026, 1, 5, 19, 0), 1, utc(2026, 1, 7, 9, 0)),  # after hours: from Tuesday 09:00
        (utc(2026, 1, 5, 18, 0), 1, utc(2026, 1, 7, 9, 0)),  # at closing: same
        (utc(2026, 1, 5, 6, 0), 1, utc(2026, 1, 6, 9, 0)),  # before opening: from Monday 09:00
    ],
)
def test_whole_days_are_business_days(start: datetime, days: int, expected: datetime) -> None:
    assert add_business_time(start, timedelta(days=days), DEFAULT) == expected


def test_whole_days_keep_seconds() -> None:
    start = datetime(2026, 1, 9, 10, 0, 12, 345, tzinfo=UTC)
    expected = datetime(2026, 1, 12, 10, 0, 12, 345, tzinfo=UTC)
    assert add_business_time(start, timedelta(days=1), DEFAULT) == expected


# --- add_business_time: business time ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (utc(2026, 1, 9, 16, 0), timedelta(hours=4), utc(2026, 1, 12, 11, 0)),  # Fri -> Mon
        (utc(2026, 1, 5, 17, 30), timedelta(minutes=30), utc(2026, 1, 5, 18, 0)),  # end inclusive
        (utc(2026, 1, 5, 18, 0), timedelta(minutes=1), utc(2026, 1, 6, 9, 1)),
        (utc(2026, 1, 5, 10, 0), timedelta(hours=2), utc(2026, 1, 5, 12, 0)),
        (utc(2026, 1, 5, 6, 0), timedelta(hours=1), utc(2026, 1, 5, 10, 0)),  # starts at opening
        (utc(2026, 1, 10, 12, 0), timedelta(hours=9), utc(2026, 1, 12, 18, 0)),  # a full day
        (utc(2026, 1, 10, 12, 0), timedelta(hours=9, minutes=1), utc(2026, 1, 13, 9, 1)),
        (utc(2026, 1, 5, 9, 0), timedelta(hours=36), utc(2026, 1, 8, 18, 0)),  # 4 x 9h
        (utc(2026, 1, 5, 9, 0), timedelta(days=1.5), utc(2026, 1, 8, 18, 0)),  # not whole: hours
    ],
)
def test_business_time(start: datetime, duration: timedelta, expected: datetime) -> None:
    assert add_business_time(start, duration, DEFAULT) == expected


def test_minute_durations_across_several_days() -> None:
    # Monday 17:59: 1 min Monday, 9h Tuesday, 9h Wednesday, then 2h06 on Thursday.
    start = utc(2026, 1, 5, 17, 59)
    assert add_business_time(start, timedelta(hours=20, minutes=7), DEFAULT) == utc(
        2026, 1, 8, 11, 6
    )
    # 1441 minutes is not a whole day: 24h01 of open time = 9h + 9h + 6h01.
    monday = utc(2026, 1, 5, 9, 0)
    assert add_business_time(monday, timedelta(minutes=1441), DEFAULT) == utc(2026, 1, 7, 15, 1)
    # 47 one-minute steps and one 47-minute step agree.
    moment = utc(2026, 1, 9, 17, 40)
    for _ in range(47):
        moment = add_business_time(moment, timedelta(minutes=1), DEFAULT)
    assert moment == add_business_time(utc(2026, 1, 9, 17, 40), timedelta(minutes=47), DEFAULT)
    assert moment == utc(2026, 1, 12, 9, 27)


@pytest.mark.parametrize("duration", [timedelta(0), timedelta(hours=-3), timedelta(days=-1)])
def test_zero_or_negative_duration_leaves_start_unchanged(duration: timedelta) -> None:
    saturday = utc(2026, 1, 10, 12, 0)
    assert add_business_time(saturday, duration, DEFAULT) == saturday


# --- DST, holidays, custom days ----------------------------------------------------------------


def test_dst_week_in_paris() -> None:
    # Clocks go forward on Sunday 29 March 2026: Paris is UTC+1 before, UTC+2 after.
    friday_10 = paris(2026, 3, 27, 10, 0)
    assert friday_10 == utc(2026, 3, 27, 9, 0)
    assert add_business_time(friday_10, timedelta(days=1), PARIS) == utc(2026, 3, 30, 8, 0)
    assert paris(2026, 3, 30, 10, 0) == utc(2026, 3, 30, 8, 0)
    # Friday 16:00 + 4h: 2h on Friday, then Monday 09:00 + 2h local.
    assert add_business_time(paris(2026, 3, 27, 16), timedelta(hours=4), PARIS) == utc(
        2026, 3, 30, 9, 0
    )
    # The weekend across the change: opening is 07:00Z on Monday, not 08:00Z.
    assert next_business_moment(utc(2026, 3, 28, 12), PARIS) == utc(2026, 3, 30, 7, 0)
    # Thursday 10:00 + 3 days crosses the change and keeps 10:00 local.
    thursday_10 = paris(2026, 3, 26, 10, 0)
    assert add_business_time(thursday_10, timedelta(days=3), PARIS) == paris(2026, 3, 31, 10, 0)
    assert paris(2026, 3, 31, 10, 0) == utc(2026, 3, 31, 8, 0)
    # A full week of business time: 5 x 9h from Monday 23 March 09:00 ends Friday 18:00 local.
    monday = paris(2026, 3, 23, 9, 0)
    assert add_business_time(monday, timedelta(hours=45), PARIS) == paris(2026, 3, 27, 18, 0)
    week = add_business_time(paris(2026, 3, 27, 9, 0), timedelta(hours=45), PARIS)
    assert week == paris(2026, 4, 2, 18, 0) == utc(2026, 4, 2, 16, 0)


def test_window_spanning_the_dst_change_is_an_hour_shorter() -> None:
    # Sunday 29 March 2026, 01:00-05:00 local, is only 3 real hours (02:00-03:00 never exists).
    hours = BusinessHours(start="01:00", end="05:00", days=["sun"], timezone="Europe/Paris")
    sunday_open = utc(2026, 3, 29, 0, 0)
    assert next_business_moment(utc(2026, 3, 28, 12), hours) == sunday_open
    assert add_business_time(sunday_open, timedelta(hours=3), hours) == utc(2026, 3, 29, 3, 0)
    assert add_business_time(sunday_open, timedelta(hours=3, minutes=1), hours) == paris(
        2026, 4, 5, 1, 1
    )


def test_holidays_are_skipped() -> None:
    hours = BusinessHours(holidays=[date(2026, 12, 25), date(2026, 12, 28)])
    thursday = utc(2026, 12, 24, 10, 0)
    assert add_business_time(thursday, timedelta(days=1), hours) == utc(2026, 12, 29, 10, 0)
    assert add_business_time(thursday, timedelta(days=1), DEFAULT) == utc(2026, 12, 25, 10, 0)
    assert next_business_moment(utc(2026, 12, 25, 12), hours) == utc(2026, 12, 29, 9, 0)
    assert add_business_time(utc(2026, 12, 24, 16), timedelta(hours=4), hours) == utc(
        2026, 12, 29, 11, 0
    )
    # A start on a holiday waits for the next business day, then counts from there.
    assert add_business_time(utc(2026, 12, 25, 10), timedelta(days=1), hours) == utc(
        2026, 12, 30, 9, 0
    )


def test_holidays_are_local_dates() -> None:
    # 23:30Z on Sunday 3 May is Monday 4 May in Paris, a holiday there: opens Tuesday.
    hours = BusinessHours(timezone="Europe/Paris", holidays=[date(2026, 5, 4)])
    assert next_business_moment(utc(2026, 5, 3, 23, 30), hours) == paris(2026, 5, 5, 9, 0)


def test_custom_days() -> None:
    weekend = BusinessHours(days=["Saturday", "sun"])
    assert weekend.days == ["sat", "sun"]
    friday = utc(2026, 1, 9, 10, 0)
    assert next_business_moment(friday, weekend) == utc(2026, 1, 10, 9, 0)
    assert add_business_time(friday, timedelta(days=1), weekend) == utc(2026, 1, 11, 9, 0)
    assert add_business_time(friday, timedelta(days=2), weekend) == utc(2026, 1, 17, 9, 0)
    assert add_business_time(friday, timedelta(hours=10), weekend) == utc(2026, 1, 11, 10, 0)
    sunday = utc(2026, 1, 11, 17, 0)
    assert add_business_time(sunday, timedelta(hours=2), weekend) == utc(2026, 1, 17, 10, 0)


def test_no_business_time_within_three_years() -> None:
    # Only Mondays, and every Monday for four years is a holiday.
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(4 * 53)]
    hours = BusinessHours(days=["mon"], holidays=mondays)
    start = utc(2026, 1, 1)
    with pytest.raises(ValueError, match="no business time within 3 years"):
        next_business_moment(start, hours)
    with pytest.raises(ValueError, match="no business time within 3 years"):
        add_business_time(start, timedelta(days=1), hours)
    with pytest.raises(ValueError, match="no business time within 3 years"):
        add_business_time(start, timedelta(hours=1), hours)


def test_long_durations_are_not_capped() -> None:
    # The 3-year cap is on a gap without business days, not on the total length.
    start = utc(2026, 1, 5, 9, 0)
    assert add_business_time(start, timedelta(days=1000), DEFAULT) == utc(2029, 11, 5, 9, 0)


# --- property: results land inside business hours ----------------------------------------------

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


@st.composite
def business_hours(draw: st.DrawFn) -> BusinessHours:
    # Opening from 04:00 keeps windows clear of DST gaps and repeats (which happen at night).
    opens = draw(st.integers(4 * 60, 23 * 60 + 58))
    closes = draw(st.integers(opens + 1, 23 * 60 + 59))
    days = draw(st.lists(st.sampled_from(["mon", "Tuesday", "WED", "thu", "fri", "sat", "sun"]),
                         min_size=1, max_size=7))  # fmt: skip
    holidays = draw(st.lists(st.dates(date(2025, 12, 1), date(2026, 3, 1)), max_size=20))
    return BusinessHours(
        start=f"{opens // 60:02d}:{opens % 60:02d}",
        end=f"{closes // 60:02d}:{closes % 60:02d}",
        days=days,
        timezone=draw(st.sampled_from(ZONES)),
        holidays=holidays,
    )


def _window(hours: BusinessHours, day: date) -> tuple[datetime, datetime] | None:
    """The day's window in UTC, or None when it is not a business day (an independent oracle)."""
    if day.strftime("%a").lower() not in hours.days or day in hours.holidays:
        return None
    zone = ZoneInfo(hours.timezone)
    opens, closes = (time.fromisoformat(value) for value in (hours.start, hours.end))
    return (
        datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, closes, tzinfo=zone).astimezone(UTC),
    )


@settings(max_examples=300, deadline=None)
@given(
    hours=business_hours(),
    start=st.datetimes(datetime(2025, 12, 1), datetime(2026, 3, 1), timezones=st.just(UTC)),
    minutes=st.integers(1, 60 * 24 * 20).filter(lambda value: value % (24 * 60) != 0),
    seconds=st.integers(0, 59),
)
def test_business_time_lands_inside_business_hours(
    hours: BusinessHours, start: datetime, minutes: int, seconds: int
) -> None:
    duration = timedelta(minutes=minutes, seconds=seconds)
    result = add_business_time(start, duration, hours)
    assert result.tzinfo is UTC
    assert result > start
    window = _window(hours, result.astimezone(ZoneInfo(hours.timezone)).date())
    assert window is not None
    assert window[0] <= result <= window[1]  # inside, or exactly at closing
    # And exactly `duration` of open time lies between start and result.
    counted = timedelta(0)
    day = start.astimezone(ZoneInfo(hours.timezone)).date()
    while (bounds := _window(hours, day)) is None or bounds[0] < result:
        if bounds is not None:
            counted += max(timedelta(0), min(bounds[1], result) - max(bounds[0], start))
        day += timedelta(days=1)
    assert counted == duration


@settings(max_examples=200, deadline=None)
@given(
    hours=business_hours(),
    moment=st.datetimes(datetime(2025, 12, 1), datetime(2026, 3, 1), timezones=st.just(UTC)),
)
def test_next_business_moment_is_open_and_not_earlier(
    hours: BusinessHours, moment: datetime
) -> None:
    result = next_business_moment(moment, hours)
    assert result >= moment
    window = _window(hours, result.astimezone(ZoneInfo(hours.timezone)).date())
    assert window is not None
    assert window[0] <= result < window[1]
    if result > moment:
        assert result == window[0]  # closed until then: it is an opening
