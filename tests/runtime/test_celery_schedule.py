"""Beat's schedule from the settings, and the simulated clock that tests share with beat."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from celery.schedules import crontab
from pydantic import ValidationError

from crmflow.config import Settings
from crmflow.db.base import parse_simulated_clock
from crmflow.runtime.celery_app import beat_schedule


def test_the_seed_schedule_is_the_default() -> None:
    schedule = beat_schedule(Settings())
    assert schedule["check-inactivity-workflows"]["schedule"] == crontab(minute=0, hour=2)
    assert schedule["run-daily-workflows"]["schedule"] == crontab(minute=0, hour=9)
    assert schedule["run-daily-workflows"]["kwargs"] == {"frequency": "daily"}
    assert schedule["run-weekly-workflows"]["schedule"] == crontab(minute=0, hour=9, day_of_week=1)
    assert schedule["cleanup-old-executions"]["schedule"] == crontab(
        minute=0, hour=3, day_of_week=0
    )
    assert schedule["cleanup-old-executions"]["kwargs"] == {"days_to_keep": 90}
    assert schedule["relay"]["schedule"] == 1.0


def test_crontabs_are_configurable_and_can_be_turned_off() -> None:
    settings = Settings(
        CRMFLOW_SCHEDULE_DAILY="30 7 * * 1-5",
        CRMFLOW_SCHEDULE_CLEANUP="off",
        CRMFLOW_SCHEDULER_INTERVAL=5,
    )
    schedule = beat_schedule(settings)
    assert schedule["run-daily-workflows"]["schedule"] == crontab(
        minute=30, hour=7, day_of_week="1-5"
    )
    assert "cleanup-old-executions" not in schedule
    assert schedule["relay"]["schedule"] == 5


@pytest.mark.parametrize("bad", ["every morning", "0 9 * *", "61 9 * * *", "0 9 * * * *"])
def test_a_bad_crontab_names_the_setting(bad: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        Settings(CRMFLOW_SCHEDULE_WEEKLY=bad)
    assert "5-field cron" in str(excinfo.value)


def test_the_simulated_clock_parses_and_refuses_nonsense() -> None:
    start, anchor, rate = parse_simulated_clock("2026-11-30T00:00:00Z,1795000000,1440")
    assert start == datetime(2026, 11, 30, tzinfo=UTC)
    assert (anchor, rate) == (1795000000.0, 1440.0)
    for bad in ("tomorrow", "2026-11-30T00:00:00Z,1,0", "2026-11-30T00:00:00,1,2"):
        with pytest.raises(ValueError, match="CRMFLOW_SIMULATED_CLOCK"):
            parse_simulated_clock(bad)
