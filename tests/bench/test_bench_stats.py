"""Wilson, exact McNemar and the paired bootstrap against hand-computed values."""

from __future__ import annotations

import math

import pytest

from codepolicy.bench.stats import (
    mcnemar_exact,
    pair_counts,
    paired_bootstrap,
    proportion,
    wilson,
)


def test_wilson_8_of_10_matches_hand_computation() -> None:
    # p=0.8, z=1.96: centre (0.8 + z²/20)/(1 + z²/10), half z·sqrt(0.016 + z²/400)/(1 + z²/10)
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_extremes_are_clamped_exactly() -> None:
    z2 = 1.959963984540054**2
    assert wilson(0, 10) == (0.0, pytest.approx(z2 / (10 + z2)))  # = 0.2775
    assert wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    assert wilson(10, 10) == (pytest.approx(10 / (10 + z2)), 1.0)  # = 0.7225
    assert wilson(0, 0) == (0.0, 1.0)


def test_wilson_symmetry_and_bad_input() -> None:
    low, high = wilson(3, 20)
    low2, high2 = wilson(17, 20)
    assert low == pytest.approx(1 - high2) and high == pytest.approx(1 - low2)
    with pytest.raises(ValueError):
        wilson(11, 10)


def test_proportion_rate() -> None:
    p = proportion(8, 10)
    assert (p.k, p.n, p.rate) == (8, 10, 0.8)
    assert proportion(0, 0).rate == 0.0


@pytest.mark.parametrize(
    ("b", "c", "expected"),
    [
        (10, 2, 2 * (1 + 12 + 66) / 4096),  # 0.0385742...
        (2, 10, 0.03857421875),
        (5, 5, 1.0),
        (0, 0, 1.0),
        (0, 6, 2 / 64),  # 0.03125
        (1, 0, 1.0),
        (0, 5, 0.0625),
    ],
)
def test_mcnemar_exact_against_hand_values(b: int, c: int, expected: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-12)


def test_mcnemar_exact_is_stable_for_large_counts() -> None:
    p = mcnemar_exact(600, 400)
    assert 0 < p < 1e-9 and math.isfinite(p)
    assert mcnemar_exact(500, 500) == 1.0


def test_pair_counts() -> None:
    counts = pair_counts([1, 1, 0, 0, 1], [0, 1, 1, 0, 0])
    assert (counts.wins, counts.losses, counts.both_success, counts.both_fail) == (2, 1, 1, 1)
    assert counts.ties == 2 and counts.n == 5
    with pytest.raises(ValueError):
        pair_counts([1], [1, 0])


def test_paired_bootstrap_is_seeded_and_brackets_the_difference() -> None:
    a = [True] * 60 + [False] * 40
    b = [True] * 50 + [False] * 50  # 10 wins, 0 losses, 90 ties
    first = paired_bootstrap(a, b, seed=1)
    again = paired_bootstrap(a, b, seed=1)
    assert first == again
    assert first.diff == pytest.approx(0.10)
    assert first.low <= 0.10 <= first.high
    # wins ~ Binomial(100, 0.1): 2.5% / 97.5% quantiles are about 5 and 16
    assert first.low == pytest.approx(0.05, abs=0.011)
    assert first.high == pytest.approx(0.16, abs=0.011)
    assert first.resamples == 10_000


def test_paired_bootstrap_degenerate_cases() -> None:
    same = paired_bootstrap([True, False], [True, False])
    assert (same.diff, same.low, same.high) == (0.0, 0.0, 0.0)
    empty = paired_bootstrap([], [])
    assert empty.diff == 0.0
    with pytest.raises(ValueError):
        paired_bootstrap([True], [True], confidence=1.5)
