"""``codepolicy skills``: mine a skill library from successful programs, and show one.

Exit codes: 0 on success, 2 on bad input (a missing run directory, a bad library file, an unknown
profile). Errors are one line naming the file and the field, never a traceback.

Example:
    $ codepolicy skills mine runs/bench runs/other my_program.py --out skills.json --min-count 2
    $ codepolicy skills show skills.json
    $ codepolicy run stack-blocks --planner llm --model m --skill-library skills.json
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from codepolicy.cli import options as opts
from codepolicy.cli.common import config_errors, fail
from codepolicy.cli.console import output_console

app = typer.Typer(
    name="skills",
    help="A skill library: functions mined from successful programs, offered to later runs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("mine")
def mine(
    inputs: list[Path] = typer.Argument(
        ..., help="Bench run directories (their successful episodes) and .py program files."
    ),
    out: Path = typer.Option(..., "--out", help="The library file to write (JSON)."),
    profile: opts.Profile = "default",
    min_count: int = typer.Option(
        1, "--min-count", help="Keep functions found in at least this many programs."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
) -> None:
    """Mine the top-level functions of successful programs into a library file."""
    from codepolicy.bench.record import now_iso
    from codepolicy.primitives.profiles import get_profile
    from codepolicy.skills.library import write_library
    from codepolicy.skills.mine import mine_skills
    from codepolicy.skills.sources import program_sources

    if min_count < 1:
        fail(f"--min-count must be at least 1, got {min_count}")
    with config_errors():
        registry = get_profile(profile)
        sources = program_sources(inputs)
        result = mine_skills(
            sources,
            registry,
            profile=profile,
            min_count=min_count,
            inputs=[str(p) for p in inputs],
            created_at=now_iso(),
        )
    try:
        write_library(result.library, out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    if json_output:
        typer.echo(
            json.dumps(
                {
                    "out": str(out),
                    "programs": result.programs,
                    "skills": result.library.names(),
                    "refused": [vars(r) for r in result.refused],
                    "rare": result.rare,
                },
                indent=2,
            )
        )
        return
    lib = result.library
    typer.echo(
        f"{len(lib.skills)} skills from {result.programs} programs -> {out}"
        + (
            f" ({len(result.rare)} found fewer than {min_count} times left out)"
            if result.rare
            else ""
        )
    )
    for refused in result.refused:
        typer.echo(f"  left out {refused.name} ({refused.origin}): {refused.reason}", err=True)


@app.command("show")
def show(
    library: Path = typer.Argument(..., help="A library file (codepolicy skills mine)."),
    profile: str | None = typer.Option(
        None, "--profile", help="Vet against this profile (default: the library's)."
    ),
) -> None:
    """A table of the library's functions: name, signature, docstring, tasks, count."""
    from codepolicy.primitives.profiles import get_profile
    from codepolicy.skills.library import read_library
    from codepolicy.skills.use import SkillSet

    with config_errors():
        lib = read_library(library)
        chosen = profile or lib.profile
        SkillSet.of(lib, get_profile(chosen), str(library), profile=chosen)  # untrusted: re-vet
    title = f"{library} — {len(lib.skills)} skills (profile {lib.profile})"
    table = Table(title=escape(title))
    for column in ("name", "signature", "docstring", "tasks", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for skill in lib.skills:
        tasks = skill.provenance.tasks
        shown = ", ".join(tasks[:4]) + (f", … ({len(tasks) - 4} more)" if len(tasks) > 4 else "")
        cells = [skill.name, skill.signature, skill.summary, shown, str(skill.provenance.count)]
        table.add_row(*(escape(c) for c in cells))
    output_console().print(table)
