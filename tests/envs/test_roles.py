"""Robot and scene roles, the world's guard (wrapped once, on every path) and the frame."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.errors import NoGroundTruth, RobotNotConnected, SafetyStop
from codepolicy.envs.frame import TABLETOP
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import ObjectSpawn, Robot, Scene, World
from codepolicy.envs.safety import GuardedRobot, SafetyLimits
from codepolicy.errors import ConfigError
from codepolicy.gym.tabletop_env import TabletopEnv
from codepolicy.primitives.perception import make_perception


def test_simulators_play_both_roles_and_the_world_guards_the_robot_once() -> None:
    backend = KinematicBackend()
    assert isinstance(backend, Robot) and isinstance(backend, Scene)
    world = World.of(backend)
    assert isinstance(world.robot, GuardedRobot) and world.robot.unwrapped is backend
    again = World(world.robot, backend)
    assert again.robot is world.robot  # never a guard around a guard
    assert GuardedRobot(world.robot).unwrapped is backend
    assert world.frame is TABLETOP and world.name == "kinematic"


def test_robot_state_reports_what_the_robot_knows() -> None:
    world = make_world("kinematic")
    world.scene.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    state = world.robot.robot_state()
    assert state.tcp == TABLETOP.home_tcp and not state.holding and state.held is None
    world.robot.move_tcp((0.1, -0.5, 0.02))
    world.robot.set_gripper(open=False)
    state = world.robot.robot_state()
    assert state.holding and state.held == "red block" and state.gripper_opening == 0.04


@pytest.mark.parametrize(
    "command",
    [
        lambda r: r.move_tcp((0.0, -0.5, 0.2)),
        lambda r: r.set_gripper(open=True),
        lambda r: r.robot_state(),
        lambda r: r.wait(0.1),
    ],
)
def test_commands_to_a_disconnected_robot_fail_clearly(command: Any) -> None:
    world = make_world("kinematic")
    world.robot.disconnect()
    assert not world.robot.is_connected
    with pytest.raises(RobotNotConnected, match="robot 'kinematic' is not connected"):
        command(world.robot)
    world.robot.connect()
    command(world.robot)


def test_closing_a_world_disconnects_its_robot() -> None:
    world = make_world("kinematic")
    world.close()
    with pytest.raises(RobotNotConnected):
        world.robot.move_tcp((0.0, -0.5, 0.2))


def test_the_safety_envelope_derives_from_the_frame() -> None:
    shifted = replace(TABLETOP, name="shifted", workspace_x=(0.5, 1.0), table_z=0.1)
    limits = SafetyLimits.from_frame(shifted)
    assert limits.x == (0.45, 1.05) and limits.z == (0.1, 0.75)
    assert SafetyLimits.from_frame(TABLETOP).x == (-0.35, 0.35)
    world = World(KinematicBackend(), KinematicBackend(), shifted)
    assert world.robot.limits == limits
    with pytest.raises(SafetyStop, match="safety envelope"):
        world.robot.move_tcp((0.0, -0.5, 0.2))  # inside the tabletop, outside this frame


class _RealTable:
    """A scene like a real robot's: no spawning, no ground truth."""

    can_spawn = False
    has_ground_truth = False


def test_privileged_perception_refuses_a_scene_without_ground_truth() -> None:
    world = World(KinematicBackend(), _RealTable())  # type: ignore[arg-type]
    with pytest.raises(NoGroundTruth, match="cannot report"):
        make_perception("privileged", world)
    with pytest.raises(ConfigError, match="unknown perception kind 'xray'; choose one of: "):
        make_perception("xray", world)


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown backend 'mujoco'; choose one of: physics"):
        make_world("mujoco")
    with pytest.raises(ConfigError, match="--gui needs --backend physics"):
        make_world("kinematic", gui=True)


class _Recorder:
    """Stands in for the guard's limits and records every motion it is asked to check."""

    def __init__(self, limits: SafetyLimits) -> None:
        self.limits, self.checked = limits, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.limits, name)

    def check(self, target: Any, speed: float) -> None:
        self.checked.append(target)
        self.limits.check(target, speed)


def test_the_low_level_gym_env_moves_through_the_guard() -> None:
    env = TabletopEnv("pick-place", backend="kinematic")
    env.reset(seed=0)
    guard = env.world.world.robot
    assert isinstance(guard, GuardedRobot)
    recorder = _Recorder(guard.limits)
    guard.limits = recorder  # type: ignore[assignment]
    for _ in range(3):
        env.step(np.array([1.0, 1.0, 1.0, 0.0], dtype=np.float32))
    assert len(recorder.checked) == 3
    assert all(guard.limits.y[0] <= t[1] <= guard.limits.y[1] for t in recorder.checked)
    env.close()
