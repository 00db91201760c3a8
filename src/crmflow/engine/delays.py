"""When a delay step ends: after its duration, or at its (often templated) `until` date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmflow.common.dates import coerce_datetime, parse_duration
from crmflow.engine.business_hours import add_business_time, next_business_moment
from crmflow.engine.definition import DelayStep
from crmflow.engine.templating import render


def delay_until(step: DelayStep, data: dict[str, Any], now: datetime) -> tuple[Any, datetime]:
    """Return (what was asked, when the run resumes); ValueError names a bad `until`."""
    hours = step.config.business_hours
    if step.config.duration is not None:
        duration = parse_duration(step.config.duration)
        if hours is not None:
            return step.config.duration, add_business_time(now, duration, hours)
        return step.config.duration, now + duration
    wanted = render(step.config.until, data, "config.until")
    until = coerce_datetime(wanted)
    if until is None:
        raise ValueError(f"config.until: {wanted!r} is not a date")
    if hours is not None:
        until = next_business_moment(until, hours)
    return wanted, until
