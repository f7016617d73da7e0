"""Kinematic backend geometry and the host-side safety guard."""

from __future__ import annotations

import pytest

from codepolicy.envs.backend import MAX_SPEED, Backend, ObjectSpawn
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import Robot
from codepolicy.envs.safety import GuardedRobot
from codepolicy.primitives.errors import SafetyStop


def _backend() -> KinematicBackend:
    backend = KinematicBackend()
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", 0.1, -0.5),
            ObjectSpawn("blue block", "block", "blue", -0.1, -0.4),
        ]
    )
    return backend


def test_it_implements_the_backend_protocol() -> None:
    assert isinstance(KinematicBackend(), Backend)
    assert isinstance(GuardedRobot(KinematicBackend()), Robot)


def test_held_object_follows_the_gripper_and_drops_onto_what_is_below() -> None:
    backend = _backend()
    backend.move_tcp((0.1, -0.5, 0.02))
    assert backend.set_gripper(open=False).held == "red block"
    backend.move_tcp((-0.1, -0.4, 0.2))
    assert backend.observe()["red block"].position[2] == pytest.approx(0.2)
    backend.set_gripper(open=True)
    assert backend.observe()["red block"].position == pytest.approx((-0.1, -0.4, 0.06))


def test_stop_on_contact_stops_above_the_support() -> None:
    backend = _backend()
    backend.move_tcp((0.1, -0.5, 0.02))
    backend.set_gripper(open=False)
    backend.move_tcp((-0.1, -0.4, 0.2))
    result = backend.move_tcp((-0.1, -0.4, 0.0), stop_on_contact=True)
    assert result.contact and result.reached[2] == pytest.approx(0.06)


def test_unreachable_target_is_reported_not_raised() -> None:
    backend = _backend()
    result = backend.move_tcp((0.0, -1.2, 0.02))
    assert not result.ok and result.reason == "unreachable"


def test_simulated_time_follows_the_physics_arms_speed_profile() -> None:
    backend = _backend()
    start = backend.sim_time
    here = backend.observe().gripper_position
    backend.move_tcp((here[0], here[1], here[2] - 0.2), speed=0.5)
    # Cruise 0.2 m at 0.5 m/s, plus ramping up and down at 2 m/s^2 (0.5 / 2 s).
    assert backend.sim_time - start == pytest.approx(0.2 / 0.5 + 0.5 / 2.0)


def test_guard_refuses_targets_outside_the_envelope_and_overspeed() -> None:
    guarded = GuardedRobot(_backend())
    with pytest.raises(SafetyStop, match="safety envelope"):
        guarded.move_tcp((0.0, 0.3, 0.2))
    with pytest.raises(SafetyStop, match="speed"):
        guarded.move_tcp((0.0, -0.5, 0.2), speed=MAX_SPEED * 2)
    with pytest.raises(SafetyStop, match="non-finite"):
        guarded.move_tcp((float("nan"), -0.5, 0.2))
    assert guarded.move_tcp((0.0, -0.5, 0.2)).ok


def test_render_draws_the_scene() -> None:
    frame = _backend().render(160, 120)
    assert frame.rgb.shape == (120, 160, 3) and frame.depth.shape == (120, 160)
    assert frame.rgb.std() > 0
