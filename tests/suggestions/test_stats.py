"""The decision stump learns the limit people set, not the one chance decisions suggest."""

from __future__ import annotations

import random

import pytest

from crmflow.suggestions.stats import nice_threshold, numeric_split, wilson_lower_bound


def _requests(seed: int, limit: float, above_rate: float, n: int = 300) -> list[tuple[float, bool]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        value = round(rng.uniform(0, 30), 1)
        out.append((value, value < limit or rng.random() < above_rate))
    return out


@pytest.mark.parametrize("seed", range(1, 41))
def test_always_approved_under_10_learns_10_whatever_chance_does_above(seed: int) -> None:
    split = numeric_split(_requests(seed, 10, 0.5))
    assert split is not None
    below, above = split
    assert (below.operator, below.value) == ("<", 10)
    assert below.positives == below.total  # the segment holds only approvals
    assert above.total == 300 - below.total


@pytest.mark.parametrize(("limit", "learned"), [(12.5, {12, 12.5}), (7.5, {7, 7.5}), (13, {13})])
def test_a_rounder_limit_never_takes_in_a_refused_request(
    limit: float, learned: set[float]
) -> None:
    # Approved under the limit, never above: rounding may narrow the segment (12 for 12.5, a few
    # approvals left outside), never widen it (8 for 7.5 would auto-approve refused requests).
    for seed in range(1, 11):
        below, _ = numeric_split(_requests(seed, limit, 0.0)) or (None, None)
        assert below is not None and below.value in learned
        assert below.positives == below.total


def test_a_rounder_limit_that_misplaces_records_loses() -> None:
    # Approved under 10, above one in two: 5 and 20 are as round as 10 but far worse.
    below, _ = numeric_split(_requests(7, 10, 0.5)) or (None, None)
    assert below is not None and below.value == 10


def test_nice_threshold_and_wilson_bound() -> None:
    assert nice_threshold(9.8, 10.3) == 10
    assert nice_threshold(4990, 5010) == 5000
    assert nice_threshold(12.4, 12.5) == 12.5
    assert wilson_lower_bound(20, 20) == pytest.approx(0.839, abs=0.001)
    assert wilson_lower_bound(0, 0) == 0.0
