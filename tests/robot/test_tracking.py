"""The operator's scene follows the robot's own moves: grasped objects travel with the gripper and
come to rest where they are released (on a block, in a bowl, on the table)."""

from __future__ import annotations

import math

import pytest

from codepolicy.envs.frame import BOWL_FLOOR
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import World
from codepolicy.envs.state import ObjectState
from codepolicy.oracle import oracle_program
from codepolicy.robot.operator import OperatorScene
from codepolicy.robot.scene_file import parse_scene_file
from codepolicy.robot.tracking import Belief, TrackingRobot
from codepolicy.runner.episode import run_program, spawns
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import Episode, sample_episode

CUBE = (0.04, 0.04, 0.04)
BOWL = (0.14, 0.14, 0.05)


def _belief() -> Belief:
    return Belief(
        {
            "red block": ObjectState("red block", "block", "red", (0.1, -0.5, 0.02), CUBE),
            "blue block": ObjectState("blue block", "block", "blue", (-0.1, -0.5, 0.02), CUBE),
            "green bowl": ObjectState("green bowl", "bowl", "green", (0.0, -0.7, 0.025), BOWL),
        }
    )


def _at(belief: Belief, name: str) -> tuple[float, ...]:
    return tuple(round(v, 3) for v in belief.objects[name].position)


def test_closing_takes_the_object_at_the_gripper_or_nothing() -> None:
    belief = _belief()
    assert belief.grasped((0.0, -0.3, 0.03), opening=0.04, named=None) is None  # nothing there
    assert belief.grasped((0.105, -0.5, 0.03), opening=0.0, named=None) is None  # fingers met
    assert belief.grasped((0.105, -0.5, 0.03), opening=0.04, named=None) == "red block"
    assert belief.grasped((0.0, -0.3, 0.03), opening=0.04, named="blue block") == "blue block"


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ((-0.1, -0.5, 0.075), (-0.1, -0.5, 0.06)),  # on the blue block
        ((0.0, -0.7, 0.05), (0.0, -0.7, round(BOWL_FLOOR + 0.02, 3))),  # into the green bowl
        ((0.2, -0.3, 0.05), (0.2, -0.3, 0.02)),  # on the table
    ],
)
def test_a_released_object_rests_on_what_is_below(
    release: tuple[float, float, float], expected: tuple[float, float, float]
) -> None:
    belief = _belief()
    belief.grasped((0.1, -0.5, 0.03), opening=0.04, named=None)
    belief.follow((0.1, -0.5, 0.2))
    assert _at(belief, "red block") == (0.1, -0.5, 0.19)  # held: travels with the TCP
    belief.released(release)
    assert belief.held is None and belief.moves == 1
    assert _at(belief, "red block") == pytest.approx(expected, abs=2e-3)
    assert _at(belief, "blue block") == (-0.1, -0.5, 0.02)  # the others stay put


def test_a_carried_bowl_takes_its_contents_along() -> None:
    belief = _belief()
    belief.grasped((0.1, -0.5, 0.03), opening=0.04, named=None)
    belief.released((0.0, -0.7, 0.05))  # the red block into the bowl
    wall = (0.0, -0.7 - 0.07, 0.04)  # the primitives take a bowl by its far wall
    assert belief.grasped(wall, opening=0.01, named=None) == "green bowl"
    belief.follow((0.2, -0.6 - 0.07, 0.15))
    belief.released((0.2, -0.6 - 0.07, 0.05))
    assert _at(belief, "green bowl")[:2] == (0.2, -0.6)
    assert _at(belief, "red block")[:2] == pytest.approx((0.2, -0.6), abs=0.02)


def _file_of(episode: Episode) -> OperatorScene:
    lines = ["objects:"] + [
        f"  - {{name: {o.name}, kind: {o.kind}, colour: {o.color}, x: {o.x}, y: {o.y}}}"
        for o in episode.objects
    ]
    return OperatorScene(parse_scene_file("\n".join(lines) + "\n", "scene.yaml"), "scene.yaml")


@pytest.mark.parametrize(("scenario", "seed"), [("stack-blocks", 0), ("blocks-in-bowl", 1)])
def test_the_belief_follows_a_program_as_the_real_scene_moved(scenario: str, seed: int) -> None:
    """A kinematic arm stands in for the robot: the belief must end where its ground truth does."""
    episode = sample_episode(get_scenario(scenario), seed=seed)
    arm = KinematicBackend()
    arm.reset(spawns(episode), seed=seed)
    scene = _file_of(episode)
    world = World(TrackingRobot(arm, scene.belief), scene, name="remote")
    feedback = run_program(episode, oracle_program(episode), world, perception="operator")
    truth = arm.observe().objects
    assert scene.belief.moves >= 2
    for name, obj in scene.state().objects.items():
        assert math.dist(obj.position, truth[name].position) < 0.012, name
    assert feedback.success, feedback.explanation
    assert "judged from perception" in feedback.explanation
