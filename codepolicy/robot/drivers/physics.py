"""The ``physics`` driver: our PyBullet tabletop served as if it were a robot.

The simulator runs paced to the wall clock (``rate`` simulated seconds per wall second; 0 runs as
fast as it can), so motions take time like a real arm's and can be halted half-way. Because a
simulator is behind it, the driver also knows the scene (privileged ground truth).

Options (``--driver-option KEY=VALUE``): ``rate`` (default 1.0), ``grasp_assist`` (0/1).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from codepolicy.envs.backend import CameraFrame, GripperResult, MoveResult, ObjectSpawn
from codepolicy.envs.motion import ACCELERATION
from codepolicy.envs.physics import PhysicsBackend
from codepolicy.envs.robot import GRIP_FORCE
from codepolicy.envs.state import SceneState, Vec3
from codepolicy.envs.world import TabletopWorld
from codepolicy.robot.driver import DriverError, DriverInfo, RobotDriver, RobotState, StopCheck

HALT_SETTLE_SECONDS = 0.3
"""Longest simulated time to let the arm come to rest after a halt."""
STILL_JOINT_SPEED = 0.02
"""Joint speed (rad/s) below which the arm counts as still."""


class _Halted(Exception):
    """Raised inside a simulation step to leave a motion at once."""


class _HaltablePhysics(PhysicsBackend):
    """The physics backend with a public way to stop and hold where the arm is."""

    def hold_here(self) -> None:
        """Command the current joint angles and let the arm come to rest."""
        self._hold_here()
        robot = self.world.robot
        for _ in range(round(HALT_SETTLE_SECONDS / self.world.time_step / 4)):
            if float(np.max(np.abs(robot.arm_qd()))) < STILL_JOINT_SPEED:
                break
            self.world.step(4)
            self._hold_here()


class PhysicsDriver:
    """A simulated Panda on the PyBullet tabletop, behind the :class:`RobotDriver` seam.

    Args:
        rate: Simulated seconds per wall-clock second (1.0 real time; 0 unpaced).
        grasp_assist: Passed to the physics backend.
    """

    name = "physics"
    info = DriverInfo(
        simulated=True,
        scene=True,
        fixed_accel=ACCELERATION,
        fixed_gripper_force=2 * GRIP_FORCE,
        model="panda",
    )

    def __init__(self, rate: float = 1.0, grasp_assist: bool = False) -> None:
        if rate < 0:
            raise DriverError(f"physics driver: rate must be >= 0, got {rate}")
        self.rate = rate
        self.sim = _HaltablePhysics(grasp_assist=grasp_assist)
        self._should_stop: StopCheck | None = None
        self._pace_wall = 0.0
        self._pace_sim = 0.0
        self._moving = False
        self.sim.world.set_frame_callback(self._on_step, 1)

    # ------------------------------------------------------------------ stepping
    def _on_step(self, world: TabletopWorld) -> None:
        if self._should_stop is not None and self._should_stop():
            raise _Halted
        if self.rate > 0:
            ahead = (world.sim_time - self._pace_sim) / self.rate - (
                time.monotonic() - self._pace_wall
            )
            if ahead > 0.002:
                time.sleep(ahead)

    def _begin(self, should_stop: StopCheck) -> None:
        self._should_stop = should_stop
        self._pace_wall, self._pace_sim = time.monotonic(), self.sim.sim_time
        self._moving = True

    def _end(self) -> None:
        self._should_stop = None
        self._moving = False

    # ------------------------------------------------------------------ RobotDriver
    def move_tcp(
        self,
        target: Vec3,
        *,
        speed: float,
        accel: float | None,
        stop_on_contact: bool,
        should_stop: StopCheck,
    ) -> MoveResult:
        """Move along a straight line (the physics planner's fixed acceleration); halts on demand."""
        t0 = self.sim.sim_time
        self._begin(should_stop)
        try:
            return self.sim.move_tcp(target, speed=speed, stop_on_contact=stop_on_contact)
        except _Halted:
            self._should_stop = None
            self.sim.hold_here()
            reached = self.sim.world.robot.tcp_position()
            return MoveResult(target, reached, False, "halted", False, self.sim.sim_time - t0)
        finally:
            self._end()

    def set_gripper(
        self, open: bool, width: float | None, force: float | None, should_stop: StopCheck
    ) -> GripperResult:
        """Open or close the fingers (the Panda model grips with its fixed force)."""
        t0 = self.sim.sim_time
        self._begin(should_stop)
        try:
            return self.sim.set_gripper(open, width)
        except _Halted:
            self._should_stop = None
            robot = self.sim.world.robot
            robot.command_fingers(robot.opening() / 2)
            state = self.sim.observe()
            return GripperResult(state.gripper_opening, state.held, self.sim.sim_time - t0)
        finally:
            self._end()

    def wait(self, seconds: float, should_stop: StopCheck) -> None:
        """Hold still for simulated ``seconds``."""
        self._begin(should_stop)
        try:
            self.sim.wait(seconds)
        except _Halted:
            self._should_stop = None
        finally:
            self._end()

    def hold(self) -> None:
        """Hold the current position (between commands the arm already holds still)."""
        self.sim.hold_here()

    def state(self) -> RobotState:
        """Measured TCP, fingers, joints and the held object."""
        robot = self.sim.world.robot
        scene = self.sim.observe()
        return RobotState(
            tcp=scene.gripper_position,
            gripper_opening=scene.gripper_opening,
            held=scene.held,
            sim_time=scene.sim_time,
            moving=self._moving,
            joints=tuple(float(v) for v in robot.arm_q()),
        )

    def reset(self, objects: Sequence[ObjectSpawn], seed: int) -> SceneState:
        """Rebuild the scene (not paced: a reset is set-up, not robot motion)."""
        return self.sim.reset(objects, seed)

    def observe(self) -> SceneState:
        """Ground truth of the simulated scene."""
        return self.sim.observe()

    def render(self, width: int, height: int) -> CameraFrame:
        """Render the scene camera."""
        return self.sim.render(width, height)

    def close(self) -> None:
        """Disconnect the simulator."""
        self.sim.close()


def make(options: dict[str, str]) -> RobotDriver:
    """Entry point: a physics driver from ``--driver-option`` values."""
    unknown = set(options) - {"rate", "grasp_assist"}
    if unknown:
        raise DriverError(
            f"physics driver: unknown option(s) {', '.join(sorted(unknown))}; "
            "known: rate, grasp_assist"
        )
    try:
        rate = float(options.get("rate", "1.0"))
    except ValueError:
        raise DriverError(
            f"physics driver: rate must be a number, got {options['rate']!r}"
        ) from None
    assist = options.get("grasp_assist", "0") in ("1", "true", "yes")
    return PhysicsDriver(rate=rate, grasp_assist=assist)
