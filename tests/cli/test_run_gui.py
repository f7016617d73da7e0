"""`run --gui` without a display, or with a backend that has no window, is a sentence and exit 2."""

from __future__ import annotations

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
    assert "the kinematic backend has none" in result.stderr and "--video FILE" in result.stderr


def test_the_instruction_is_printed_once() -> None:
    result = CliRunner().invoke(app, ["run", "pick-place", "--backend", "kinematic"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Instruction:") == 1
