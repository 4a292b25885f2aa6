"""Small statistics for published figures: confidence intervals for shares, medians."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a share `successes / trials` (95 % with the default z).

    Chosen over the textbook normal approximation because it stays within 0–1 and behaves
    with the small numbers of a small municipality (Wilson 1927; Brown, Cai & DasGupta 2001).
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    share = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (share + z2 / (2 * trials)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials))
    half_width /= denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def median(values: Iterable[int]) -> float | None:
    """The median, or None when there are no values."""
    data = list(values)
    return float(statistics.median(data)) if data else None


def weighted_median(counts: Mapping[int, int]) -> float | None:
    """The median of values given as value → how many times it occurs (a histogram), equal to
    `median` of the values written out; None when there are none."""
    total = sum(counts.values())
    if total <= 0:
        return None
    ordered = sorted((value, n) for value, n in counts.items() if n > 0)

    def at(position: int) -> int:  # the value at 0-based `position` of the written-out list
        seen = 0
        for value, n in ordered:
            seen += n
            if position < seen:
                return value
        raise IndexError(position)

    middle = total // 2
    if total % 2:
        return float(at(middle))
    return (at(middle - 1) + at(middle)) / 2
