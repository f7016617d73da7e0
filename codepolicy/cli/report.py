"""``codepolicy report``, ``codepolicy compare`` and ``codepolicy export``: read benchmark results.

The functions are plain typer commands; the main app mounts them. Exit codes: 0 done, 2 bad
input (missing directory, no results, an invalid line — file and line named).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from codepolicy.cli.common import fail
from codepolicy.cli.console import output_console

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

    console = output_console()
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
    dir2: Path | None = typer.Argument(
        None, help="Second run directory (B); without it, compare variants of the first run."
    ),
    pair: list[str] | None = typer.Option(
        None,
        "--pair",
        help="VARIANT_A=VARIANT_B: compare A (of DIR1) with B (of DIR2, or of DIR1); repeatable.",
    ),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level of the McNemar test."),
    seed: int = typer.Option(0, "--seed", help="Seed of the paired bootstrap."),
) -> None:
    """Compare runs or variants on their common scenario × seed episodes (McNemar exact test,
    bootstrap CI). Against an oracle run (reference programs), each variant is compared with the
    oracle as the upper bound."""
    from codepolicy.bench.compare import (
        UPPER_BOUND,
        compare_runs,
        compare_variants,
        compare_within,
        parse_pairs,
        run_labels,
        upper_bound_sentence,
    )

    if not 0 < alpha < 1:
        fail(f"--alpha must be in (0, 1), got {alpha}")
    try:
        pairs = parse_pairs(pair or [])
        records1 = _load(dir1)
        if dir2 is None:
            if pairs:
                comparisons = compare_within(records1, pairs, alpha=alpha, seed=seed)
            else:
                comparisons = compare_variants(records1, alpha=alpha, seed=seed)
                if not comparisons:
                    fail(f"{dir1} has a single variant: give a second run directory to compare")
        else:
            records2 = _load(dir2)
            label1, label2 = run_labels(dir1, dir2)
            comparisons = compare_runs(
                records1, records2, label1, label2, pairs=pairs, alpha=alpha, seed=seed
            )
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
    console = output_console()
    console.print(table)
    for c in comparisons:
        extra = ""
        if c.unpaired_a or c.unpaired_b:
            extra = f" ({c.unpaired_a} of {c.a} and {c.unpaired_b} of {c.b} unpaired, left out)"
        text = upper_bound_sentence(c) if c.b == UPPER_BOUND else c.sentence
        typer.echo(text + extra)


def export(
    dir: Path = typer.Argument(..., help="Run directory holding results.jsonl."),
    out: Path = typer.Option(..., "--out", "-o", help="JSONL file to write."),
    only_success: bool = typer.Option(
        False, "--only-success", help="Keep only attempts that achieved the task."
    ),
) -> None:
    """Export every planning attempt (messages, program, feedback, reward) as JSONL."""
    from codepolicy.bench.export import count_exportable, write_export

    records = _load(dir)
    found = count_exportable(records, only_success=only_success)
    why = found.why_empty()
    if why is not None and found.without_model and not found.not_successful:
        fail(f"nothing to export from {dir}: {why}")
    try:
        count = write_export(records, out, only_success=only_success)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    typer.echo(f"wrote {count} attempt{'s' if count != 1 else ''} to {out}")
    if why is not None:
        typer.echo(f"(0 attempts: {why})")
    elif found.without_model or found.not_successful:
        left = []
        if found.without_model:
            left.append(f"{found.without_model} rounds not written by a model")
        if found.not_successful:
            left.append(f"{found.not_successful} unsuccessful rounds (--only-success)")
        typer.echo(f"left out: {', '.join(left)}")
