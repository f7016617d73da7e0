"""Aggregate episode records into ``DIR/summary.json`` and a printed table.

Every group (overall, per variant, family, scenario, split, and family × variant) reports ``n``,
the success rate with its Wilson 95% interval, the executability rate (the program ran without an
error, reported separately from success), mean reward, primitive calls and rounds, model usage and
an estimated cost. Crashed episodes count in every denominator as failures.

Example:
    >>> summary = summarize([])
    >>> summary.overall.n, summary.overall.success.rate
    (0, 0.0)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

from codepolicy.bench.compare import Comparison, compare_variants
from codepolicy.bench.grid_stats import GridSummary, print_grid, summarize_grid
from codepolicy.bench.groups import GroupStats, group_stats
from codepolicy.bench.pricing import DEFAULT_PRICES, ModelPrice, table_to_data
from codepolicy.bench.record import EpisodeRecord, now_iso
from codepolicy.bench.stats import Proportion

SUMMARY_NAME = "summary.json"


class Summary(BaseModel):
    """Everything ``summary.json`` holds."""

    generated_at: str = Field(default_factory=now_iso)
    n_records: int
    overall: GroupStats
    by_variant: dict[str, GroupStats]
    by_family: dict[str, GroupStats]
    by_scenario: dict[str, GroupStats]
    by_split: dict[str, GroupStats] = Field(description="Key: 'instruction/attribute' split.")
    by_family_variant: dict[str, dict[str, GroupStats]] = Field(description="family -> variant.")
    by_split_variant: dict[str, dict[str, GroupStats]] = Field(description="split -> variant.")
    comparisons: list[Comparison] = Field(
        description="Every pair of variants (left empty in grid runs: see grid.comparisons)."
    )
    grid: GridSummary | None = Field(None, description="The grid's cells, heat map, axis tests.")
    prices: dict[str, dict[str, Any]]
    price_source: str
    warnings: list[str] = Field(default_factory=list)
    graded_by_operator: int = Field(
        0, description="Episodes whose success the operator of a real robot gave (bench remote)."
    )


def _by(
    records: Iterable[EpisodeRecord],
    key: Callable[[EpisodeRecord], str],
    prices: Mapping[str, ModelPrice],
) -> dict[str, GroupStats]:
    groups: dict[str, list[EpisodeRecord]] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    return {k: group_stats(v, prices) for k, v in sorted(groups.items())}


def split_key(record: EpisodeRecord) -> str:
    """``"instruction_split/attribute_split"``, e.g. ``"seen/unseen"``."""
    return f"{record.instruction_split}/{record.attribute_split}"


def _variant(record: EpisodeRecord) -> str:
    return record.variant


def summarize(
    records: Sequence[EpisodeRecord],
    *,
    prices: Mapping[str, ModelPrice] | None = None,
    price_source: str = "built-in example prices",
    warnings: Sequence[str] = (),
    resamples: int = 10_000,
) -> Summary:
    """Build the :class:`Summary` of a run's records (variant comparisons included)."""
    table = dict(DEFAULT_PRICES if prices is None else prices)

    def nested(outer: Callable[[EpisodeRecord], str]) -> dict[str, dict[str, GroupStats]]:
        keys = sorted({outer(r) for r in records})
        return {k: _by([r for r in records if outer(r) == k], _variant, table) for k in keys}

    grid = summarize_grid(records, table, resamples=resamples)
    return Summary(
        n_records=len(records),
        overall=group_stats(records, table),
        by_variant=_by(records, _variant, table),
        by_family=_by(records, lambda r: r.family, table),
        by_scenario=_by(records, lambda r: r.scenario, table),
        by_split=_by(records, split_key, table),
        by_family_variant=nested(lambda r: r.family),
        by_split_variant=nested(split_key),
        comparisons=[] if grid is not None else compare_variants(records, resamples=resamples),
        grid=grid,
        prices=table_to_data(table),
        price_source=price_source,
        warnings=list(warnings),
        graded_by_operator=sum(r.graded_by == "operator" for r in records),
    )


def write_summary(directory: str | Path, summary: Summary) -> Path:
    """Write ``DIR/summary.json`` atomically; returns its path."""
    path = Path(directory) / SUMMARY_NAME
    tmp = path.with_name(f".{SUMMARY_NAME}.{os.getpid()}.tmp")
    tmp.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def fmt_rate(p: Proportion) -> str:
    """``"64% [54–73]"`` (percent, Wilson 95% interval)."""
    return f"{p.rate:.0%} [{p.low * 100:.0f}–{p.high * 100:.0f}]"


def fmt_cost(g: GroupStats) -> str:
    """``"$1.23"``; ``"≥$1.23"`` when some models have no price (their cost is not counted),
    ``"unpriced"`` when none has; ``"–"`` when no model was called."""
    if g.llm_calls == 0 and g.cost_usd == 0 and not g.unpriced_models:
        return "–"
    text = f"${g.cost_usd:.2f}" if g.cost_usd >= 0.01 or g.cost_usd == 0 else f"${g.cost_usd:.4f}"
    if g.unpriced_models:
        return f"≥{text}" if g.cost_usd > 0 else "unpriced"
    return text


def fmt_tokens(n: int) -> str:
    """``"12.3k"``-style token counts."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    return f"{n / 1000:.1f}k" if n >= 1000 else str(n)


COLUMNS = (
    "n",
    "success [95% CI]",
    "executable",
    "crashed",
    "reward",
    "calls",
    "rounds",
    "LLM calls",
    "cache",
    "tok in/out",
    "latency",
    "cost",
)


def row(g: GroupStats) -> list[str]:
    """One table row of a group, in :data:`COLUMNS` order."""
    latency = "–" if g.mean_llm_latency_s is None else f"{g.mean_llm_latency_s:.2f}s"
    return [
        str(g.n),
        fmt_rate(g.success),
        f"{g.executable.rate:.0%}",
        str(g.crashed),
        f"{g.mean_reward:.2f}",
        f"{g.mean_primitive_calls:.1f}",
        f"{g.mean_rounds:.2f}",
        str(g.llm_calls),
        str(g.cache_hits),
        f"{fmt_tokens(g.tokens_in)}/{fmt_tokens(g.tokens_out)}" if g.llm_calls else "–",
        latency,
        fmt_cost(g),
    ]


MODEL_COLUMNS = ("LLM calls", "cache", "tok in/out", "latency", "cost")
"""Columns about model usage, left out of printed tables of runs that called no model."""


def _table(title: str, groups: Mapping[str, GroupStats], with_model: bool = True) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("group", overflow="fold")
    keep = [i for i, name in enumerate(COLUMNS) if with_model or name not in MODEL_COLUMNS]
    for i in keep:
        table.add_column(COLUMNS[i], justify="right")
    for name, g in groups.items():
        cells = row(g)
        table.add_row(name, *(cells[i] for i in keep))
    return table


def price_note(summary: Summary) -> str | None:
    """Where the cost estimates come from, in a sentence (None when no model was called)."""
    overall = summary.overall
    if overall.llm_calls == 0 and not overall.unpriced_models:
        return None
    source = summary.price_source
    if source == "the run's manifest.json":
        source = "the price table saved in the run's manifest.json"
    return f"costs are estimates from {source}, in USD per 1M tokens; --prices FILE overrides them"


def print_summary(summary: Summary, console: Console | None = None) -> None:
    """Print the summary tables and comparison sentences."""
    console = console or Console()
    with_model = summary.overall.llm_calls > 0 or bool(summary.overall.unpriced_models)
    console.print(_table("Overall", {"all": summary.overall}, with_model))
    for title, groups in (
        ("By variant", summary.by_variant),
        ("By family", summary.by_family),
        ("By split (instruction/attribute)", summary.by_split),
        ("By scenario", summary.by_scenario),
    ):
        if title == "By variant" and summary.grid is not None:
            print_grid(summary.grid, console)
        elif len(groups) > 1 or title == "By variant":
            console.print(_table(title, groups, with_model))
    for comparison in summary.comparisons:
        console.print(f"• {comparison.sentence}", highlight=False)
    if summary.overall.env_judged:
        o = summary.overall
        console.print(
            f"adapter worlds: the env's own is_success disagrees with ours in "
            f"{o.env_disagreements} of {o.env_judged} episodes"
        )
    if summary.graded_by_operator:
        console.print(
            f"graded by operator: {summary.graded_by_operator} of {summary.n_records} episodes "
            "(their success is the operator's answer)"
        )
    if not with_model:
        console.print(
            "No model was called (oracle or program-file run): model columns left out.", style="dim"
        )
    if summary.overall.unpriced_models:
        models = ", ".join(summary.overall.unpriced_models)
        console.print(
            f"No price is known for {models}: its cost is not counted (costs shown as ≥ or "
            "'unpriced'). Give prices with --prices FILE (USD per 1M tokens).",
            highlight=False,
        )
    note = price_note(summary)
    if note is not None:
        console.print(note, style="dim", highlight=False)
    for note in summary.warnings:
        console.print(f"warning: {note}", style="yellow")
