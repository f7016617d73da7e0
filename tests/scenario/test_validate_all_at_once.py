"""`scenarios validate` reports shape and cross-field problems in one run, and says when a valid
scenario has no reference program."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from codepolicy.cli.scenarios import app
from codepolicy.scenario.catalog import SCENARIO_DIR

runner = CliRunner()

BROKEN = """\
family: demo-task
instruction_split: seen
difficulty: easy
objects:
  block: {count: [2, 3]}
  plate: {count: 1}
variables:
  block: {pick: block}
  bowl: {pick: bowl}
  spot: {choice: corners, colour: red}
instructions:
  - put the {block} in the {bowll}
success:
  inside: {object: "{block}", container: "{bowl}"}
budget:
  max_calls: "thirty"
  max_sim_seconds: 60
"""


def test_schema_and_semantic_problems_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    expected = [
        (":6: objects.plate:", "unknown object kind 'plate'"),
        (":9: variables.bowl.pick:", "unknown object kind 'bowl'"),
        (":10: variables.spot", "colour"),
        (":12: instructions[0]:", "did you mean 'bowl'"),
        (":16: budget.max_calls:", "valid integer"),
    ]
    for where, what in expected:
        assert any(where in line and what in line for line in lines), (where, result.stderr)
    assert len(lines) == len(expected), result.stderr


def test_stand_ins_for_misshapen_required_fields_report_nothing_of_their_own(
    tmp_path: Path,
) -> None:
    path = tmp_path / "budget.yaml"
    path.write_text(
        BROKEN.replace("plate", "bowl")
        .replace("bowll", "bowl")
        .replace("  spot: {choice: corners, colour: red}\n", "")
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "budget.max_calls" in result.stderr


def test_a_scenario_without_reference_program_is_ok_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    text = (SCENARIO_DIR / "pick-place.yaml").read_text()
    path.write_text(
        text.replace("family: pick-place", "family: my-own-task").replace(
            "oracle: pick-place", "oracle: my-own-task"
        )
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: ok (no reference program)" in result.stdout
    assert "no oracle program named 'my-own-task'" in result.stdout
    assert "--program FILE" in result.stdout


def test_a_reference_program_needing_an_undefined_variable_is_named(tmp_path: Path) -> None:
    path = tmp_path / "renamed.yaml"
    text = (SCENARIO_DIR / "blocks-in-bowl.yaml").read_text()
    path.write_text(
        text.replace("  bowl: {pick: bowl}", "  dish: {pick: bowl}").replace("{bowl}", "{dish}")
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "needs the variable(s) bowl" in result.stdout


def test_shipped_scenarios_have_no_notes() -> None:
    result = runner.invoke(app, ["validate", *map(str, sorted(SCENARIO_DIR.glob("*.yaml")))])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stdout
