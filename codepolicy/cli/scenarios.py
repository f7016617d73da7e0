"""``codepolicy scenarios``: list, show, validate scenario files and print their JSON Schema.

Exit codes: 0 on success, 2 on bad input (invalid files, unknown names, bad options). User errors are
printed as messages, never as tracebacks.

Example:
    $ codepolicy scenarios list
    $ codepolicy scenarios show stack-blocks --seed 3
    $ codepolicy scenarios validate my-task.yaml
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import yaml
from rich.console import Console
from rich.table import Table

from codepolicy.cli.console import output_console
from codepolicy.scenario.catalog import adapter_scenarios, list_scenarios, load_scenario
from codepolicy.scenario.errors import Problem, SamplingError, ScenarioError, UnknownScenarioError
from codepolicy.scenario.loader import Scenario, load_family
from codepolicy.scenario.schema import scenario_json_schema_text

app = typer.Typer(
    name="scenarios",
    help="Task families (scenario files): list, show an episode, validate, export the schema.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

USAGE_ERROR = 2


def _console() -> Console:
    return output_console()


def _fail(lines: list[str]) -> typer.Exit:
    for line in lines:
        typer.echo(line, err=True)
    return typer.Exit(USAGE_ERROR)


def _errors(exc: ScenarioError) -> typer.Exit:
    if isinstance(exc, UnknownScenarioError):
        return _fail([f"error: {exc}"])
    return _fail([str(p) for p in exc.problems])


def _entry(scenario: Scenario) -> dict[str, Any]:
    low, high = scenario.object_count_range
    gym_name, gym_id = scenario.gym_name, scenario.gym_id
    if scenario.spec.is_adapter:  # the third-party env it runs
        from codepolicy.envs.adapters.spec import get_spec

        gym_name = gym_id = get_spec(scenario.spec.world).env_id
    return {
        "world": scenario.spec.world,
        "name": scenario.name,
        "family": scenario.spec.family,
        "split": scenario.attribute_split,
        "attribute_split": scenario.attribute_split,
        "instruction_split": scenario.spec.instruction_split,
        "gym_name": gym_name,
        "gym_id": gym_id,
        "difficulty": scenario.spec.difficulty,
        "num_objects": str(low) if low == high else f"{low}-{high}",
        "min_objects": low,
        "max_objects": high,
        "oracle": scenario.spec.oracle_name,
        "description": scenario.spec.description,
    }


@app.command("list")
def list_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list instead of a table.")
    ] = False,
) -> None:
    """List every shipped scenario (each family in its seen and unseen attribute split), then the
    scenarios of adapter worlds (third-party envs)."""
    try:
        entries = [_entry(s) for s in [*list_scenarios(), *adapter_scenarios()]]
    except ScenarioError as exc:
        raise _errors(exc) from None
    if as_json:
        typer.echo(json.dumps(entries, indent=2))
        return
    table = Table(title="codepolicy scenarios")
    for column in ("name", "family", "split", "instructions", "objects", "difficulty", "gym name"):
        table.add_column(column, no_wrap=column in ("name", "family", "gym name"))
    for e in entries:
        table.add_row(
            e["name"],
            e["family"],
            e["split"],
            e["instruction_split"],
            e["num_objects"],
            e["difficulty"],
            e["gym_name"],
        )
    _console().print(table)


@app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="Scenario name, family, gym name, or a YAML file.")],
    seed: Annotated[int, typer.Option("--seed", min=0, help="Episode seed.")] = 0,
    split: Annotated[
        str | None,
        typer.Option(
            "--split", help="Attribute split (seen/unseen); default from the name, or seen."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the episode as JSON.")] = False,
) -> None:
    """Show one concrete episode: instruction, objects, variables and the bound success condition."""
    if split not in (None, "seen", "unseen"):
        raise _fail([f"error: --split must be 'seen' or 'unseen', not {split!r}"])
    chosen: Literal["seen", "unseen"] | None = split  # type: ignore[assignment]
    try:
        scenario = load_scenario(name, chosen)
        episode = scenario.sample(seed)
    except ScenarioError as exc:
        raise _errors(exc) from None
    data = episode.to_data()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    console = _console()
    console.print(f"[bold]{episode.scenario}[/bold]  ({scenario.gym_id}, seed {seed})")
    console.print(
        f"family {episode.family} · instructions {episode.instruction_split} · "
        f"colours {episode.attribute_split} · {episode.difficulty} · oracle {episode.oracle}"
    )
    console.print(f"\n[bold]instruction:[/bold] {episode.instruction}\n")
    table = Table(title="objects")
    for column in ("name", "kind", "color", "x", "y", "yaw"):
        table.add_column(column, justify="right" if column in ("x", "y", "yaw") else "left")
    for obj in episode.objects:
        table.add_row(obj.name, obj.kind, obj.color, f"{obj.x:.4f}", f"{obj.y:.4f}", f"{obj.yaw:g}")
    console.print(table)
    console.print("[bold]variables:[/bold]")
    for key, value in episode.variables.items():
        console.print(f"  {key}: {value!r}")
    console.print("[bold]success:[/bold]")
    console.print(
        yaml.safe_dump(data["success"], sort_keys=False, default_flow_style=False).rstrip()
    )
    console.print(
        f"[bold]budget:[/bold] {episode.budget.max_calls} calls, {episode.budget.max_sim_seconds:g} s"
    )


def _validate_one(path: Path, seeds: int) -> tuple[list[Problem], list[str]]:
    """The file's problems, and notes on what a valid file cannot do (no reference program)."""
    from codepolicy.oracle import oracle_problem

    try:
        family = load_family(path)
        for scenario in family.scenarios():
            for seed in range(seeds):
                scenario.sample(seed)
    except SamplingError as exc:
        return exc.problems, []
    except ScenarioError as exc:
        return exc.problems, []
    spec = family.spec
    if spec.is_adapter:
        return [], []
    problem = oracle_problem(spec.oracle_name, spec.variables, spec.family)
    if problem is None:
        return [], []
    return [], [
        f"{problem}. The oracle planner cannot run it: use `codepolicy run {path} --program "
        f"FILE` or `--planner llm`; `bench` with --planner oracle refuses it. To add one, write "
        f"codepolicy/oracle/programs/{spec.oracle_name}.py starting with a '# uses: ...' line "
        "naming the variables it reads (see docs/scenarios.md)"
    ]


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
    seeds: Annotated[
        int, typer.Option("--seeds", min=0, help="Also sample this many seeds per split.")
    ] = 3,
) -> None:
    """Check scenario files; print "ok" per valid file, every problem otherwise (exit 2)."""
    failed = False
    for path in files:
        problems, notes = _validate_one(path, seeds)
        if problems:
            failed = True
            for problem in problems:
                typer.echo(str(problem), err=True)
        else:
            typer.echo(f"{path}: ok" + (" (no reference program)" if notes else ""))
            for note in notes:
                typer.echo(f"{path}: note: {note}")
    if failed:
        raise typer.Exit(USAGE_ERROR)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files."""
    typer.echo(scenario_json_schema_text())
