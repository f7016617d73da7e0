"""``codepolicy report``, ``codepolicy compare`` and ``codepolicy export``: read benchmark results.

The functions are plain typer commands; the main app mounts them. Exit codes: 0 done, 2 bad
input (missing directory, no results, an invalid line — file and line named).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from codepolicy.cli.common import fail

if TYPE_CHECKING:
    from codepolicy.bench.record import EpisodeRecord


def report(
    dir: Path = typer.Argument(..., help="Run directory holding results.jsonl."),
    prices: Path | None = typer.Option(
        None, "--prices", help="JSON/YAML price table (USD per 1M tokens) overriding the defaults."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print the summary table."),
) -> None:
    """Rebuild summary.json and report.html of a run from results.jsonl and print the summary."""
    from codepolicy.bench.report import REPORT_NAME, RebuildError, rebuild
    from codepolicy.bench.summary import SUMMARY_NAME

    console = Console()
    try:
        rebuild(dir, prices_file=prices, console=None if quiet else console)
    except RebuildError as exc:
        fail(str(exc))
    typer.echo(f"wrote {dir / SUMMARY_NAME} and {dir / REPORT_NAME}")


def _load(directory: Path) -> list[EpisodeRecord]:
    from codepolicy.bench.store import load_results, results_path

    if not directory.is_dir():
        fail(f"run directory not found: {directory}")
    if not results_path(directory).is_file():
        fail(f"no results in {directory}: {results_path(directory).name} not found")
    try:
        loaded = load_results(directory)
    except ValueError as exc:
        fail(str(exc))
    for note in loaded.warnings:
        typer.echo(f"warning: {note}", err=True)
    if not loaded.records:
        fail(f"no results in {loaded.path}: the file has no complete record")
    return loaded.records


def compare(
    dir1: Path = typer.Argument(..., help="First run directory (A)."),
    dir2: Path = typer.Argument(..., help="Second run directory (B)."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level of the McNemar test."),
    seed: int = typer.Option(0, "--seed", help="Seed of the paired bootstrap."),
) -> None:
    """Compare two runs on their common scenario × seed episodes (McNemar exact test, bootstrap CI)."""
    from codepolicy.bench.compare import compare_runs, run_labels

    if not 0 < alpha < 1:
        fail(f"--alpha must be in (0, 1), got {alpha}")
    records1, records2 = _load(dir1), _load(dir2)
    label1, label2 = run_labels(dir1, dir2)
    try:
        comparisons = compare_runs(records1, records2, label1, label2, alpha=alpha, seed=seed)
    except ValueError as exc:
        fail(str(exc))
    table = Table(title="Paired comparison", title_justify="left")
    for name in ("A", "B", "pairs", "A success", "B success", "W/L/T", "p", "A−B [95% CI]"):
        table.add_column(name, justify="left" if name in ("A", "B") else "right")
    for c in comparisons:
        table.add_row(
            c.a,
            c.b,
            str(c.n_pairs),
            f"{c.rate_a:.0%}",
            f"{c.rate_b:.0%}",
            f"{c.wins}/{c.losses}/{c.ties}",
            f"{c.p_value:.4g}",
            f"{c.diff * 100:+.1f} [{c.ci_low * 100:+.1f}, {c.ci_high * 100:+.1f}]",
        )
    console = Console()
    console.print(table)
    for c in comparisons:
        extra = ""
        if c.unpaired_a or c.unpaired_b:
            extra = f" ({c.unpaired_a} of {c.a} and {c.unpaired_b} of {c.b} unpaired, left out)"
        typer.echo(c.sentence + extra)


def export(
    dir: Path = typer.Argument(..., help="Run directory holding results.jsonl."),
    out: Path = typer.Option(..., "--out", "-o", help="JSONL file to write."),
    only_success: bool = typer.Option(
        False, "--only-success", help="Keep only attempts that achieved the task."
    ),
) -> None:
    """Export every planning attempt (messages, program, feedback, reward) as JSONL."""
    from codepolicy.bench.export import write_export

    records = _load(dir)
    try:
        count = write_export(records, out, only_success=only_success)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    typer.echo(f"wrote {count} attempt{'s' if count != 1 else ''} to {out}")
