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


def two_proportion_z(pos1: int, n1: int, pos2: int, n2: int) -> float:
    """How many standard errors apart two proportions are (0 when either side is empty)."""
    if n1 == 0 or n2 == 0:
        return 0.0
    pooled = (pos1 + pos2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return abs(pos1 / n1 - pos2 / n2) / spread if spread else 0.0


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


def _roundness(value: float) -> int:
    """Significant digits of a number as written (10 -> 1, 12.5 -> 3): fewer is rounder."""
    digits = Decimal(repr(float(value))).normalize().as_tuple().digits
    return len(digits)


def chance_margin(n: int) -> float:
    """How far from the best split's score a split is still within chance, for n samples."""
    return 1.0 + 0.5 * math.sqrt(n)


def numeric_split(samples: list[tuple[float, bool]]) -> tuple[Segment, Segment] | None:
    """The decision stump on one numeric feature: the split that best separates the outcomes.

    People set limits at round numbers (10 %, not 10.8 %), so among the splits close to the best
    (Gini) the roundest threshold wins. Close means one misplaced record; or, for a split that
    only shrinks the best split's purer side without making it less pure, within chance: about
    one record plus half the square root of the sample (n = 300: 9.7 records' worth), since a few
    coin-flip decisions just past a limit that happen to go one way stretch the best split by a
    record each. Shrinking is the safe direction: a narrower auto-approved segment never takes in
    a request people refused. Returns the (x < t) and (x >= t) segments; None when every value
    is the same.
    """
    ordered = sorted(samples)
    n = len(ordered)
    total_pos = sum(1 for _, outcome in ordered if outcome)
    scored: list[tuple[float, float, int, int]] = []  # (score, threshold, left_pos, left_n)
    left_pos = 0
    for i in range(n - 1):
        left_pos += ordered[i][1]
        if ordered[i][0] == ordered[i + 1][0]:
            continue
        left_n = i + 1
        score = left_n * _gini(left_pos, left_n) + (n - left_n) * _gini(
            total_pos - left_pos, n - left_n
        )
        scored.append((score, nice_threshold(ordered[i][0], ordered[i + 1][0]), left_pos, left_n))
    if not scored:
        return None
    best = min(scored)
    _, best_t, best_pos, best_n = best
    # The purer side of the best split, as its share of minority records.
    left_minority = min(best_pos, best_n - best_pos) / best_n
    right_n, right_pos = n - best_n, total_pos - best_pos
    right_minority = min(right_pos, right_n - right_pos) / right_n

    def shrinks_purer_side(t: float, pos: int, count: int) -> bool:
        if left_minority <= right_minority:
            return t <= best_t and min(pos, count - pos) / count <= left_minority
        rest, rest_pos = n - count, total_pos - pos
        return t >= best_t and min(rest_pos, rest - rest_pos) / rest <= right_minority

    near = [
        (t, score)
        for score, t, pos, count in scored
        if score <= best[0] + 1.0
        or (score <= best[0] + chance_margin(n) and shrinks_purer_side(t, pos, count))
    ]
    threshold = min(near, key=lambda c: (_roundness(c[0]), c[1]))[0]
    left_pos = sum(1 for x, outcome in ordered if x < threshold and outcome)
    left_n = sum(1 for x, _ in ordered if x < threshold)
    return (
        Segment("<", threshold, left_pos, left_n),
        Segment(">=", threshold, total_pos - left_pos, n - left_n),
    )
