"""What the report shows beyond the summary tables: how episodes failed, how rewards spread, and
the variants of one episode side by side.

Example:
    >>> modes = failure_modes([])
    >>> modes.variants, modes.rows
    ([], [])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib.figure import Figure

from codepolicy.bench.record import EpisodeRecord

MAX_SIDE_BY_SIDE = 150
"""At most this many episodes in the side-by-side view (those where the variants differ first)."""


@dataclass
class FailureModes:
    """Episode statuses per variant, and the most common error types of the failures.

    Attributes:
        variants: Column order.
        rows: (status, counts per variant in column order), success first, then by frequency.
        totals: Episodes per variant.
        errors: (error type, count per variant) of failed episodes' last error, most frequent first.
    """

    variants: list[str]
    rows: list[tuple[str, list[int]]]
    totals: list[int]
    errors: list[tuple[str, list[int]]] = field(default_factory=list)


def _error_type(record: EpisodeRecord) -> str | None:
    if record.success:
        return None
    if record.crash is not None:
        return f"crash: {record.crash.type}"
    for rnd in reversed(record.rounds):
        if rnd.error:
            head, _, rest = rnd.error.partition(":")
            if head.strip() == "rejected":  # "rejected: line 6: unknown primitive 'x'; ..."
                reason = re.sub(r"^\s*line \d+:\s*", "", rest).split("'")[0]
                return f"rejected: {reason.strip().rstrip(';,:')}"
            return head.strip() or "error"
    return "task not achieved (program ran without error)" if record.executable else None


def failure_modes(records: Sequence[EpisodeRecord], top: int = 8) -> FailureModes:
    """Count statuses and failure error types per variant."""
    variants = sorted({r.variant for r in records})
    index = {v: i for i, v in enumerate(variants)}
    by_status: dict[str, list[int]] = {}
    by_error: dict[str, list[int]] = {}
    totals = [0] * len(variants)
    for r in records:
        i = index[r.variant]
        totals[i] += 1
        by_status.setdefault(r.status, [0] * len(variants))[i] += 1
        kind = _error_type(r)
        if kind is not None:
            by_error.setdefault(kind, [0] * len(variants))[i] += 1
    rows = sorted(by_status.items(), key=lambda kv: (kv[0] != "success", -sum(kv[1]), kv[0]))
    errors = sorted(by_error.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[:top]
    return FailureModes(variants, rows, totals, errors)


def reward_histogram(records: Sequence[EpisodeRecord], bins: int = 10) -> dict[str, list[int]]:
    """Per variant, how many episodes had a reward in each of ``bins`` equal bins of [0, 1]
    (a reward of exactly 1.0, success, falls in the last bin)."""
    out: dict[str, list[int]] = {}
    for r in records:
        counts = out.setdefault(r.variant, [0] * bins)
        counts[min(int(r.reward * bins), bins - 1)] += 1
    return dict(sorted(out.items()))


@dataclass
class Cell:
    """One variant's attempt at one episode."""

    record: EpisodeRecord | None

    @property
    def program(self) -> str:
        return self.record.rounds[-1].program if self.record and self.record.rounds else ""


@dataclass
class SideBySide:
    """One episode (scenario and seed) with a cell per variant."""

    scenario: str
    seed: int
    instruction: str
    cells: list[Cell]

    @property
    def differ(self) -> bool:
        """Whether the variants disagree on success (or one is missing)."""
        outcomes = {c.record.success if c.record else None for c in self.cells}
        return len(outcomes) > 1


def side_by_side(
    records: Sequence[EpisodeRecord], limit: int = MAX_SIDE_BY_SIDE
) -> tuple[list[str], list[SideBySide], int]:
    """The variants of every episode next to each other.

    Returns:
        (variants, rows, hidden): rows where the variants disagree first, at most ``limit`` rows;
        ``hidden`` counts the rows left out. No rows when the run has a single variant.
    """
    variants = sorted({r.variant for r in records})
    if len(variants) < 2:
        return variants, [], 0
    grouped: dict[tuple[str, int], dict[str, EpisodeRecord]] = {}
    for r in records:
        grouped.setdefault((r.scenario, r.seed), {})[r.variant] = r
    rows = []
    for (scenario, seed), by_variant in grouped.items():
        first = next(iter(by_variant.values()))
        cells = [Cell(by_variant.get(v)) for v in variants]
        rows.append(SideBySide(scenario, seed, first.instruction, cells))
    rows.sort(key=lambda s: (not s.differ, s.scenario, s.seed))
    return variants, rows[:limit], max(0, len(rows) - limit)


def status_figure(modes: FailureModes) -> Figure | None:
    """Stacked horizontal bars: the share of each status per variant."""
    if not modes.variants:
        return None
    fig = Figure(figsize=(7.0, 0.6 + 0.45 * len(modes.variants)))
    ax = fig.add_subplot()
    left = [0.0] * len(modes.variants)
    for status, counts in modes.rows:
        shares = [100 * c / t if t else 0.0 for c, t in zip(counts, modes.totals, strict=True)]
        color = STATUS_COLORS.get(status)
        ax.barh(modes.variants, shares, left=left, label=status, color=color)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of episodes")
    ax.set_title("Outcome of each episode, by variant")
    ax.legend(
        fontsize="small",
        ncol=min(4, len(modes.rows)),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.35 if len(modes.variants) < 3 else -0.2),
    )
    return fig


def reward_figure(hist: dict[str, list[int]]) -> Figure | None:
    """Reward histograms, one outline per variant (1.0 = success)."""
    if not hist:
        return None
    bins = len(next(iter(hist.values())))
    edges = [i / bins for i in range(bins + 1)]
    fig = Figure(figsize=(6.0, 3.2))
    ax = fig.add_subplot()
    for variant, counts in hist.items():
        ax.stairs(counts, edges, label=variant, linewidth=2, fill=len(hist) == 1, alpha=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("reward (dense; 1.0 exactly when the task is achieved)")
    ax.set_ylabel("episodes")
    ax.set_title("Reward distribution")
    ax.grid(axis="y", alpha=0.3)
    if len(hist) > 1:
        ax.legend(fontsize="small")
    return fig


STATUS_COLORS = {
    "success": "#34a853",
    "failed": "#fbbc04",
    "error": "#ea4335",
    "crashed": "#7f1d1d",
    "rejected": "#c5221f",
    "timeout": "#ff6d01",
    "budget_exceeded": "#a142f4",
    "resource_limit": "#8d6e63",
    "safety_stop": "#5f6368",
    "aborted": "#9aa0a6",
}
"""Fixed colours per status, so charts of different runs read alike."""
