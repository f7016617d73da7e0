"""Honest small-sample statistics for success rates, implemented exactly (no scipy).

* :func:`wilson` - Wilson score interval of a proportion (good near 0 and 1, unlike Wald).
* :func:`mcnemar_exact` - exact McNemar test of two paired binary outcomes: a two-sided binomial
  test on the discordant pairs.
* :func:`paired_bootstrap` - seeded percentile bootstrap of the difference in success rate over
  paired episodes.

Example:
    >>> [round(x, 4) for x in wilson(8, 10)]
    [0.4902, 0.9433]
    >>> round(mcnemar_exact(10, 2), 5)
    0.03857
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

Z95 = 1.959963984540054
"""The 97.5% quantile of the standard normal distribution."""


@dataclass(frozen=True)
class Proportion:
    """``k`` of ``n`` with its rate and a confidence interval (``rate`` is 0 when ``n`` is 0)."""

    k: int
    n: int
    rate: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict."""
        return asdict(self)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes out of ``n``.

    Returns ``(0.0, 1.0)`` when ``n`` is 0 (no information).

    Raises:
        ValueError: If not ``0 <= k <= n``.
    """
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, center - half)
    high = 1.0 if k == n else min(1.0, center + half)
    return low, high


def proportion(k: int, n: int, z: float = Z95) -> Proportion:
    """``k``/``n`` with its Wilson interval."""
    low, high = wilson(k, n, z)
    return Proportion(k=k, n=n, rate=k / n if n else 0.0, low=low, high=high)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for discordant counts ``b`` and ``c``.

    ``p = min(1, 2 * sum_{k <= min(b, c)} C(b + c, k) / 2^(b + c))``; 1 when ``b + c == 0``.
    Computed with exact integers (no overflow or underflow in the sum).

    Raises:
        ValueError: If a count is negative.
    """
    if b < 0 or c < 0:
        raise ValueError(f"counts must be non-negative, got b={b}, c={c}")
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1))
    return min(1.0, (2 * tail) / (1 << n))


@dataclass(frozen=True)
class PairCounts:
    """Outcomes of paired episodes, from A's point of view."""

    wins: int
    """A succeeded, B failed (McNemar's b)."""
    losses: int
    """A failed, B succeeded (McNemar's c)."""
    both_success: int
    both_fail: int

    @property
    def ties(self) -> int:
        """Pairs with the same outcome."""
        return self.both_success + self.both_fail

    @property
    def n(self) -> int:
        """Number of pairs."""
        return self.wins + self.losses + self.ties


def pair_counts(a: Sequence[bool], b: Sequence[bool]) -> PairCounts:
    """Wins, losses and ties of outcomes ``a`` against ``b`` (same length, same episode order).

    Raises:
        ValueError: If the lengths differ.
    """
    if len(a) != len(b):
        raise ValueError(f"paired outcomes need equal lengths, got {len(a)} and {len(b)}")
    pairs = list(zip(map(bool, a), map(bool, b), strict=True))
    return PairCounts(
        wins=sum(x and not y for x, y in pairs),
        losses=sum(y and not x for x, y in pairs),
        both_success=sum(x and y for x, y in pairs),
        both_fail=sum(not x and not y for x, y in pairs),
    )


@dataclass(frozen=True)
class BootstrapCI:
    """Observed difference of success rates (A - B) and its percentile bootstrap interval."""

    diff: float
    low: float
    high: float
    resamples: int
    confidence: float


def paired_bootstrap(
    a: Sequence[bool],
    b: Sequence[bool],
    *,
    resamples: int = 10_000,
    seed: int = 0,
    confidence: float = 0.95,
) -> BootstrapCI:
    """Percentile bootstrap CI of ``mean(a) - mean(b)``, resampling pairs with replacement.

    Each pair's difference is -1, 0 or +1, so drawing ``n`` pairs with replacement is exactly a
    multinomial draw over those three values; this draws the counts directly (same distribution
    as resampling indices, O(resamples) memory). Deterministic for a given ``seed``.

    Raises:
        ValueError: If the lengths differ or ``confidence`` is not in (0, 1).
    """
    counts = pair_counts(a, b)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    n = counts.n
    if n == 0:
        return BootstrapCI(0.0, 0.0, 0.0, resamples, confidence)
    diff = (counts.wins - counts.losses) / n
    probs = np.array([counts.wins, counts.losses, counts.ties], dtype=float) / n
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, probs, size=resamples)
    diffs = (draws[:, 0] - draws[:, 1]) / n
    alpha = (1 - confidence) / 2
    low, high = np.quantile(diffs, [alpha, 1 - alpha])
    return BootstrapCI(float(diff), float(low), float(high), resamples, confidence)
