"""What a primitive implementation receives: the world, perception and the episode's bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from codepolicy.envs.backend import DEFAULT_SPEED, Backend
from codepolicy.primitives.perception import DetectedObject, Perception, PrivilegedPerception

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


@dataclass
class PrimitiveContext:
    """State shared by every primitive call of one episode.

    Attributes:
        backend: The world (physics, kinematic, or a real robot client).
        perception: Where detections come from.
        motion: Heights and speeds for manipulation.
        said: Everything the program said with ``say()``, in order.
        notes: Annotations the current primitive call leaves for its step in the feedback (e.g.
            the code a helper LMP's model wrote); the host takes them after each call.
        lmps: What runs Code-as-Policies helper LMPs, when a model is configured.
    """

    backend: Backend
    perception: Perception
    motion: MotionSettings = field(default_factory=MotionSettings)
    said: list[str] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    lmps: HelperLMPs | None = None

    @classmethod
    def for_backend(
        cls, backend: Backend, noise_std: float = 0.0, seed: int = 0
    ) -> PrimitiveContext:
        """A context with privileged perception (optionally noisy) on ``backend``."""
        return cls(backend=backend, perception=PrivilegedPerception(backend, noise_std, seed))

    def take_notes(self) -> dict[str, Any]:
        """The annotations of the call that just ran, clearing them."""
        notes, self.notes = self.notes, {}
        return notes

    def detections(self) -> dict[str, DetectedObject]:
        """Current detections by name."""
        return {d.name: d for d in self.perception.detect()}

    def gripper_position(self) -> np.ndarray:
        """Where the TCP is now."""
        return np.array(self.backend.observe().gripper_position, dtype=float)
