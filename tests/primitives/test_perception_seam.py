"""Primitives, prompts and feedback learn about objects from perception, never from ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import ObjectSpawn, World
from codepolicy.primitives import default as P
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import GraspMissed
from codepolicy.primitives.perception import PERCEPTION, DetectedObject, PrivilegedPerception
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode


class Shifted:
    """Sees every object ``dx`` metres to the right, and an extra tall 'ghost' box."""

    def __init__(self, world: World, dx: float = 0.0, ghost: bool = False) -> None:
        self.truth = PrivilegedPerception(world.scene)
        self.dx, self.ghost = dx, ghost

    def detect(self) -> list[DetectedObject]:
        found = [
            DetectedObject(
                d.name, d.kind, d.color, (d.position[0] + self.dx, *d.position[1:]), d.size
            )
            for d in self.truth.detect()
        ]
        if self.ghost:
            found.append(
                DetectedObject("ghost", "block", "gray", (0.25, -0.75, 0.15), (0.04, 0.04, 0.3))
            )
        return found


def _world() -> World:
    world = make_world("kinematic")
    world.scene.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    return world


def test_grasp_goes_where_perception_says_the_object_is() -> None:
    world = _world()
    ctx = PrimitiveContext(robot=world.robot, perception=Shifted(world, dx=0.05), frame=world.frame)
    with pytest.raises(GraspMissed, match="closed on nothing"):
        P.grasp(ctx, "red block")
    assert world.scene.observe()["red block"].position[:2] == (0.1, -0.5)


def test_travel_height_clears_what_perception_sees() -> None:
    world = _world()
    ctx = PrimitiveContext(
        robot=world.robot, perception=Shifted(world, ghost=True), frame=world.frame
    )
    P.grasp(ctx, "red block")
    assert world.robot.robot_state().tcp[2] >= 0.3 + 0.04 + ctx.motion.clearance - 1e-9


@pytest.fixture
def shifted_kind() -> Iterator[None]:
    PERCEPTION.register("shifted-test", lambda world, seed=0, **o: Shifted(world, **o))
    yield
    PERCEPTION.unregister("shifted-test")


def test_feedback_scene_is_perceived_but_the_judge_reads_ground_truth(shifted_kind: Any) -> None:
    episode = sample_episode(get_scenario("pick-place"), 0)
    program = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    world = make_world("kinematic")
    exact = run_program(episode, "say('nothing')", world)
    seen = run_program(
        episode, "say('nothing')", world, perception="shifted-test", perception_options={"dx": 0.1}
    )
    assert exact.scene != seen.scene and not seen.success
    name = episode.objects[0].name
    x = world.scene.observe()[name].position[0]
    assert any(line.startswith(f"{name} at ({x + 0.1:.2f}") for line in seen.scene)
    assert run_program(episode, program, world, perception="noisy").success
