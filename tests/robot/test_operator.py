"""The operator's scene role, the ``operator`` perception kind, and operator grading."""

from __future__ import annotations

import pytest

from codepolicy.envs.errors import NoGroundTruth
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import ObjectSpawn, World
from codepolicy.errors import ConfigError
from codepolicy.primitives.perception import make_perception
from codepolicy.robot.operator import (
    Grade,
    OperatorScene,
    SceneMismatch,
    ask_grade,
    confirm_scene,
    graded_feedback,
)
from codepolicy.robot.scene_file import parse_scene_file
from codepolicy.runner.episode import run_program, spawns
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode

TEXT = """\
objects:
  - {name: red block, kind: block, colour: red, x: 0.1, y: -0.5}
  - {name: blue bowl, kind: bowl, colour: blue, x: -0.15, y: -0.45}
"""


def _scene() -> OperatorScene:
    return OperatorScene(parse_scene_file(TEXT, "scene.yaml"), "scene.yaml")


def _answers(*lines: str):  # type: ignore[no-untyped-def]
    queue = list(lines)

    def ask(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return ask


def test_operator_scene_has_no_ground_truth_and_privileged_refuses_it() -> None:
    world = World(KinematicBackend(), _scene())
    assert not world.scene.can_spawn and not world.scene.has_ground_truth
    with pytest.raises(NoGroundTruth):
        world.scene.observe()
    with pytest.raises(NoGroundTruth):
        make_perception("privileged", world)
    seen = make_perception("operator", world).detect()
    assert [(d.name, d.kind, d.color, d.position[:2]) for d in seen] == [
        ("red block", "block", "red", (0.1, -0.5)),
        ("blue bowl", "bowl", "blue", (-0.15, -0.45)),
    ]
    world.close()


def test_operator_perception_needs_an_operator_scene() -> None:
    world = World.of(KinematicBackend())
    with pytest.raises(ConfigError, match="--scene-file"):
        make_perception("operator", world)
    world.close()


def test_reset_verifies_the_layout_names_what_does_not_match() -> None:
    scene = _scene()
    ok = scene.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.4)])
    assert ok.objects["red block"].position[:2] == (0.1, -0.5)
    with pytest.raises(SceneMismatch) as info:
        scene.reset(
            [
                ObjectSpawn("green block", "block", "green", 0.0, -0.4),
                ObjectSpawn("blue bowl", "block", "blue", 0.0, -0.4),
            ]
        )
    assert "'green block' is not listed" in str(info.value)
    assert "'blue bowl' is listed as a blue bowl, the task needs a blue block" in str(info.value)


def test_confirm_needs_an_explicit_yes() -> None:
    shown: list[str] = []
    assert confirm_scene(_scene(), _answers("y"), shown.append)
    assert "red block (red block) at x=+0.100 m, y=-0.500 m" in shown[0]
    assert not confirm_scene(_scene(), _answers(""), shown.append)
    assert not confirm_scene(_scene(), _answers("sure"), shown.append)
    assert not confirm_scene(_scene(), _answers(), shown.append)


def test_ask_grade_repeats_until_y_or_n_and_takes_a_note() -> None:
    assert ask_grade(_answers("maybe", "N", "block fell off")) == Grade(False, "block fell off")
    assert ask_grade(_answers("yes", "")) == Grade(True, "")
    assert ask_grade(_answers("y")) == Grade(True, "")  # the note may be left out
    assert ask_grade(_answers()) is None
    assert ask_grade(_answers("a", "b", "c")) is None


def test_graded_feedback_overrides_the_perception_verdict() -> None:
    episode = sample_episode(get_scenario("pick-place"), seed=0)
    robot = KinematicBackend()
    robot.reset(spawns(episode), seed=0)  # the real table, which the operator described
    world = World(robot, _scene_for(episode))
    program = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    feedback = run_program(episode, program, world, perception="operator")
    assert feedback.executable and feedback.status.value == "failed"
    assert not feedback.success  # the file's positions do not follow the robot
    assert "judged from perception" in feedback.explanation
    graded = graded_feedback(feedback, Grade(True, "in the bowl"))
    assert graded.success and graded.status.value == "success" and graded.reward == 1.0
    assert graded.explanation == "graded by operator: achieved: in the bowl"
    failed = graded_feedback(graded, Grade(False, ""))
    assert not failed.success and failed.status.value == "failed"
    world.close()


def _scene_for(episode) -> OperatorScene:  # type: ignore[no-untyped-def]
    lines = ["objects:"] + [
        f"  - {{name: {o.name}, kind: {o.kind}, colour: {o.color}, x: {o.x}, y: {o.y}}}"
        for o in episode.objects
    ]
    return OperatorScene(parse_scene_file("\n".join(lines) + "\n", "s.yaml"), "s.yaml")
