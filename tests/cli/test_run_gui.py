"""`run --gui` without a display, or with a backend that has no window, is a sentence and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codepolicy.cli.main import app
from codepolicy.envs import bullet


def test_gui_without_a_display_is_a_sentence_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bullet, "display_problem", lambda: "no display: DISPLAY is not set")
    result = CliRunner().invoke(app, ["run", "pick-place", "--gui"])
    assert result.exit_code == 2
    assert "--gui needs a display" in result.stderr and "Traceback" not in result.output
    assert "Instruction" not in result.stdout  # refused before anything ran


def test_gui_with_the_kinematic_backend_is_refused() -> None:
    result = CliRunner().invoke(app, ["run", "pick-place", "--gui", "--backend", "kinematic"])
    assert result.exit_code == 2
    assert (
        "the kinematic backend has no window" in result.stderr and "--video FILE" in result.stderr
    )


def test_the_instruction_is_printed_once() -> None:
    result = CliRunner().invoke(app, ["run", "pick-place", "--backend", "kinematic"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Instruction:") == 1


def test_a_family_name_says_which_scenario_runs() -> None:
    result = CliRunner().invoke(app, ["run", "pick-place", "--backend", "kinematic"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert "pick-place is a family of 2 scenarios" in first and "running pick-place-seen" in first
    named = CliRunner().invoke(app, ["run", "pick-place-unseen", "--backend", "kinematic"])
    assert "is a family" not in named.stdout


def test_run_without_a_reference_program_suggests_program(tmp_path: Path) -> None:
    from codepolicy.scenario.catalog import SCENARIO_DIR

    scenario = tmp_path / "mine.yaml"
    text = (SCENARIO_DIR / "pick-place.yaml").read_text()
    scenario.write_text(
        text.replace("family: pick-place", "family: my-own-task").replace(
            "oracle: pick-place", "oracle: my-own-task"
        )
    )
    result = CliRunner().invoke(app, ["run", str(scenario), "--backend", "kinematic"])
    assert result.exit_code == 2
    assert "has no reference program" in result.stderr and "--program FILE" in result.stderr


def test_prompt_says_which_scenario_on_stderr_only() -> None:
    result = CliRunner().invoke(app, ["prompt", "pick-place", "--backend", "kinematic"])
    assert result.exit_code == 0, result.output
    assert "showing pick-place-seen" in result.stderr
    assert result.stdout.startswith("===== system")
