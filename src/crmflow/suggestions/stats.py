"""The statistics the miners share: Wilson bounds, percentiles, a decision stump, nice numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Z95 = 1.96  # two-sided 95 %


def wilson_lower_bound(successes: int, n: int, z: float = Z95) -> float:
    """The lower end of the Wilson score interval: a proportion we are 95 % sure to exceed."""
    if n <= 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def nice_threshold(below: float, above: float) -> float:
    """The roundest number t with below < t <= above (10 between 9.8 and 10.3, 5000 for ~4990)."""
    for exponent in range(9, -4, -1):
        for step in (Decimal(10) ** exponent * 5, Decimal(10) ** exponent):
            candidate = (Decimal(repr(below)) // step + 1) * step
            if float(candidate) <= above:
                value = float(candidate)
                return int(value) if value.is_integer() else value
    return above


@dataclass(frozen=True)
class Segment:
    """Records on one side of a split: `field operator value`, with their outcomes."""

    operator: str  # "<", ">=", "==", "all"
    value: Any
    positives: int
    total: int

    @property
    def rate(self) -> float:
        return self.positives / self.total if self.total else 0.0


def _gini(pos: int, n: int) -> float:
    if n == 0:
        return 0.0
    p = pos / n
    return 2 * p * (1 - p)


def numeric_split(samples: list[tuple[float, bool]]) -> tuple[Segment, Segment] | None:
    """The decision stump on one numeric feature: the split that best separates the outcomes.

    Returns the (x < t) and (x >= t) segments, t rounded to the roundest number between the
    two values it separates; None when every value is the same.
    """
    ordered = sorted(samples)
    n = len(ordered)
    total_pos = sum(1 for _, outcome in ordered if outcome)
    best: tuple[float, int] | None = None
    best_score = math.inf
    left_pos = 0
    for i in range(n - 1):
        left_pos += ordered[i][1]
        if ordered[i][0] == ordered[i + 1][0]:
            continue
        left_n = i + 1
        score = left_n * _gini(left_pos, left_n) + (n - left_n) * _gini(
            total_pos - left_pos, n - left_n
        )
        if score < best_score:
            best_score, best = score, (ordered[i][0], i)
    if best is None:
        return None
    value, i = best
    threshold = nice_threshold(value, ordered[i + 1][0])
    left_pos = sum(1 for x, outcome in ordered if x < threshold and outcome)
    left_n = sum(1 for x, _ in ordered if x < threshold)
    return (
        Segment("<", threshold, left_pos, left_n),
        Segment(">=", threshold, total_pos - left_pos, n - left_n),
    )
