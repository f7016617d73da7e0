"""Host-side safety: every motion command is checked before it reaches a backend.

:class:`GuardedBackend` wraps any backend (physics, kinematic, a real robot) and refuses motions that
leave the safety envelope or exceed the speed limit by raising
:class:`~codepolicy.primitives.errors.SafetyStop`, which ends the program. Primitives validate their
arguments first and give friendlier errors; this layer is the last line, and it is the one that matters
on hardware, so it never trusts the caller.

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> guarded = GuardedBackend(KinematicBackend())
    >>> guarded.move_tcp((0.0, 0.5, 0.2))
    Traceback (most recent call last):
    ...
    codepolicy.primitives.errors.SafetyStop: motion target (0.000, 0.500, 0.200) leaves ...
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from codepolicy.envs.backend import (
    DEFAULT_SPEED,
    MAX_SPEED,
    Backend,
    CameraFrame,
    GripperResult,
    MoveResult,
    ObjectSpawn,
)
from codepolicy.envs.frame import WORKSPACE_X, WORKSPACE_Y
from codepolicy.envs.state import SceneState, Vec3
from codepolicy.primitives.errors import SafetyStop


@dataclass(frozen=True)
class SafetyLimits:
    """The envelope motion targets must stay inside, and the speed limit.

    Attributes:
        x: Allowed TCP x range, metres (the workspace plus a margin).
        y: Allowed TCP y range, metres.
        z: Allowed TCP height range, metres.
        max_speed: Highest TCP speed, metres per second.
    """

    x: tuple[float, float] = (WORKSPACE_X[0] - 0.05, WORKSPACE_X[1] + 0.05)
    y: tuple[float, float] = (WORKSPACE_Y[0] - 0.05, WORKSPACE_Y[1] + 0.15)
    z: tuple[float, float] = (0.0, 0.65)
    max_speed: float = MAX_SPEED

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


class GuardedBackend:
    """A backend wrapper that checks every motion against :class:`SafetyLimits`.

    Args:
        inner: The backend to protect.
        limits: The envelope and speed limit.
    """

    def __init__(self, inner: Backend, limits: SafetyLimits | None = None) -> None:
        self.inner = inner
        self.limits = limits or SafetyLimits()
        self.name = inner.name

    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Reset the inner backend."""
        return self.inner.reset(objects, seed)

    def observe(self) -> SceneState:
        """Observe the inner backend."""
        return self.inner.observe()

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Check the target and speed, then move."""
        target = (float(target[0]), float(target[1]), float(target[2]))
        self.limits.check(target, speed)
        return self.inner.move_tcp(target, speed=speed, stop_on_contact=stop_on_contact)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``) or close the gripper."""
        if width is not None and not (math.isfinite(width) and 0.0 <= width <= 0.2):
            raise SafetyStop(f"gripper width {width} m is outside [0, 0.2] m")
        return self.inner.set_gripper(open, width)

    def wait(self, seconds: float) -> None:
        """Wait, at most a minute per call."""
        if not 0 <= seconds <= 60:
            raise SafetyStop(f"wait of {seconds} s is outside [0, 60] s")
        self.inner.wait(seconds)

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """Render the inner backend's camera."""
        return self.inner.render(width, height)

    @property
    def sim_time(self) -> float:
        """The inner backend's clock."""
        return self.inner.sim_time

    def close(self) -> None:
        """Close the inner backend."""
        self.inner.close()
