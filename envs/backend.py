"""The ``Backend`` seam: the only way primitives touch a world.

A backend moves the gripper's tool centre point (TCP), opens and closes the gripper, reports the scene,
renders a camera and lets time pass. The PyBullet physics world, the instant kinematic world and, later,
a real-robot client and third-party gymnasium adapters all implement this one small interface, so a
program and its primitives never know which world they run in.

Like a real arm, a move reports where the gripper really went (``MoveResult.reached``), which may differ
from where it was asked to go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from codepolicy.envs.state import SceneState, Vec3

DEFAULT_SPEED = 0.5
"""Default TCP speed for moves, metres per (simulated) second."""
MAX_SPEED = 1.0
"""Hard speed limit any backend enforces, metres per second."""


@dataclass(frozen=True)
class ObjectSpawn:
    """Where and how to create one object when a scene is reset."""

    name: str
    kind: str
    color: str
    x: float
    y: float
    yaw: float = 0.0


@dataclass(frozen=True)
class MoveResult:
    """Outcome of a TCP move.

    Attributes:
        target: Where the TCP was asked to go.
        reached: Where the TCP really is after the move.
        ok: Whether ``reached`` is within the backend's tolerance of ``target``.
        reason: Why not, when not ok: ``"unreachable"``, ``"collision"`` or ``"timeout"``.
        contact: Whether the gripper or held object touched something on the way (moves that
            stop on contact use this to lower "until contact").
        sim_seconds: Simulated time the move took.
    """

    target: Vec3
    reached: Vec3
    ok: bool
    reason: str | None = None
    contact: bool = False
    sim_seconds: float = 0.0


@dataclass(frozen=True)
class GripperResult:
    """Outcome of opening or closing the gripper.

    Attributes:
        opening: Distance between the fingers afterwards, metres.
        held: Name of the object now held, or ``None``.
        sim_seconds: Simulated time the motion took.
    """

    opening: float
    held: str | None
    sim_seconds: float = 0.0


@dataclass(frozen=True)
class CameraFrame:
    """One rendered camera image: RGB, metric depth and the camera model that produced them."""

    rgb: np.ndarray
    depth: np.ndarray
    intrinsics: np.ndarray = field(default_factory=lambda: np.eye(3))
    extrinsics: np.ndarray = field(default_factory=lambda: np.eye(4))
    """World-from-camera transform (4x4)."""


@runtime_checkable
class Backend(Protocol):
    """What every world offers the primitives.

    All positions are metres in the tabletop frame (robot base at the origin, table at z = 0).
    """

    name: str

    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Rebuild the scene with these objects, home the robot, let everything settle."""
        ...

    def observe(self) -> SceneState:
        """The current scene: every object, the gripper and what it holds."""
        ...

    def move_tcp(
        self,
        target: Vec3,
        *,
        speed: float = DEFAULT_SPEED,
        stop_on_contact: bool = False,
    ) -> MoveResult:
        """Move the gripper (pointing down) in a straight line to ``target``.

        Args:
            target: Wanted TCP position.
            speed: TCP speed in m/s, at most :data:`MAX_SPEED`.
            stop_on_contact: Stop early when the gripper or the held object touches something.
        """
        ...

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open the gripper, or close it until it closes on something.

        Args:
            open: Open (releasing what is held) or close.
            width: When opening, the finger distance to open to, metres — just enough to let go
                of an object without the fingers reaching neighbouring walls; None opens fully.
        """
        ...

    def wait(self, seconds: float) -> None:
        """Let simulated (or real) time pass with the robot holding still."""
        ...

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """Render the default scene camera."""
        ...

    @property
    def sim_time(self) -> float:
        """Seconds of world time since the last reset."""
        ...

    def close(self) -> None:
        """Release the world's resources. The backend is unusable afterwards."""
        ...
