"""Camera and mask perception on rendered PyBullet scenes, scored against ground truth."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.frame import COLORS
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.physics import PhysicsBackend
from codepolicy.envs.roles import World
from codepolicy.primitives.camera_perception import CameraPerception, CameraRig
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.default import grasp
from codepolicy.primitives.perception_kinds import PerceptionUnavailable, make_perception
from codepolicy.primitives.perception_score import score

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def backend() -> Iterator[PhysicsBackend]:
    world = PhysicsBackend()
    yield world
    world.close()


def _check(backend: PhysicsBackend, kind: str, max_error: float = 0.01) -> None:
    perception = make_perception(kind, backend)
    result = score(perception.detect(), backend.observe())
    assert result.missed == [], f"{kind} missed {result.missed}"
    assert result.false_positives == 0
    assert max(result.errors) < max_error, f"{kind} errors {result.errors}"


@pytest.mark.parametrize("kind", ["camera", "mask"])
def test_all_ten_colours_as_blocks_and_bowls_are_found_within_a_centimetre(
    backend: PhysicsBackend, kind: str
) -> None:
    colours = list(COLORS)
    spawns = [
        ObjectSpawn(f"{c} block", "block", c, -0.25 + 0.125 * i, -0.28)
        for i, c in enumerate(colours[:5])
    ]
    spawns += [
        ObjectSpawn(f"{c} block", "block", c, -0.25 + 0.125 * i, -0.75, yaw=0.4)
        for i, c in enumerate(colours[5:])
    ]
    spawns += [
        ObjectSpawn(f"{c} bowl", "bowl", c, -0.2 + 0.2 * i, -0.42)
        for i, c in enumerate(colours[:3])
    ]
    spawns += [
        ObjectSpawn(f"{c} bowl", "bowl", c, -0.2 + 0.2 * i, -0.6) for i, c in enumerate(colours[7:])
    ]
    backend.reset(spawns)
    _check(backend, kind)


@pytest.mark.parametrize("kind", ["camera", "mask"])
def test_stacks_and_a_block_in_a_bowl_of_its_own_colour(backend: PhysicsBackend, kind: str) -> None:
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", 0.1, -0.5),
            ObjectSpawn("blue block", "block", "blue", 0.1, -0.5),
            ObjectSpawn("gray block", "block", "gray", 0.1, -0.5),
            ObjectSpawn("green bowl", "bowl", "green", -0.15, -0.45),
            ObjectSpawn("green block", "block", "green", -0.14, -0.46),
        ]
    )
    scene = backend.observe()
    assert scene["gray block"].position[2] > 0.09  # really a three-block tower
    _check(backend, kind)


def test_the_block_in_the_gripper_is_found_where_it_is(backend: PhysicsBackend) -> None:
    backend.reset(
        [
            ObjectSpawn("yellow block", "block", "yellow", 0.05, -0.55),
            ObjectSpawn("cyan bowl", "bowl", "cyan", -0.1, -0.4),
        ]
    )
    grasp(PrimitiveContext.for_world(World.of(backend)), "yellow block")
    assert backend.observe().held == "yellow block"
    _check(backend, "camera", max_error=0.015)


def test_shadows_and_shading_do_not_change_what_is_seen(backend: PhysicsBackend) -> None:
    backend.reset(
        [
            ObjectSpawn("brown block", "block", "brown", 0.0, -0.45),
            ObjectSpawn("pink bowl", "bowl", "pink", 0.12, -0.6),
            ObjectSpawn("purple block", "block", "purple", -0.12, -0.6),
        ]
    )
    world = backend.world
    plain = CameraPerception(world.render_camera).detect()
    shadowed = CameraPerception(world.render_camera, CameraRig(shadows=True)).detect()
    assert [d.name for d in plain] == [d.name for d in shadowed]
    for a, b in zip(plain, shadowed, strict=True):
        assert math.dist(a.position, b.position) < 0.003


def test_an_object_no_camera_sees_is_not_reported(backend: PhysicsBackend) -> None:
    backend.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.5)])
    backend.world.client.resetBasePositionAndOrientation(
        backend.world.body_id("red block"), (0.0, -0.5, -0.3), (0, 0, 0, 1)
    )  # under the table
    assert make_perception("camera", backend).detect() == []
    assert make_perception("mask", backend).detect() == []


def test_detections_carry_a_confidence(backend: PhysicsBackend) -> None:
    backend.reset([ObjectSpawn("orange block", "block", "orange", 0.0, -0.5)])
    (found,) = make_perception("camera", backend).detect()
    assert 0.9 <= found.confidence <= 1.0


def test_camera_kinds_on_a_world_without_cameras_say_so() -> None:
    with pytest.raises(PerceptionUnavailable, match="needs a world that renders cameras"):
        make_perception("mask", KinematicBackend())
    with pytest.raises(ValueError, match="unknown perception 'lidar'; known kinds: privileged"):
        make_perception("lidar", KinematicBackend())


def test_an_unchanged_scene_is_not_rendered_again_but_a_moved_object_is_seen(
    backend: PhysicsBackend,
) -> None:
    backend.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.5)])
    perception = make_perception("camera", backend)
    first = perception.detect()
    assert isinstance(perception, CameraPerception)
    assert perception.timing.render > 0
    assert perception.detect() == first
    assert perception.timing.render == 0.0
    backend.world.client.resetBasePositionAndOrientation(
        backend.world.body_id("red block"), (0.1, -0.6, 0.02), (0, 0, 0, 1)
    )
    (moved,) = perception.detect()
    assert math.dist(moved.position[:2], (0.1, -0.6)) < 0.005


def test_a_block_touching_a_bowl_of_its_own_colour_is_told_apart(backend: PhysicsBackend) -> None:
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", 0.0, -0.45),
            ObjectSpawn("red bowl", "bowl", "red", 0.095, -0.45),
        ]
    )
    _check(backend, "camera")
