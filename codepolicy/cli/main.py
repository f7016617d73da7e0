"""Entry point of the ``codepolicy`` command.

Exit codes everywhere: 0 success, 1 a task not achieved (or a program rejected), 2 bad input or usage.
"""

from __future__ import annotations

import sys

import typer

from codepolicy import __version__

app = typer.Typer(
    name="codepolicy",
    help="Code as policies for robots: run model-written programs step by step in a sandboxed world.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"codepolicy {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Code as policies for robots."""


def _mount() -> None:
    from codepolicy.cli import bench as bench_cmd
    from codepolicy.cli import check as check_cmd
    from codepolicy.cli import doctor as doctor_cmd
    from codepolicy.cli import prompt as prompt_cmd
    from codepolicy.cli import report as report_cmd
    from codepolicy.cli import run as run_cmd
    from codepolicy.cli import scenarios as scenarios_cmd

    app.add_typer(scenarios_cmd.app, name="scenarios", help="List, show, validate scenarios.")
    app.command("run")(run_cmd.run)
    app.command("prompt")(prompt_cmd.prompt)
    app.command("check")(check_cmd.check)
    app.command("bench")(bench_cmd.bench)
    app.command("report")(report_cmd.report)
    app.command("compare")(report_cmd.compare)
    app.command("export")(report_cmd.export)
    app.command("doctor")(doctor_cmd.doctor)
    app.command("session")(__import__("codepolicy.cli.session").cli.session.session)
    app.add_typer(__import__("codepolicy.cli.robot").cli.robot.app, name="robot")
    app.add_typer(
        __import__("codepolicy.cli.skills").cli.skills.app,
        name="skills",
        help="Mine a skill library from successful programs; show one.",
    )


_mount()


def main() -> None:
    """Run the CLI; usage errors exit with code 2 (click's convention, which we keep)."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise SystemExit(130) from None  # the shell's code for Ctrl-C: never "success"
        sys.exit(130)


if __name__ == "__main__":
    main()
