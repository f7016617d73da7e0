"""The operator's part of ``codepolicy run --backend remote --scene-file FILE``.

The scene comes from a file the operator wrote and confirms before any motion; success is what the
operator answers after the run (``--grade operator``), or, without an operator to ask (no terminal,
or ``--grade auto``), what perception of the scene file shows, and the feedback says which.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from codepolicy.cli.common import fail

if TYPE_CHECKING:
    from codepolicy.envs.roles import World
    from codepolicy.pipeline import EpisodeResult
    from codepolicy.robot.operator import OperatorScene

GRADES = ("operator", "auto")


def ask_line(prompt: str) -> str:
    """Show ``prompt`` on stderr and read one answer line from stdin (``EOFError`` at its end)."""
    typer.echo(prompt, err=True, nl=False)
    line = sys.stdin.readline()
    if not line:
        typer.echo("", err=True)
        raise EOFError
    return line.rstrip("\n")


def grade_mode(grade: str | None) -> str:
    """``operator`` or ``auto``: the default asks the operator only when stdin is a terminal."""
    if grade is None:
        return "operator" if sys.stdin.isatty() else "auto"
    if grade not in GRADES:
        fail(f"--grade must be operator or auto, got '{grade}'")
    return grade


def load_operator_scene(scene_file: Path) -> OperatorScene:
    """The validated scene file as a scene role (exit 2 naming file, line and field)."""
    from codepolicy.cli.common import config_errors
    from codepolicy.robot.operator import OperatorScene
    from codepolicy.robot.scene_file import load_scene_file

    with config_errors():
        return OperatorScene(load_scene_file(scene_file), str(scene_file))


def operator_world(robot: Any, scene: OperatorScene) -> World:
    """The remote robot acting, the operator's scene knowing the objects and following the
    robot's own grasps and releases."""
    from codepolicy.envs.roles import World
    from codepolicy.robot.tracking import TrackingRobot

    return World(TrackingRobot(robot, scene.belief), scene, name="remote")


def confirm_or_stop(scene: OperatorScene, world: World) -> None:
    """Ask the operator to confirm the scene before any motion; anything but yes exits 1."""
    from codepolicy.robot.operator import confirm_scene

    if not confirm_scene(scene, ask_line, lambda text: typer.echo(text, err=True)):
        world.close()
        typer.echo(
            "Stopped: the operator did not confirm the scene; the robot did not move.", err=True
        )
        raise typer.Exit(1)


def grade(result: EpisodeResult, scene: Any, mode: str) -> tuple[EpisodeResult, dict[str, Any]]:
    """Grade a run whose scene has no ground truth; the result and the ``--json`` grading fields."""
    from codepolicy.robot.operator import (
        GRADED_BY_PERCEPTION,
        OperatorScene,
        ask_grade,
        graded_feedback,
    )

    if not isinstance(scene, OperatorScene) or scene.has_ground_truth:
        return result, {}
    answer = ask_grade(ask_line) if mode == "operator" else None
    if answer is None:
        feedback = result.feedback.model_copy(
            update={"explanation": f"{result.feedback.explanation}; {GRADED_BY_PERCEPTION}"}
        )
        fields = {"graded_by": "perception"}
    else:
        feedback = graded_feedback(result.feedback, answer)
        fields = {"graded_by": "operator", "operator_note": answer.note}
    solution = replace(result.solution, feedback=feedback)
    return replace(result, solution=solution), {**fields, "scene_source": scene.scene_source}
