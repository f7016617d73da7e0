"""``DIR/report.html``: one self-contained page about a run, and rebuilding it from ``results.jsonl``.

The page has no external resources: CSS and a little JS are inline, plots are base64 PNGs made
with matplotlib's Agg canvas, videos are referenced by their path relative to the run directory.
All text goes through Jinja's autoescaping, so programs containing ``</script>`` stay text.

Example:
    >>> from codepolicy.bench.summary import summarize
    >>> html = render_report([], summarize([]), manifest=None, directory=".")
    >>> html.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import base64
import importlib.resources
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from rich.console import Console

from codepolicy.bench.grid_stats import GRID_COLUMNS, grid_row, heat_caption
from codepolicy.bench.grid_views import heatmap_figure
from codepolicy.bench.pricing import DEFAULT_PRICES, ModelPrice, load_prices, parse_prices
from codepolicy.bench.provenance import read_manifest
from codepolicy.bench.record import EpisodeRecord, RunManifest
from codepolicy.bench.report_views import (
    failure_modes,
    reward_figure,
    reward_histogram,
    side_by_side,
    status_figure,
)
from codepolicy.bench.store import load_results, results_path
from codepolicy.bench.summary import (
    COLUMNS,
    GroupStats,
    Summary,
    fmt_cost,
    fmt_rate,
    print_summary,
    row,
    summarize,
    write_summary,
)
from codepolicy.feedback.untrusted import clean, one_line

REPORT_NAME = "report.html"
TEMPLATE = "report.html.jinja"


def _png(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def plot_groups(
    groups: Mapping[str, Mapping[str, GroupStats]], title: str, xlabel: str
) -> str | None:
    """Grouped bar chart of success rate with Wilson 95% error bars, as base64 PNG.

    Args:
        groups: x category -> series (e.g. variant) -> stats.
        title: Plot title.
        xlabel: Label of the x axis.

    Returns:
        The PNG as base64, or None if there is nothing to plot.
    """
    cats = list(groups)
    series = list(dict.fromkeys(s for g in groups.values() for s in g))
    if not cats or not series:
        return None
    width = 0.8 / len(series)
    fig = Figure(figsize=(max(5.0, 0.9 * len(cats) * max(1, len(series)) / 2 + 2), 3.6))
    ax = fig.add_subplot()
    for i, name in enumerate(series):
        xs, ys, lo, hi = [], [], [], []
        for j, cat in enumerate(cats):
            stats = groups[cat].get(name)
            if stats is None or stats.n == 0:
                continue
            p = stats.success
            xs.append(j - 0.4 + width * (i + 0.5))
            ys.append(p.rate * 100)
            lo.append((p.rate - p.low) * 100)
            hi.append((p.high - p.rate) * 100)
        ax.bar(xs, ys, width * 0.95, yerr=[lo, hi], capsize=3, label=name)
    ax.set_xticks(range(len(cats)))
    ax.set_xticklabels(
        cats, rotation=30 if len(cats) > 4 else 0, ha="right" if len(cats) > 4 else "center"
    )
    ax.set_ylim(0, 105)
    ax.set_ylabel("success % (Wilson 95% CI)")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize="small")
    return _png(fig)


@dataclass
class EpisodeView:
    """What the template shows for one episode."""

    record: EpisodeRecord
    video: str | None


def _shown(record: EpisodeRecord) -> EpisodeRecord:
    """The record with program-originated text cleaned of control characters and escapes."""
    rounds = [
        r.model_copy(
            update={
                "program": clean(r.program),
                "error": None if r.error is None else one_line(r.error, 2000),
                "feedback": clean(r.feedback),
                "completion": None if r.completion is None else clean(r.completion),
            }
        )
        for r in record.rounds
    ]
    return record.model_copy(update={"rounds": rounds})


def _video_href(video: str | None, directory: Path) -> str | None:
    if not video:
        return None
    path = Path(video)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(directory.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def _template() -> jinja2.Template:
    source = importlib.resources.files("codepolicy.bench") / "templates" / TEMPLATE
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["rate"] = fmt_rate
    env.filters["pct"] = lambda x: f"{x:.0%}"
    env.globals["row"] = row
    env.globals["grid_row"] = grid_row
    env.globals["cost"] = fmt_cost
    return env.from_string(source.read_text(encoding="utf-8"))


def render_report(
    records: Sequence[EpisodeRecord],
    summary: Summary,
    *,
    manifest: RunManifest | None,
    directory: str | Path,
    title: str | None = None,
) -> str:
    """The report page as one HTML string."""
    directory = Path(directory)
    plots = []
    fam = plot_groups(summary.by_family_variant, "Success by family and variant", "family")
    if fam:
        plots.append(("Success by family and variant", fam))
    var = plot_groups(
        {v: {"success": g} for v, g in summary.by_variant.items()}, "Success by variant", "variant"
    )
    if var and len(summary.by_variant) > 1:
        plots.append(("Success by variant", var))
    split = plot_groups(
        summary.by_split_variant, "Success by split (instruction/attribute) and variant", "split"
    )
    if split:
        plots.append(("Success by split", split))
    modes = failure_modes(records)
    for name, fig in (
        ("Outcomes by variant", status_figure(modes)),
        ("Reward distribution", reward_figure(reward_histogram(records))),
    ):
        if fig is not None:
            plots.append((name, _png(fig)))
    heat = None
    if summary.grid is not None and summary.grid.heatmap is not None:
        heat = (heat_caption(summary.grid.heatmap), _png(heatmap_figure(summary.grid.heatmap)))
    shown = [_shown(r) for r in records]
    pair_variants, pairs, pairs_hidden = side_by_side(shown)
    episodes = [
        EpisodeView(record=s, video=_video_href(r.video, directory))
        for s, r in zip(shown, records, strict=True)
    ]
    return _template().render(
        modes=modes,
        pair_variants=pair_variants,
        pairs=pairs,
        pairs_hidden=pairs_hidden,
        title=title or f"codepolicy run {directory.resolve().name}",
        directory=str(directory),
        summary=summary,
        manifest=manifest,
        columns=COLUMNS,
        grid=summary.grid,
        grid_columns=GRID_COLUMNS,
        heat=heat,
        plots=plots,
        episodes=episodes,
        statuses=sorted({r.status for r in records}),
        scenarios=sorted({r.scenario for r in records}),
        variants=sorted({r.variant for r in records}),
    )


def write_report(directory: str | Path, html: str) -> Path:
    """Write ``DIR/report.html`` atomically; returns its path."""
    path = Path(directory) / REPORT_NAME
    tmp = path.with_name(f".{REPORT_NAME}.{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path


class RebuildError(ValueError):
    """The run directory cannot be reported on (missing, empty, invalid lines)."""


def resolve_prices(
    manifest: RunManifest | None, prices_file: str | Path | None
) -> tuple[dict[str, ModelPrice], str]:
    """The price table to use: a file (over the defaults), else the manifest's, else the defaults."""
    if prices_file is not None:
        return load_prices(prices_file, base=DEFAULT_PRICES), f"file {prices_file}"
    if manifest is not None and manifest.prices:
        return parse_prices(manifest.prices, "manifest.json"), "the run's manifest.json"
    return dict(DEFAULT_PRICES), "built-in example prices (not authoritative)"


def rebuild(
    directory: str | Path,
    *,
    prices_file: str | Path | None = None,
    console: Console | None = None,
    resamples: int = 10_000,
) -> Summary:
    """Rebuild ``summary.json`` and ``report.html`` of a run from ``results.jsonl`` (+ manifest).

    Prints the summary table to ``console`` when one is given.

    Raises:
        RebuildError: Missing directory or results, no records, an invalid line (file and line
            named), an invalid manifest or price file.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RebuildError(f"run directory not found: {directory}")
    path = results_path(directory)
    if not path.is_file():
        raise RebuildError(f"no results in {directory}: {path.name} not found")
    try:
        loaded = load_results(directory)
        manifest = read_manifest(directory)
        prices, source = resolve_prices(manifest, prices_file)
    except ValueError as exc:
        raise RebuildError(str(exc)) from None
    if not loaded.records:
        raise RebuildError(f"no results in {path}: the file has no complete record")
    summary = summarize(
        loaded.records,
        prices=prices,
        price_source=source,
        warnings=loaded.warnings,
        resamples=resamples,
    )
    write_summary(directory, summary)
    html = render_report(loaded.records, summary, manifest=manifest, directory=directory)
    write_report(directory, html)
    if console is not None:
        print_summary(summary, console)
    return summary
