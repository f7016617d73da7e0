"""What a primitive implementation receives: the robot, perception, the frame and the bookkeeping.

Primitives act through ``ctx.robot`` (the guarded robot role of the world) and learn about objects
only through ``ctx.perception``; they never read the scene's ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from codepolicy.envs.frame import TABLETOP, Frame
from codepolicy.envs.roles import DEFAULT_SPEED, Robot, RobotState, World
from codepolicy.primitives.perception import DetectedObject, Perception, make_perception

if TYPE_CHECKING:
    from codepolicy.primitives.cap_lmps import HelperLMPs


@dataclass
class MotionSettings:
    """Heights and speeds the manipulation primitives use (metres, m/s)."""

    speed: float = DEFAULT_SPEED
    min_travel_z: float = 0.15
    """Lowest TCP height for moves across the table."""
    clearance: float = 0.06
    """Extra height kept above the tallest object during travel."""
    grasp_depth: float = 0.02
    """How far below an object's top the fingers close."""
    grasp_slack: float = 0.015
    """Finger clearance on each side of an object while approaching it, metres."""
    release_slack: float = 0.005
    """Finger clearance on each side when letting go: enough to release, not so much that the
    fingers push into neighbouring walls (a finger jammed against a bowl lifts the bowl)."""
    rim_inset: float = 0.0075
    """How far inside a bowl's outer rim radius the fingers close on its wall (the wall is about
    6 mm thick and flares outwards, so 2 cm below the rim its middle is this far in), metres."""
    rim_depth: float = 0.02
    """How far below a bowl's rim the fingers close on its wall, metres."""
    rim_opening: float = 0.03
    """Finger opening while approaching a bowl's wall, metres."""
    release_gap: float = 0.008
    """Gap between a held object's bottom and its support when released (the descent also stops
    at the first contact). Measured on the physics oracle suite: releasing closer (3 mm, or
    pressing to contact) lets the high-friction fingertips drag the placed block or the bowl
    away on the retreat."""


@dataclass(frozen=True)
class Grip:
    """What a successful grasp learned, for when perception cannot see the held object.

    Attributes:
        name: The held object.
        kind: Its kind (``"block"``, ``"bowl"``).
        size: Its extent (x, y, z) when it was grasped, metres.
        tcp_above_bottom: TCP height above the object's bottom while held, metres.
    """

    name: str
    kind: str
    size: tuple[float, float, float]
    tcp_above_bottom: float


@dataclass
class PrimitiveContext:
    """State shared by every primitive call of one episode.

    Attributes:
        robot: The robot role (guarded): the only thing primitives move.
        perception: Where detections come from.
        frame: The workspace frame (bounds, named locations).
        motion: Heights and speeds for manipulation.
        said: Everything the program said with ``say()``, in order.
        grip: What the last successful grasp learned, while the object is held.
        notes: Annotations the current primitive call leaves for its step in the feedback (e.g.
            the code a helper LMP's model wrote); the host takes them after each call.
        lmps: What runs Code-as-Policies helper LMPs, when a model is configured.
    """

    robot: Robot
    perception: Perception
    frame: Frame = TABLETOP
    motion: MotionSettings = field(default_factory=MotionSettings)
    said: list[str] = field(default_factory=list)
    grip: Grip | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    lmps: HelperLMPs | None = None

    @classmethod
    def for_world(
        cls,
        world: World,
        perception: str | Perception = "privileged",
        seed: int = 0,
        **options: Any,
    ) -> PrimitiveContext:
        """A context on ``world`` with perception of a kind (or a ready :class:`Perception`).

        Example:
            >>> from codepolicy.envs.backend import make_world
            >>> ctx = PrimitiveContext.for_world(make_world("kinematic"))
            >>> ctx.robot_state().held is None, ctx.frame.name
            (True, 'tabletop')
        """
        if isinstance(perception, str):
            perception = make_perception(perception, world, seed=seed, **options)
        return cls(robot=world.robot, perception=perception, frame=world.frame)

    def take_notes(self) -> dict[str, Any]:
        """The annotations of the call that just ran, clearing them."""
        notes, self.notes = self.notes, {}
        return notes

    @classmethod
    def for_backend(cls, backend: Any, noise_std: float = 0.0, seed: int = 0) -> PrimitiveContext:
        """A context on one object playing both roles (a simulator), its robot guarded:
        :meth:`for_world` on ``World.of(backend)``, privileged (or noisy) perception."""
        world = World.of(backend)
        if noise_std > 0:
            return cls.for_world(world, "noisy", seed, noise_std=noise_std)
        return cls.for_world(world, "privileged", seed)

    def detections(self) -> dict[str, DetectedObject]:
        """Current detections by name."""
        return {d.name: d for d in self.perception.detect()}

    def robot_state(self) -> RobotState:
        """The robot's own state (TCP, opening, what it holds)."""
        return self.robot.robot_state()

    def held(self) -> str | None:
        """The held object's name: what the robot reports, or what it last grasped when it only
        knows that it holds something."""
        state = self.robot.robot_state()
        if state.held is not None or not state.holding:
            return state.held
        return self.grip.name if self.grip is not None else None

    def gripper_position(self) -> np.ndarray:
        """Where the TCP is now."""
        return np.array(self.robot.robot_state().tcp, dtype=float)
