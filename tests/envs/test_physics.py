"""PhysicsBackend: moves, grasps, pick-and-place across the workspace, stacking, reachability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from codepolicy.envs.backend import MAX_SPEED, Backend, ObjectSpawn
from codepolicy.envs.physics import PhysicsBackend
from codepolicy.envs.robot import NEAR_YAW, forward_kinematics, hand_angles, inverse_kinematics
from codepolicy.envs.state import Vec3

TRAVEL_Z = 0.2


@pytest.fixture(scope="module")
def backend() -> PhysicsBackend:
    b = PhysicsBackend()
    yield b
    b.close()


def pick_and_place(b: PhysicsBackend, name: str, dest: Vec3) -> None:
    """Grasp ``name`` from above, carry it at 0.5 m/s and lower it until contact at ``dest``."""
    x, y, z = b.observe()[name].position
    assert b.set_gripper(open=True).held is None
    assert b.move_tcp((x, y, TRAVEL_Z)).ok
    assert b.move_tcp((x, y, z)).ok
    grip = b.set_gripper(open=False)
    assert grip.held == name
    assert 0.035 < grip.opening < 0.06  # a yawed cube may be held across its edges
    assert b.move_tcp((x, y, TRAVEL_Z)).ok
    before = b.observe()
    offset = np.subtract(before[name].position, before.gripper_position)
    assert b.move_tcp((dest[0], dest[1], TRAVEL_Z), speed=0.5).ok
    after = b.observe()
    assert after.held == name
    moved = np.subtract(after[name].position, after.gripper_position)
    assert np.linalg.norm(moved - offset) < 0.003  # no slip while carrying
    down = b.move_tcp(dest, stop_on_contact=True)
    assert down.ok
    b.set_gripper(open=True)
    assert b.observe().held is None
    assert b.move_tcp((dest[0], dest[1], TRAVEL_Z)).ok


def test_is_a_backend(backend: PhysicsBackend) -> None:
    assert isinstance(backend, Backend)
    scene = backend.reset([])
    assert scene.gripper_opening == pytest.approx(0.08, abs=1e-3)
    assert scene.held is None and scene.sim_time == 0.0


@pytest.mark.parametrize(
    ("start", "dest"),
    [
        ((0.25, -0.75), (-0.25, -0.25)),
        ((-0.25, -0.75), (0.25, -0.25)),
        ((0.25, -0.25), (-0.25, -0.75)),
        ((-0.25, -0.25), (0.1, -0.5)),
        ((0.0, -0.6), (0.25, -0.75)),
    ],
)
def test_pick_and_place_across_the_workspace(
    backend: PhysicsBackend, start: tuple[float, float], dest: tuple[float, float]
) -> None:
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", *start, yaw=0.4),
            ObjectSpawn("green block", "block", "green", 0.0, -0.45),
        ]
    )
    pick_and_place(backend, "red block", (dest[0], dest[1], 0.025))
    scene = backend.observe()
    block = scene["red block"]
    assert math.dist(block.position[:2], dest) < 0.01
    assert block.position[2] == pytest.approx(0.02, abs=0.003)
    assert math.dist(scene["green block"].position[:2], (0.0, -0.45)) < 0.003


def test_stacking_and_placing_into_a_bowl(backend: PhysicsBackend) -> None:
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", -0.15, -0.45),
            ObjectSpawn("blue block", "block", "blue", 0.1, -0.6),
            ObjectSpawn("yellow bowl", "bowl", "yellow", 0.15, -0.35),
            ObjectSpawn("green block", "block", "green", -0.1, -0.65),
        ]
    )
    pick_and_place(backend, "red block", (0.1, -0.6, 0.065))
    pick_and_place(backend, "green block", (0.15, -0.35, 0.04))
    backend.wait(1.0)
    scene = backend.observe()
    red, blue = scene["red block"], scene["blue block"]
    assert math.dist(red.position[:2], blue.position[:2]) < 0.01
    assert red.bottom_z == pytest.approx(blue.top_z, abs=0.004)
    green, bowl = scene["green block"], scene["yellow bowl"]
    assert math.dist(green.position[:2], bowl.position[:2]) < 0.04
    assert green.bottom_z < bowl.bottom_z + 0.015


@pytest.mark.parametrize(
    ("start", "dest"),
    [
        ((0.2, -0.55), (0.0, -0.25)),
        ((-0.15, -0.6), (0.1, -0.27)),
        ((0.1, -0.45), (-0.05, -0.26)),
        ((0.0, -0.25), (-0.2, -0.65)),
    ],
)
def test_pick_and_place_near_the_base(
    backend: PhysicsBackend, start: tuple[float, float], dest: tuple[float, float]
) -> None:
    """Pointing down the arm cannot reach the top side: the hand tilts there, and grasps hold."""
    backend.reset([ObjectSpawn("red block", "block", "red", *start, yaw=-0.3)])
    pick_and_place(backend, "red block", (dest[0], dest[1], 0.025))
    backend.wait(0.5)
    block = backend.observe()["red block"]
    assert math.dist(block.position[:2], dest) < 0.015
    assert block.position[2] == pytest.approx(0.02, abs=0.003)


def test_stacking_on_the_top_side(backend: PhysicsBackend) -> None:
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", -0.15, -0.5, yaw=0.5),
            ObjectSpawn("blue block", "block", "blue", 0.15, -0.6, yaw=-0.2),
        ]
    )
    pick_and_place(backend, "red block", (0.0, -0.25, 0.025))
    pick_and_place(backend, "blue block", (0.0, -0.25, 0.065))
    backend.wait(1.0)
    scene = backend.observe()
    red, blue = scene["red block"], scene["blue block"]
    assert math.dist(red.position[:2], (0.0, -0.25)) < 0.015
    assert math.dist(red.position[:2], blue.position[:2]) < 0.015
    assert blue.bottom_z == pytest.approx(red.top_z, abs=0.004)


def test_the_hand_tilts_at_the_top_side_and_points_down_again_away_from_it(
    backend: PhysicsBackend,
) -> None:
    backend.reset([])
    for target in [(0.0, -0.25, 0.15), (0.0, -0.25, 0.02)]:
        result = backend.move_tcp(target)
        assert result.ok, result
        assert math.dist(result.reached, target) < 0.005  # the TCP, not the flange
        pitch, yaw = hand_angles(backend.world.robot.arm_q())
        assert yaw == pytest.approx(NEAR_YAW, abs=0.02) and pitch > math.radians(5)
    assert backend.move_tcp((0.0, -0.5, 0.15)).ok
    pitch, yaw = hand_angles(backend.world.robot.arm_q())
    assert abs(pitch) < 0.01 and abs(yaw) < 0.01


def test_closing_on_nothing_holds_nothing(backend: PhysicsBackend) -> None:
    backend.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    result = backend.set_gripper(open=False)
    assert result.held is None and result.opening < 0.002
    assert result.sim_seconds > 0


def test_unreachable_target_is_refused_without_moving(backend: PhysicsBackend) -> None:
    scene = backend.reset([])
    result = backend.move_tcp((0.7, -1.2, 0.02))
    assert not result.ok and result.reason == "unreachable"
    assert math.dist(result.reached, scene.gripper_position) < 1e-3
    assert backend.move_tcp((0.0, -0.5, 0.2)).ok  # still usable afterwards


def test_stop_on_contact_stops_on_the_table(backend: PhysicsBackend) -> None:
    backend.reset([])
    assert backend.move_tcp((0.1, -0.5, 0.1)).ok
    result = backend.move_tcp((0.1, -0.5, -0.05), speed=0.2, stop_on_contact=True)
    assert result.contact and result.ok
    assert 0.0 < result.reached[2] < 0.03
    # Without stop_on_contact the table blocks the arm: reported as a collision.
    assert backend.move_tcp((0.1, -0.5, 0.1)).ok
    blocked = backend.move_tcp((0.1, -0.5, -0.05))
    assert not blocked.ok and blocked.reason == "collision" and blocked.contact


def test_speed_is_capped_and_time_advances(backend: PhysicsBackend) -> None:
    backend.reset([])
    t0 = backend.sim_time
    result = backend.move_tcp((0.2, -0.5, 0.2), speed=50.0)
    assert result.ok
    distance = math.dist((0.0, -0.45, 0.4), (0.2, -0.5, 0.2))
    assert result.sim_seconds >= distance / MAX_SPEED
    assert backend.sim_time - t0 == pytest.approx(result.sim_seconds)
    with pytest.raises(ValueError):
        backend.move_tcp((0.0, -0.5, 0.2), speed=0.0)


def test_ik_matches_forward_kinematics() -> None:
    seed = (0.0, -0.16, 0.0, -2.19, 0.0, 2.03, -0.785)
    for target in [(0.25, -0.75, 0.02), (-0.25, -0.25, 0.02), (0.0, -0.5, 0.3)]:
        q, err = inverse_kinematics(target, seed)
        assert err < 1e-3
        assert np.linalg.norm(forward_kinematics(q) - np.asarray(target)) < 1e-3
    # Pointing straight down, the elbow-up arm cannot reach the top side (joint 4 folds fully).
    _, err = inverse_kinematics((0.0, -0.25, 0.06), seed)
    assert err > 1e-3
