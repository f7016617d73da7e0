"""The two roles a world plays, :class:`Robot` and :class:`Scene`, and the :class:`World` joining them.

A **robot** is what can act: connect and disconnect, move its tool centre point (TCP), open and close
its gripper, report its own state, let time pass, stop. Like lerobot's robots, every command returns
what was really executed (:class:`MoveResult`, :class:`GripperResult`), which may differ from what was
asked. Commands to a disconnected robot raise :class:`~codepolicy.envs.errors.RobotNotConnected`.

A **scene** is what a world knows about the objects: whether it can spawn a layout
(``can_spawn``) and report ground truth (``has_ground_truth``). A simulated scene spawns and knows
everything; a real robot's scene can do neither and says so clearly
(:class:`~codepolicy.envs.errors.CannotSpawn`, :class:`~codepolicy.envs.errors.NoGroundTruth`).
Only the success judge reads :meth:`Scene.observe`; primitives, prompts and feedback read
perception (:mod:`codepolicy.primitives.perception`).

A :class:`World` holds one robot, one scene and the :class:`~codepolicy.envs.frame.Frame` they share.
It wraps the robot in the safety guard once, when it is built (``world.robot`` is guarded,
``world.robot.unwrapped`` is not), so every path — the pipeline, the gymnasium envs, a script —
moves the robot through the guard. The physics and kinematic backends are one object playing both
roles.

All positions are metres in the world's frame.

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> world = World.of(KinematicBackend())
    >>> state = world.scene.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    >>> world.robot.move_tcp((0.1, -0.5, 0.02)).ok
    True
    >>> world.robot.set_gripper(open=False).held
    'red block'
    >>> world.robot.unwrapped is world.scene
    True
    >>> world.close()
    >>> world.robot.robot_state()
    Traceback (most recent call last):
    ...
    codepolicy.envs.errors.RobotNotConnected: robot 'kinematic' is not connected; call connect() first
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from codepolicy.envs.frame import TABLETOP, Frame
from codepolicy.envs.state import SceneState, Vec3

if TYPE_CHECKING:
    from codepolicy.envs.safety import GuardedRobot, SafetyLimits

DEFAULT_SPEED = 0.5
"""Default TCP speed for moves, metres per (simulated) second."""
MAX_SPEED = 1.0
"""Hard speed limit any robot enforces, metres per second."""


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
    """What a TCP move really did.

    Attributes:
        target: Where the TCP was asked to go.
        reached: Where the TCP really is after the move.
        ok: Whether ``reached`` is within the robot's tolerance of ``target``.
        reason: Why not, when not ok: ``"unreachable"``, ``"collision"`` or ``"timeout"``.
        contact: Whether the gripper or held object touched something on the way (moves that
            stop on contact use this to lower "until contact").
        sim_seconds: Robot-clock time the move took.
    """

    target: Vec3
    reached: Vec3
    ok: bool
    reason: str | None = None
    contact: bool = False
    sim_seconds: float = 0.0


@dataclass(frozen=True)
class GripperResult:
    """What opening or closing the gripper really did.

    Attributes:
        opening: Distance between the fingers afterwards, metres.
        held: Name of the object now held, or ``None`` (also when the robot cannot tell which).
        sim_seconds: Robot-clock time the motion took.
    """

    opening: float
    held: str | None
    sim_seconds: float = 0.0


@dataclass(frozen=True)
class RobotState:
    """The robot's own state, as far as the robot can tell.

    Attributes:
        tcp: Tool centre point position, metres.
        gripper_opening: Distance between the fingers, metres.
        holding: Whether the gripper holds something (a real gripper knows it stalled on an object).
        held: Which object it holds, when the robot knows (a simulator does; a real robot may not).
        sim_time: The robot clock, seconds since the last reset.
    """

    tcp: Vec3
    gripper_opening: float
    holding: bool = False
    held: str | None = None
    sim_time: float = 0.0


@dataclass(frozen=True)
class CameraFrame:
    """One rendered camera image: RGB, metric depth and the camera model that produced them."""

    rgb: np.ndarray
    depth: np.ndarray
    intrinsics: np.ndarray = field(default_factory=lambda: np.eye(3))
    extrinsics: np.ndarray = field(default_factory=lambda: np.eye(4))
    """World-from-camera transform (4x4)."""


@runtime_checkable
class Robot(Protocol):
    """What can act in a world: the only way primitives move anything.

    Attributes:
        name: Short name of the robot or backend (``"physics"``, ``"kinematic"``).
        frame: The workspace frame its positions are in.
    """

    name: str
    frame: Frame

    def connect(self) -> None:
        """Connect (a no-op for a simulator, which is connected from construction)."""
        ...

    def disconnect(self) -> None:
        """Disconnect; later commands raise :class:`~codepolicy.envs.errors.RobotNotConnected`."""
        ...

    @property
    def is_connected(self) -> bool:
        """Whether commands can be sent."""
        ...

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Move the gripper (pointing down) in a straight line to ``target``.

        Args:
            target: Wanted TCP position.
            speed: TCP speed in m/s, at most :data:`MAX_SPEED`.
            stop_on_contact: Stop early when the gripper or the held object touches something.

        Returns:
            What really happened (where the TCP ended up, whether it touched something).
        """
        ...

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open the gripper (to ``width`` metres between the fingers, or fully), or close it until
        it closes on something."""
        ...

    def robot_state(self) -> RobotState:
        """TCP position, gripper opening and what is held, as far as the robot can tell."""
        ...

    def wait(self, seconds: float) -> None:
        """Let time pass with the robot holding still."""
        ...

    @property
    def sim_time(self) -> float:
        """The robot clock: seconds since the last reset (simulated or real)."""
        ...

    def stop(self) -> None:
        """Halt: stop any motion and hold the current position."""
        ...


@runtime_checkable
class Scene(Protocol):
    """What a world knows about its objects.

    Attributes:
        can_spawn: Whether :meth:`reset` can create a layout (a simulator) or only verify one.
        has_ground_truth: Whether :meth:`observe` works (a simulator) or raises
            :class:`~codepolicy.envs.errors.NoGroundTruth` (a real table).
    """

    can_spawn: bool
    has_ground_truth: bool

    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Spawn (or, without ``can_spawn``, verify) this layout, home the robot, settle."""
        ...

    def observe(self) -> SceneState:
        """Ground truth: every object, the gripper and what it holds. For the success judge only."""
        ...

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """Render the scene camera."""
        ...


class LocalConnection:
    """Connection bookkeeping for an in-process simulator: connected from construction."""

    _connected: bool = True

    def connect(self) -> None:
        """Connect (nothing to open in process)."""
        self._connected = True

    def disconnect(self) -> None:
        """Mark the robot disconnected; the guard refuses commands from now on."""
        self._connected = False

    @property
    def is_connected(self) -> bool:
        """Whether commands can be sent."""
        return self._connected


class World:
    """A robot, a scene and their frame; the robot is wrapped in the safety guard exactly once.

    Args:
        robot: What acts (a :class:`Robot`). Already guarded robots are not wrapped again.
        scene: What knows the objects (a :class:`Scene`); often the same object as ``robot``.
        frame: The workspace frame; by default the robot's.
        limits: Safety limits; by default derived from the frame.
        name: Name of the world (the backend name in feedback); by default the robot's.

    Attributes:
        robot: The guarded robot (``robot.unwrapped`` is the raw one).
        scene: The scene.
        frame: The frame.
    """

    def __init__(
        self,
        robot: Robot,
        scene: Scene,
        frame: Frame | None = None,
        *,
        limits: SafetyLimits | None = None,
        name: str | None = None,
    ) -> None:
        from codepolicy.envs.safety import GuardedRobot, SafetyLimits

        self.frame: Frame = frame or getattr(robot, "frame", None) or TABLETOP
        self.robot: GuardedRobot = (
            robot
            if isinstance(robot, GuardedRobot)
            else GuardedRobot(robot, limits or SafetyLimits.from_frame(self.frame))
        )
        self.scene = scene
        self.name = name or robot.name

    @classmethod
    def of(cls, backend: Any, **kwargs: Any) -> World:
        """A world from one object playing both roles (the physics and kinematic backends)."""
        return cls(backend, backend, **kwargs)

    def close(self) -> None:
        """Disconnect the robot and release the scene (once, when both roles are one object)."""
        raw = self.robot.unwrapped
        for part in {id(raw): raw, id(self.scene): self.scene}.values():
            closer = getattr(part, "close", None) or getattr(part, "disconnect", None)
            if callable(closer):
                closer()
        if raw.is_connected:
            raw.disconnect()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def as_world(backend: Any) -> World:
    """``backend`` as a world: a :class:`World` as it is, one object playing both roles wrapped
    with :meth:`World.of` (its robot guarded)."""
    return backend if isinstance(backend, World) else World.of(backend)
