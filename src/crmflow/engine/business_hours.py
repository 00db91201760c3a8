"""Business hours for delay steps: when the next window opens and how long business time takes.

A business window is `start`..`end` in the zone's wall-clock time on every business day (a day
listed in `days` that is not a holiday). Inputs and outputs are aware UTC datetimes; the zone is
only used to place the windows, so 09:00 Europe/Paris is 08:00Z in winter and 07:00Z in summer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from crmflow.common.dates import to_utc

__all__ = ["BusinessHours", "add_business_time", "next_business_moment"]

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ALIASES = {
    name: DAY_NAMES[i] for names in (DAY_NAMES, _FULL_NAMES) for i, name in enumerate(names)
}
_TIME_RE = re.compile(r"([0-9]{1,2}):([0-9]{2})")
# The longest run of days without a business window we accept before deciding there is none:
# a holiday list can close every business day for years, and the search must end.
_MAX_GAP = timedelta(days=3 * 366)
_ONE_DAY = timedelta(days=1)


def _parse_hhmm(value: str) -> time:
    match = _TIME_RE.fullmatch(value.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"invalid time {value!r}: expected HH:MM (24h), e.g. '09:00'")
    return time(int(match[1]), int(match[2]))


class BusinessHours(BaseModel):
    """Opening hours of a business: local wall-clock window, working days, zone and holidays."""

    model_config = ConfigDict(extra="forbid")

    start: str = "09:00"
    end: str = "18:00"
    days: list[str] = Field(default_factory=lambda: list(DAY_NAMES[:5]))
    timezone: str = "UTC"
    holidays: list[date] = Field(default_factory=list)

    @field_validator("start")
    @classmethod
    def _check_start(cls, value: str) -> str:
        return _parse_hhmm(value).strftime("%H:%M")

    @field_validator("end")
    @classmethod
    def _check_end(cls, value: str, info: ValidationInfo) -> str:
        end = _parse_hhmm(value)
        # `start` is absent from info.data when it failed its own validation: report that alone.
        start = info.data.get("start")
        if start is not None and end <= _parse_hhmm(start):
            raise ValueError(f"end {value!r} must be after start {start!r}")
        return end.strftime("%H:%M")

    @field_validator("days")
    @classmethod
    def _check_days(cls, value: list[str]) -> list[str]:
        wanted: set[str] = set()
        for day in value:
            short = _DAY_ALIASES.get(day.strip().lower())
            if short is None:
                raise ValueError(f"unknown day {day!r}: expected e.g. 'mon' or 'Monday'")
            wanted.add(short)
        if not wanted:
            raise ValueError("at least one business day is required")
        return [name for name in DAY_NAMES if name in wanted]

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        # Malformed keys raise ValueError and directories ("Europe") raise OSError.
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class _Calendar:
    """The parsed form of a BusinessHours, so the loops do no parsing."""

    def __init__(self, hours: BusinessHours) -> None:
        self.zone = ZoneInfo(hours.timezone)
        self.opens = _parse_hhmm(hours.start)
        self.closes = _parse_hhmm(hours.end)
        self.weekdays = frozenset(DAY_NAMES.index(day) for day in hours.days)
        self.holidays = frozenset(hours.holidays)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def at(self, day: date, wall: time) -> datetime:
        # Wall-clock time in the zone, as UTC; a time inside a DST gap resolves forward (fold=0).
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(UTC)

    def window(self, day: date) -> tuple[datetime, datetime]:
        return self.at(day, self.opens), self.at(day, self.closes)

    def business_days(self, first: date) -> Iterator[date]:
        """Yield business days from `first` on; ValueError after 3 years without one."""
        day, last = first, first
        try:
            while True:
                if day.weekday() in self.weekdays and day not in self.holidays:
                    yield day
                    last = day
                elif day - last > _MAX_GAP:
                    raise ValueError("no business time within 3 years")
                day += _ONE_DAY
        except OverflowError:
            raise ValueError("no business time within 3 years") from None


def _next_moment(cal: _Calendar, moment: datetime) -> datetime:
    for day in cal.business_days(cal.local_date(moment)):
        opens, closes = cal.window(day)
        # A window is half-open: at closing time the business is closed.
        if moment < closes and opens < closes:
            return max(moment, opens)
    raise AssertionError("unreachable: business_days never ends without raising")


def next_business_moment(moment: datetime, hours: BusinessHours) -> datetime:
    """Return `moment` if it is inside business hours, else the next opening (aware UTC)."""
    return _next_moment(_Calendar(hours), to_utc(moment))


def add_business_time(start: datetime, duration: timedelta, hours: BusinessHours) -> datetime:
    """Return `start` plus `duration` of business time (whole days count business days)."""
    start = to_utc(start)
    if duration <= timedelta(0):
        return start
    cal = _Calendar(hours)
    if duration % _ONE_DAY == timedelta(0):
        return _add_business_days(cal, start, duration.days)
    remaining = duration
    for day in cal.business_days(cal.local_date(start)):
        opens, closes = cal.window(day)
        available = closes - max(start, opens)
        if available <= timedelta(0):
            continue
        # Arriving exactly at closing time is allowed: "17:30 + 30 min" is 18:00 that day.
        if remaining <= available:
            return max(start, opens) + remaining
        remaining -= available
    raise AssertionError("unreachable: business_days never ends without raising")


def _add_business_days(cal: _Calendar, start: datetime, count: int) -> datetime:
    # "2 days" means two working days later at the same local time of day, which is what
    # people expect of a follow-up, rather than 2 x (end - start) hours of open time.
    moment = _next_moment(cal, start)
    wall = moment.astimezone(cal.zone).time()
    days = cal.business_days(cal.local_date(moment))
    next(days)  # the day of `moment` itself
    day = next(days)
    for _ in range(count - 1):
        day = next(days)
    return cal.at(day, wall)
