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


def parse_pairs(specs: Sequence[str]) -> list[tuple[str, str]]:
    """``["zero-shot=oracle"]`` -> ``[("zero-shot", "oracle")]``.

    Raises:
        ValueError: a spec is not ``A=B`` with two non-empty names.
    """
    pairs = []
    for spec in specs:
        a, sep, b = spec.partition("=")
        if not sep or not a.strip() or not b.strip():
            raise ValueError(f"--pair expects VARIANT_A=VARIANT_B, got {spec!r}")
        pairs.append((a.strip(), b.strip()))
    return pairs


def is_oracle_run(records: Sequence[EpisodeRecord]) -> bool:
    """Whether every record was planned by the oracle (reference programs)."""
    return bool(records) and all(r.planner == "oracle" for r in records)


UPPER_BOUND = "oracle (upper bound)"


def upper_bound_sentence(c: Comparison) -> str:
    """How close A gets to the oracle B: ``"zero-shot reaches 85% of the oracle's success ..."``."""
    if c.n_pairs == 0:
        return c.sentence
    share = f"{c.rate_a / c.rate_b:.0%}" if c.rate_b > 0 else "–"
    return (
        f"{c.a} reaches {share} of the oracle's success ({_pct(c.rate_a)} vs {_pct(c.rate_b)} "
        f"with the reference programs, the upper bound), {c.losses} episodes the oracle solves "
        f"and {c.a} does not; {format_p(c.p_value, c.alpha)}, {c.n_pairs} paired episodes"
    )


def oracle_cell(
    oracle: Sequence[EpisodeRecord], models: Sequence[EpisodeRecord], variant: str
) -> list[EpisodeRecord]:
    """The oracle records that bound ``variant``: all of them, or, when the oracle run is a grid
    (api × perception), its cell with the variant's values of those axes.

    Raises:
        ValueError: the oracle grid has several cells and the variant's records do not say which
            (no grid values on the oracle's axes): pair them with ``--pair``.
    """
    axes = list(dict.fromkeys(a for r in oracle for a in (r.grid or {})))
    if not axes:
        return list(oracle)
    want = {a: v for r in models for a, v in (r.grid or {}).items() if a in axes}
    chosen = [r for r in oracle if all((r.grid or {}).get(a) == v for a, v in want.items())]
    cells = {r.variant for r in chosen}
    if len(cells) > 1:
        raise ValueError(
            f"the oracle run is a grid with several cells ({', '.join(sorted(cells))}) and "
            f"{variant} does not say which bounds it; choose with --pair {variant}=CELL"
        )
    return chosen


def compare_runs(
    records1: Sequence[EpisodeRecord],
    records2: Sequence[EpisodeRecord],
    label1: str,
    label2: str,
    *,
    pairs: Sequence[tuple[str, str]] | None = None,
    alpha: float = ALPHA,
    resamples: int = 10_000,
    seed: int = 0,
) -> list[Comparison]:
    """Compare two runs on their common scenario × seed episodes.

    With ``pairs``, run 1's variant A is compared with run 2's variant B for each (A, B). Else: if
    each run has a single variant, the runs are compared as a whole, labelled by variant when the
    variants differ and by ``label1``/``label2`` otherwise; if run 2 is an oracle run, each of
    run 1's variants is compared with it as the upper bound (and the other way round); otherwise
    each variant present in both runs is compared (``"label1/v"`` vs ``"label2/v"``).

    Raises:
        ValueError: a paired variant is not in its run, or the runs have several variants, none in
            common, and neither is an oracle run (the message lists the variants to pair).
    """
    v1, v2 = variants_of(records1), variants_of(records2)

    def one(a: str, b: str, ra: Sequence[EpisodeRecord], rb: Sequence[EpisodeRecord]) -> Comparison:
        return compare_outcomes(a, b, ra, rb, alpha=alpha, resamples=resamples, seed=seed)

    def of(records: Sequence[EpisodeRecord], v: str) -> list[EpisodeRecord]:
        return [r for r in records if r.variant == v]

    if pairs:
        for a, b in pairs:
            if a not in v1:
                raise ValueError(f"--pair {a}={b}: {label1} has no variant {a!r} ({', '.join(v1)})")
            if b not in v2:
                raise ValueError(f"--pair {a}={b}: {label2} has no variant {b!r} ({', '.join(v2)})")
        same = all(a == b for a, b in pairs)
        bound = is_oracle_run(records2)
        return [
            one(
                f"{label1}/{a}" if same else a,
                UPPER_BOUND if bound else (f"{label2}/{b}" if same else b),
                of(records1, a),
                of(records2, b),
            )
            for a, b in pairs
        ]
    oracle1, oracle2 = is_oracle_run(records1), is_oracle_run(records2)
    if oracle2 != oracle1:
        models, oracle = (records1, records2) if oracle2 else (records2, records1)
        return [
            one(v, UPPER_BOUND, of(models, v), oracle_cell(oracle, of(models, v), v))
            for v in variants_of(models)
        ]
    if len(v1) <= 1 and len(v2) <= 1:
        if v1 and v2 and v1[0] != v2[0]:
            label1, label2 = v1[0], v2[0]
        return [one(label1, label2, records1, records2)]
    common = [v for v in v1 if v in v2]
    if not common:
        raise ValueError(
            f"the runs share no variant ({label1}: {', '.join(v1)}; {label2}: {', '.join(v2)}); "
            f"choose what to pair with --pair A=B, e.g. --pair {v1[0]}={v2[0]}"
        )
    return [one(f"{label1}/{v}", f"{label2}/{v}", of(records1, v), of(records2, v)) for v in common]


def compare_within(
    records: Sequence[EpisodeRecord],
    pairs: Sequence[tuple[str, str]],
    *,
    alpha: float = ALPHA,
    resamples: int = 10_000,
    seed: int = 0,
) -> list[Comparison]:
    """Compare chosen variants of one run (A against B for each pair).

    Raises:
        ValueError: a variant is not in the run.
    """
    known = variants_of(records)
    for a, b in pairs:
        for v in (a, b):
            if v not in known:
                raise ValueError(
                    f"--pair {a}={b}: the run has no variant {v!r} ({', '.join(known)})"
                )
    groups = {v: [r for r in records if r.variant == v] for v in known}
    return [
        compare_outcomes(a, b, groups[a], groups[b], alpha=alpha, resamples=resamples, seed=seed)
        for a, b in pairs
    ]
