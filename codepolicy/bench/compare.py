"""Paired comparison of variants on the same episodes (same scenario × seed).

For two variants A and B, only episodes run under both are compared. Each pair is a win (A
succeeded, B failed), a loss or a tie; the exact McNemar test on wins vs losses gives the p-value
(α = 0.05 by default) and a seeded paired bootstrap gives a 95% interval of the difference in
success rate. :attr:`Comparison.sentence` says it in plain words.

Example:
    >>> from codepolicy.bench.compare import sentence
    >>> sentence("few-shot", "zero-shot", 0.64, 0.52, 0.003, 200)
    'few-shot beats zero-shot by 12 points (64% vs 52%), p = 0.003, 200 paired episodes'
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel

from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.stats import mcnemar_exact, pair_counts, paired_bootstrap

ALPHA = 0.05


class Comparison(BaseModel):
    """A against B on their paired episodes."""

    a: str
    b: str
    n_pairs: int
    rate_a: float
    rate_b: float
    wins: int
    """A succeeded where B failed."""
    losses: int
    """B succeeded where A failed."""
    ties: int
    p_value: float
    diff: float
    """rate_a - rate_b on the paired episodes."""
    ci_low: float
    ci_high: float
    alpha: float
    significant: bool
    unpaired_a: int
    """A's episodes without a B counterpart (left out)."""
    unpaired_b: int
    sentence: str


def format_p(p: float, alpha: float = ALPHA) -> str:
    """A p-value for a sentence: ``"p < 0.001"``, ``"p = 0.003"``, ``"p = 0.41"``.

    Uses more digits when rounding would put the shown value on the other side of ``alpha``.
    """
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.3f}" if p < 0.01 else f"{p:.2g}"
    if (float(text) < alpha) != (p < alpha):
        text = f"{p:.4g}"
    return f"p = {text}"


def _pct(rate: float) -> str:
    return f"{round(rate * 100)}%"


def sentence(
    a: str, b: str, rate_a: float, rate_b: float, p: float, n: int, alpha: float = ALPHA
) -> str:
    """The plain-words verdict of a paired comparison of A and B."""
    if n == 0:
        return f"{a} and {b} share no paired episodes; nothing to compare"
    episodes = f"{n} paired episode{'s' if n != 1 else ''}"
    if p < alpha and rate_a != rate_b:
        win, lose, rw, rl = (a, b, rate_a, rate_b) if rate_a > rate_b else (b, a, rate_b, rate_a)
        points = round(rw * 100) - round(rl * 100)  # consistent with the shown percents
        unit = "point" if points == 1 else "points"
        return (
            f"{win} beats {lose} by {points} {unit} ({_pct(rw)} vs {_pct(rl)}), "
            f"{format_p(p, alpha)}, {episodes}"
        )
    return (
        f"no significant difference between {a} and {b} "
        f"({_pct(rate_a)} vs {_pct(rate_b)}, {format_p(p, alpha)}, {episodes})"
    )


def _pair_key(record: EpisodeRecord) -> tuple[str, int]:
    return record.scenario, record.seed


def compare_outcomes(
    a: str,
    b: str,
    records_a: Iterable[EpisodeRecord],
    records_b: Iterable[EpisodeRecord],
    *,
    key: Callable[[EpisodeRecord], Hashable] = _pair_key,
    alpha: float = ALPHA,
    resamples: int = 10_000,
    seed: int = 0,
) -> Comparison:
    """Compare two sets of records paired by ``key`` (default: scenario × seed).

    Records whose key is missing on the other side are left out and counted in ``unpaired_*``.
    """
    by_a = {key(r): r.success for r in records_a}
    by_b = {key(r): r.success for r in records_b}
    common = [k for k in by_a if k in by_b]
    out_a = [by_a[k] for k in common]
    out_b = [by_b[k] for k in common]
    counts = pair_counts(out_a, out_b)
    n = counts.n
    rate_a = sum(out_a) / n if n else 0.0
    rate_b = sum(out_b) / n if n else 0.0
    p = mcnemar_exact(counts.wins, counts.losses)
    boot = paired_bootstrap(out_a, out_b, resamples=resamples, seed=seed)
    return Comparison(
        a=a,
        b=b,
        n_pairs=n,
        rate_a=rate_a,
        rate_b=rate_b,
        wins=counts.wins,
        losses=counts.losses,
        ties=counts.ties,
        p_value=p,
        diff=boot.diff,
        ci_low=boot.low,
        ci_high=boot.high,
        alpha=alpha,
        significant=n > 0 and p < alpha,
        unpaired_a=len(by_a) - n,
        unpaired_b=len(by_b) - n,
        sentence=sentence(a, b, rate_a, rate_b, p, n, alpha),
    )


def variants_of(records: Iterable[EpisodeRecord]) -> list[str]:
    """Variant labels in first-seen order."""
    return list(dict.fromkeys(r.variant for r in records))


def compare_variants(
    records: Sequence[EpisodeRecord],
    *,
    variants: Sequence[str] | None = None,
    alpha: float = ALPHA,
    resamples: int = 10_000,
    seed: int = 0,
) -> list[Comparison]:
    """Every pair of variants of one run, compared on their common scenario × seed episodes."""
    names = list(variants) if variants is not None else variants_of(records)
    groups = {v: [r for r in records if r.variant == v] for v in names}
    return [
        compare_outcomes(a, b, groups[a], groups[b], alpha=alpha, resamples=resamples, seed=seed)
        for a, b in combinations(names, 2)
    ]


def run_labels(dir1: Path, dir2: Path) -> tuple[str, str]:
    """Distinct labels for two run directories: their names, or their paths if names clash."""
    if dir1.resolve().name != dir2.resolve().name:
        return dir1.resolve().name, dir2.resolve().name
    return str(dir1), str(dir2)


def compare_runs(
    records1: Sequence[EpisodeRecord],
    records2: Sequence[EpisodeRecord],
    label1: str,
    label2: str,
    *,
    alpha: float = ALPHA,
    resamples: int = 10_000,
    seed: int = 0,
) -> list[Comparison]:
    """Compare two runs on their common scenario × seed episodes.

    If each run has a single variant, the runs are compared as a whole, labelled by variant when
    the variants differ and by ``label1``/``label2`` otherwise. If a run has several variants,
    each variant present in both runs is compared (``"label1/v"`` vs ``"label2/v"``).

    Raises:
        ValueError: If the runs have several variants but none in common.
    """
    v1, v2 = variants_of(records1), variants_of(records2)

    def one(a: str, b: str, ra: Sequence[EpisodeRecord], rb: Sequence[EpisodeRecord]) -> Comparison:
        return compare_outcomes(a, b, ra, rb, alpha=alpha, resamples=resamples, seed=seed)

    if len(v1) <= 1 and len(v2) <= 1:
        if v1 and v2 and v1[0] != v2[0]:
            label1, label2 = v1[0], v2[0]
        return [one(label1, label2, records1, records2)]
    common = [v for v in v1 if v in v2]
    if not common:
        raise ValueError(f"the runs share no variant ({', '.join(v1)} vs {', '.join(v2)})")
    return [
        one(
            f"{label1}/{v}",
            f"{label2}/{v}",
            [r for r in records1 if r.variant == v],
            [r for r in records2 if r.variant == v],
        )
        for v in common
    ]
