"""Host-side safety: every robot command is checked before it reaches the robot.

:class:`GuardedRobot` wraps any :class:`~codepolicy.envs.roles.Robot` (physics, kinematic, a real arm)
once, when its :class:`~codepolicy.envs.roles.World` is built — Gymnasium-wrapper style: the guard
holds the robot and ``guarded.unwrapped`` gives it back. It refuses commands to a disconnected robot
(:class:`~codepolicy.envs.errors.RobotNotConnected`) and motions that leave the safety envelope or
exceed the speed limit (:class:`~codepolicy.envs.errors.SafetyStop`), which end the program.
Primitives validate their arguments first and give friendlier errors; this layer is the last line,
and it is the one that matters on hardware, so it never trusts the caller.

The envelope derives from the world's frame (:meth:`SafetyLimits.from_frame`).

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> guarded = GuardedRobot(KinematicBackend())
    >>> guarded.move_tcp((0.0, 0.5, 0.2))
    Traceback (most recent call last):
    ...
    codepolicy.envs.errors.SafetyStop: motion target (0.000, 0.500, 0.200) leaves ...
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from codepolicy.envs.errors import RobotNotConnected, SafetyStop
from codepolicy.envs.frame import TABLETOP, Frame
from codepolicy.envs.roles import (
    DEFAULT_SPEED,
    MAX_SPEED,
    GripperResult,
    MoveResult,
    Robot,
    RobotState,
)
from codepolicy.envs.state import Vec3

XY_MARGIN = 0.05
"""How far outside the workspace (x, and y away from the robot) the TCP may go, metres."""
NEAR_MARGIN = 0.15
"""How far outside the workspace towards the robot base (larger y) the TCP may go, metres."""
MAX_HEIGHT = 0.65
"""Highest TCP position above the table the guard allows, metres."""
MAX_GRIPPER_WIDTH = 0.2
MAX_WAIT = 60.0


@dataclass(frozen=True)
class SafetyLimits:
    """The envelope motion targets must stay inside, and the speed limit.

    Attributes:
        x: Allowed TCP x range, metres (the workspace plus a margin).
        y: Allowed TCP y range, metres.
        z: Allowed TCP height range, metres.
        max_speed: Highest TCP speed, metres per second.
    """

    x: tuple[float, float]
    y: tuple[float, float]
    z: tuple[float, float]
    max_speed: float = MAX_SPEED

    @classmethod
    def from_frame(cls, frame: Frame = TABLETOP, max_speed: float = MAX_SPEED) -> SafetyLimits:
        """The envelope of a frame: its workspace plus margins, from the table up."""
        (x0, x1), (y0, y1) = frame.workspace_x, frame.workspace_y
        return cls(
            x=(x0 - XY_MARGIN, x1 + XY_MARGIN),
            y=(y0 - XY_MARGIN, y1 + NEAR_MARGIN),
            z=(frame.table_z, frame.table_z + MAX_HEIGHT),
            max_speed=max_speed,
        )

    def check(self, target: Vec3, speed: float) -> None:
        """Raise :class:`SafetyStop` if ``target`` or ``speed`` is out of bounds."""
        if not all(math.isfinite(v) for v in (*target, speed)):
            raise SafetyStop(
                f"motion command has a non-finite value: target={target}, speed={speed}"
            )
        x, y, z = target
        if not (
            self.x[0] <= x <= self.x[1]
            and self.y[0] <= y <= self.y[1]
            and self.z[0] <= z <= self.z[1]
        ):
            raise SafetyStop(
                f"motion target ({x:.3f}, {y:.3f}, {z:.3f}) leaves the safety envelope "
                f"x {self.x}, y {self.y}, z {self.z}"
            )
        if not 0 < speed <= self.max_speed:
            raise SafetyStop(f"speed {speed:.3f} m/s exceeds the limit of {self.max_speed} m/s")


class GuardedRobot:
    """A robot wrapper that checks every command; a :class:`~codepolicy.envs.roles.Robot` itself.

    Args:
        robot: The robot to protect (a guarded robot is unwrapped first, so the guard is never
            stacked).
        limits: The envelope and speed limit; by default from the robot's frame.
    """

    def __init__(self, robot: Robot, limits: SafetyLimits | None = None) -> None:
        self.robot: Robot = robot.unwrapped if isinstance(robot, GuardedRobot) else robot
        self.frame = getattr(self.robot, "frame", TABLETOP)
        self.limits = limits or SafetyLimits.from_frame(self.frame)
        self.name = self.robot.name

    @property
    def unwrapped(self) -> Robot:
        """The robot without the guard."""
        return self.robot

    def _require_connected(self) -> None:
        if not self.robot.is_connected:
            raise RobotNotConnected(f"robot '{self.name}' is not connected; call connect() first")

    def connect(self) -> None:
        """Connect the robot."""
        self.robot.connect()

    def disconnect(self) -> None:
        """Disconnect the robot."""
        self.robot.disconnect()

    @property
    def is_connected(self) -> bool:
        """Whether the robot is connected."""
        return self.robot.is_connected

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Check the target and speed, then move."""
        self._require_connected()
        target = (float(target[0]), float(target[1]), float(target[2]))
        self.limits.check(target, speed)
        return self.robot.move_tcp(target, speed=speed, stop_on_contact=stop_on_contact)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``) or close the gripper."""
        self._require_connected()
        if width is not None and not (math.isfinite(width) and 0.0 <= width <= MAX_GRIPPER_WIDTH):
            raise SafetyStop(f"gripper width {width} m is outside [0, {MAX_GRIPPER_WIDTH}] m")
        return self.robot.set_gripper(open, width)

    def robot_state(self) -> RobotState:
        """The robot's state."""
        self._require_connected()
        return self.robot.robot_state()

    def wait(self, seconds: float) -> None:
        """Wait, at most a minute per call."""
        self._require_connected()
        if not 0 <= seconds <= MAX_WAIT:
            raise SafetyStop(f"wait of {seconds} s is outside [0, {MAX_WAIT:.0f}] s")
        self.robot.wait(seconds)

    @property
    def sim_time(self) -> float:
        """The robot clock."""
        return self.robot.sim_time

    def stop(self) -> None:
        """Halt the robot (always allowed, even when disconnected the call is passed on)."""
        self.robot.stop()
