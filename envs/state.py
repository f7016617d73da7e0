"""Plain, immutable snapshots of a tabletop scene.

Everything that judges or describes a scene (success predicates, feedback, perception) reads these
snapshots rather than a simulator, so the same code works for the physics world, the kinematic
backend and, later, a real robot.

Example:
    >>> block = ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), (0.04, 0.04, 0.04))
    >>> scene = SceneState(objects={block.name: block})
    >>> scene.names_of_kind("block")
    ('red block',)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

Vec3 = tuple[float, float, float]
Quat = tuple[float, float, float, float]


class BoxExtent:
    """The heights of a box given by its centre ``position`` and its ``size`` (both metres)."""

    position: Vec3
    size: Vec3

    @property
    def bottom_z(self) -> float:
        """Height of the lowest point of the box."""
        return self.position[2] - self.size[2] / 2

    @property
    def top_z(self) -> float:
        """Height of the highest point of the box."""
        return self.position[2] + self.size[2] / 2


@dataclass(frozen=True)
class ObjectState(BoxExtent):
    """One object on the table.

    Attributes:
        name: Spoken, unique name, e.g. ``"red block"``.
        kind: ``"block"`` or ``"bowl"``.
        color: Colour name from :data:`codepolicy.envs.frame.COLORS`.
        position: Centre of the object's bounding box in the world frame, metres.
        size: Extent of the axis-aligned bounding box along x, y, z, metres.
        orientation: Quaternion (x, y, z, w).
    """

    name: str
    kind: str
    color: str
    position: Vec3
    size: Vec3
    orientation: Quat = (0.0, 0.0, 0.0, 1.0)

    def moved_to(self, position: Vec3) -> ObjectState:
        """A copy of this object at another position."""
        return replace(self, position=position)


@dataclass(frozen=True)
class SceneState:
    """The whole scene at one instant.

    Attributes:
        objects: Objects by name, in a stable order.
        gripper_position: Tool centre point of the gripper, metres.
        gripper_opening: Distance between the fingers, metres (0 when closed).
        held: Name of the object held by the gripper, or ``None``.
        sim_time: Simulated seconds since the episode started.
    """

    objects: Mapping[str, ObjectState]
    gripper_position: Vec3 = (0.0, -0.5, 0.3)
    gripper_opening: float = 0.08
    held: str | None = None
    sim_time: float = 0.0
    extras: Mapping[str, float] = field(default_factory=dict)

    def names_of_kind(self, kind: str) -> tuple[str, ...]:
        """Names of all objects of one kind (``"block"`` or ``"bowl"``), in scene order."""
        return tuple(name for name, obj in self.objects.items() if obj.kind == kind)

    def __getitem__(self, name: str) -> ObjectState:
        return self.objects[name]
