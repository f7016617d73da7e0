"""The statistics of a grid run: one row per cell, a heat map of two axes, paired axis comparisons.

* Cells: every cell's :class:`~codepolicy.bench.groups.GroupStats` (success with its Wilson 95%
  interval, executability, rounds, tokens).
* Heat map: rows are the first axis given with several values, columns the second; each square
  pools the episodes of every value of the other axes (marginalised, not faceted), so its ``n`` is
  ``episodes per cell × cells pooled``.
* Axis comparisons: for each axis and each pair of adjacent values (in the axis's canonical order,
  e.g. ``privileged`` → ``mask`` → ``camera``), the episodes of cells that differ only in that axis
  are paired by scenario × seed × the other axes' values, and the exact McNemar test on the
  discordant pairs gives the p-value.

Example:
    >>> axis_sentence("perception", "privileged", "camera", wins=4, losses=0, n=40,
    ...               rate_a=0.9, rate_b=0.8, p=0.125)
    'perception=camera loses 4 of 40 paired episodes that perception=privileged solves (80% vs 90%), p = 0.12'
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

from codepolicy.bench.compare import Comparison, compare_outcomes, format_p
from codepolicy.bench.groups import GroupStats, group_stats
from codepolicy.bench.pricing import ModelPrice
from codepolicy.bench.record import EpisodeRecord
from codepolicy.bench.stats import Proportion, proportion

GRID_COLUMNS = ("n", "success [95% CI]", "executable", "rounds", "tokens in/out")


class GridCellStats(BaseModel):
    """One cell of the grid and its aggregates."""

    label: str
    axes: dict[str, str]
    stats: GroupStats


class HeatMap(BaseModel):
    """Success of two axes' values, pooled over the other axes."""

    rows_axis: str
    cols_axis: str | None = Field(description="None when a single axis has several values.")
    rows: list[str]
    cols: list[str]
    pooled: list[str] = Field(description="Axes with several values pooled into each square.")
    success: list[list[Proportion | None]] = Field(description="rows × cols; None: no episode.")


class AxisComparison(BaseModel):
    """Adjacent values ``a`` → ``b`` of one axis on the episodes that differ only in it."""

    axis: str
    a: str
    b: str
    comparison: Comparison


class GridSummary(BaseModel):
    """Everything a summary says about a grid run."""

    axes: dict[str, list[str]] = Field(description="Axis -> values, in canonical order.")
    cells: list[GridCellStats]
    heatmap: HeatMap | None
    comparisons: list[AxisComparison]


def _order(axis: str, values: set[str]) -> list[str]:
    """Values of an axis in canonical order (numbers for ``turns``; unknown values last)."""
    from codepolicy.bench.grid import axis_values

    if axis == "turns":
        return sorted(values, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
    try:
        known = list(axis_values(axis))
    except ValueError:
        known = []
    return sorted(values, key=lambda v: (known.index(v) if v in known else len(known), v))


def grid_axes(records: Sequence[EpisodeRecord]) -> dict[str, list[str]]:
    """The axes of the grid records (first record's axis order) and their values."""
    axes: dict[str, set[str]] = {}
    for r in records:
        for axis, value in (r.grid or {}).items():
            axes.setdefault(axis, set()).add(value)
    return {axis: _order(axis, values) for axis, values in axes.items()}


def axis_sentence(
    axis: str,
    a: str,
    b: str,
    *,
    wins: int,
    losses: int,
    n: int,
    rate_a: float,
    rate_b: float,
    p: float,
) -> str:
    """The plain-words result of going from value ``a`` to ``b`` of ``axis`` on ``n`` pairs.

    ``wins``: pairs ``a`` solves and ``b`` does not; ``losses``: the other way round.
    """
    va, vb = f"{axis}={a}", f"{axis}={b}"
    if n == 0:
        return f"{vb} and {va} share no paired episodes; nothing to compare"
    rates = f"({rate_b:.0%} vs {rate_a:.0%}), {format_p(p)}"
    if wins == losses == 0:
        return f"{vb} and {va} agree on all {n} paired episodes {rates}"
    if wins >= losses:
        text = f"{vb} loses {wins} of {n} paired episodes that {va} solves"
        extra = f" and solves {losses} that {va} fails" if losses else ""
    else:
        text = f"{vb} solves {losses} of {n} paired episodes that {va} fails"
        extra = f" and loses {wins} that {va} solves" if wins else ""
    return f"{text}{extra} {rates}"


def compare_axes(
    records: Sequence[EpisodeRecord], axes: Mapping[str, Sequence[str]], *, resamples: int = 10_000
) -> list[AxisComparison]:
    """Paired comparisons of adjacent values along every axis (see the module docstring)."""
    out = []
    for axis, values in axes.items():
        others = [x for x in axes if x != axis]

        def key(r: EpisodeRecord, others: list[str] = others) -> tuple[object, ...]:
            grid = r.grid or {}
            return (r.scenario, r.seed, *(grid.get(x, "") for x in others))

        for a, b in itertools.pairwise(values):
            ra = [r for r in records if (r.grid or {}).get(axis) == a]
            rb = [r for r in records if (r.grid or {}).get(axis) == b]
            c = compare_outcomes(f"{axis}={a}", f"{axis}={b}", ra, rb, key=key, resamples=resamples)
            text = axis_sentence(
                axis,
                a,
                b,
                wins=c.wins,
                losses=c.losses,
                n=c.n_pairs,
                rate_a=c.rate_a,
                rate_b=c.rate_b,
                p=c.p_value,
            )
            out.append(
                AxisComparison(
                    axis=axis, a=a, b=b, comparison=c.model_copy(update={"sentence": text})
                )
            )
    return out


def heat_map(records: Sequence[EpisodeRecord], axes: Mapping[str, Sequence[str]]) -> HeatMap | None:
    """Success of the first two axes with several values, pooled over the rest (None if none)."""
    varying = [axis for axis, values in axes.items() if len(values) > 1]
    if not varying:
        return None
    rows_axis = varying[0]
    cols_axis = varying[1] if len(varying) > 1 else None
    rows = list(axes[rows_axis])
    cols = list(axes[cols_axis]) if cols_axis else [""]
    table: list[list[Proportion | None]] = []
    for rv in rows:
        line: list[Proportion | None] = []
        for cv in cols:
            chosen = [
                r
                for r in records
                if (r.grid or {}).get(rows_axis) == rv
                and (cols_axis is None or (r.grid or {}).get(cols_axis) == cv)
            ]
            k = sum(r.success for r in chosen)
            line.append(proportion(k, len(chosen)) if chosen else None)
        table.append(line)
    return HeatMap(
        rows_axis=rows_axis,
        cols_axis=cols_axis,
        rows=rows,
        cols=cols,
        pooled=varying[2:],
        success=table,
    )


def summarize_grid(
    records: Sequence[EpisodeRecord], prices: Mapping[str, ModelPrice], *, resamples: int = 10_000
) -> GridSummary | None:
    """The :class:`GridSummary` of a run's grid records (None when no record is from a grid)."""
    chosen = [r for r in records if r.grid]
    if not chosen:
        return None
    axes = grid_axes(chosen)
    cells: dict[tuple[str, ...], list[EpisodeRecord]] = {}
    for r in chosen:
        grid = r.grid or {}
        cells.setdefault(tuple(grid.get(a, "") for a in axes), []).append(r)

    def order(values: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(
            axes[a].index(v) if v in axes[a] else -1 for a, v in zip(axes, values, strict=True)
        )

    rows = [
        GridCellStats(
            label=group[0].variant,
            axes=dict(zip(axes, values, strict=True)),
            stats=group_stats(group, prices),
        )
        for values, group in sorted(cells.items(), key=lambda kv: order(kv[0]))
    ]
    return GridSummary(
        axes=axes,
        cells=rows,
        heatmap=heat_map(chosen, axes),
        comparisons=compare_axes(chosen, axes, resamples=resamples),
    )


def grid_row(g: GroupStats) -> list[str]:
    """One grid table row of a cell, in :data:`GRID_COLUMNS` order."""
    from codepolicy.bench.summary import fmt_rate, fmt_tokens

    tokens = f"{fmt_tokens(g.tokens_in)}/{fmt_tokens(g.tokens_out)}" if g.llm_calls else "–"
    return [
        str(g.n),
        fmt_rate(g.success),
        f"{g.executable.rate:.0%}",
        f"{g.mean_rounds:.2f}",
        tokens,
    ]


def heat_caption(h: HeatMap) -> str:
    """What the heat map shows, in a sentence."""
    where = f"rows: {h.rows_axis}" + (f", columns: {h.cols_axis}" if h.cols_axis else "")
    pooled = (
        f"; each square pools every value of {', '.join(h.pooled)} (marginalised)"
        if h.pooled
        else ""
    )
    return f"success rate, {where}{pooled}; k/n per square"


def print_grid(grid: GridSummary, console: Console) -> None:
    """The grid table, the heat map as text and the axis comparison sentences."""
    table = Table(title="Grid (one row per cell, paired seeds)", title_justify="left")
    for axis in grid.axes:
        table.add_column(axis)
    for name in GRID_COLUMNS:
        table.add_column(name, justify="right")
    for cell in grid.cells:
        table.add_row(*(cell.axes.get(a, "") for a in grid.axes), *grid_row(cell.stats))
    console.print(table)
    h = grid.heatmap
    if h is not None and h.cols_axis is not None:
        heat = Table(title=f"Heat map: {heat_caption(h)}", title_justify="left")
        heat.add_column(f"{h.rows_axis} \\ {h.cols_axis}")
        for col in h.cols:
            heat.add_column(col, justify="right")
        for rv, line in zip(h.rows, h.success, strict=True):
            heat.add_row(rv, *(f"{p.rate:.0%} ({p.k}/{p.n})" if p else "–" for p in line))
        console.print(heat)
    for ac in grid.comparisons:
        console.print(f"• {ac.comparison.sentence}", highlight=False)
