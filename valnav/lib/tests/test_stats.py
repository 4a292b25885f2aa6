import pytest

from valnav.lib.stats import median, weighted_median, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        (5, 10, (0.2366, 0.7634)),
        (0, 10, (0.0, 0.2775)),
        (10, 10, (0.7225, 1.0)),
        (81, 263, (0.2553, 0.3662)),
        (1, 1, (0.2065, 1.0)),
    ],
)
def test_wilson_interval_matches_published_values(successes, trials, expected):
    low, high = wilson_interval(successes, trials)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_interval_narrows_with_a_smaller_z():
    wide = wilson_interval(5, 10)
    narrow = wilson_interval(5, 10, z=1.0)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


@pytest.mark.parametrize(("successes", "trials"), [(0, 0), (3, 2), (-1, 4)])
def test_wilson_interval_refuses_impossible_counts(successes, trials):
    with pytest.raises(ValueError, match="trials"):
        wilson_interval(successes, trials)


def test_median_of_odd_and_even_counts_and_of_nothing():
    assert median([7, 1, 3]) == 3.0
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


@pytest.mark.parametrize(
    "values",
    [[], [7], [3, 1], [1, 2, 2, 9], [5, 5, 5], [10, 1, 4, 4, 8, 30, 2], list(range(100))],
)
def test_the_weighted_median_equals_the_median_of_the_values_written_out(values):
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    assert weighted_median(histogram) == median(values)
