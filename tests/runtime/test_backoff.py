"""Back-off after database failures: doubling delays with a cap, one log line per attempt."""

from __future__ import annotations

import logging

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from crmflow.runtime.backoff import Backoff, OutageGuard


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _down() -> OperationalError:
    return OperationalError(
        "SELECT 1", {}, psycopg.OperationalError("connection refused (port 5432)")
    )


def test_delays_double_up_to_the_cap_and_a_success_resets_them() -> None:
    clock = Clock()
    backoff = Backoff(clock=clock)
    assert backoff.remaining() == 0 and backoff.success() is None
    assert [backoff.failure() for _ in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff.remaining() == 10.0
    clock.now += 12.5
    assert backoff.remaining() == 0
    assert backoff.success() == 12.5
    assert backoff.failure() == 0.5


def test_guard_skips_ticks_while_backing_off_and_logs_one_line_per_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    guard = OutageGuard(logging.getLogger("test.guard"), Backoff(clock=clock))
    calls: list[str] = []
    database_up = False

    @guard
    def relay() -> int:
        calls.append("relay")
        if not database_up:
            raise _down()
        return 3

    caplog.set_level(logging.WARNING, logger="test.guard")
    for _ in range(40):  # 20 s of ticks every 0.5 s
        assert relay() == (3 if database_up else 0)
        clock.now += 0.5
    # Attempts at 0, 0.5, 1.5, 3.5, 7.5, 15.5 s: the rest of the ticks never touched the database.
    assert len(calls) == 6
    assert [r.getMessage() for r in caplog.records][:2] == [
        "relay: database unavailable (connection refused); next attempt in 0.5 s",
        "relay: database unavailable (connection refused); next attempt in 1.0 s",
    ]
    assert len(caplog.records) == 6
    database_up = True
    clock.now += 10
    assert relay() == 3
    assert caplog.records[-1].getMessage().startswith("relay: database available again after")


def test_guard_lets_bugs_raise_and_nested_calls_report_to_the_outer_one() -> None:
    guard = OutageGuard(logging.getLogger("test.guard"), Backoff(clock=Clock()))

    @guard
    def buggy() -> int:
        raise KeyError("not a database problem")

    with pytest.raises(KeyError):
        buggy()

    @guard
    def inner() -> int:
        raise _down()

    @guard
    def outer() -> int:
        inner()
        raise AssertionError("the inner outage must reach the outer call")

    assert outer() == 0
    assert guard.backoff.failures == 1
