"""Geometry we generate ourselves: the table, 4 cm cube blocks and concave bowls.

Nothing here is downloaded: every body is built from PyBullet primitive shapes through the caller's
``BulletClient``, so creating the same objects in the same order always yields the same bodies.

Each creator returns a :class:`BodyInfo` whose ``bbox_center``/``half_extents`` describe the body's
axis-aligned bounding box *in the body's own frame*. PyBullet reports a base's pose at its centre
of mass, and we build every body so that its frame *is* its centre-of-mass frame; the world's bounding
box is then ``position + R @ bbox_center`` with extents ``|R| @ half_extents`` (no ``getAABB`` margins).

Blocks and bowls are single rigid bodies in maximal coordinates (``useMaximalCoordinates``): the
same contacts as a one-link multibody, ~15% cheaper per step in a pick-and-place episode.

A bowl is a compound of convex pieces (a floor disc and a ring of thin, slightly flared wall boxes):
concave triangle meshes only collide properly for static bodies, a compound of convex boxes also
works for a dynamic bowl that can be pushed or carried.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from codepolicy.envs.frame import BLOCK_SIZE, BOWL_DIAMETER, BOWL_FLOOR, BOWL_HEIGHT, TABLE_Z

Rgba = tuple[float, float, float, float]

TABLE_HALF_EXTENTS = (0.6, 0.6, 0.025)
"""The table top: 1.2 m x 1.2 m, 5 cm thick, its upper face at ``TABLE_Z``."""
TABLE_CENTER = (0.0, -0.5, TABLE_Z - 0.025)
TABLE_RGBA: Rgba = (0.85, 0.82, 0.76, 1.0)
FLOOR_Z = TABLE_Z - 0.75
"""A floor well below the table so that objects pushed off the table do not fall forever."""
FLOOR_RGBA: Rgba = (0.55, 0.55, 0.58, 1.0)

BLOCK_MASS = 0.08
BLOCK_FRICTION = 0.8
BOWL_MASS = 0.4
BOWL_FRICTION = 1.0
BOWL_WALLS = 15
"""Wall pieces in the ring (PyBullet allows at most 16 visual shapes per body: 15 walls + floor)."""
BOWL_WALL_THICKNESS = 0.006
BOWL_FLOOR_THICKNESS = BOWL_FLOOR
BOWL_FLARE = math.radians(12.0)
"""Outward tilt of the bowl's walls from vertical, so it looks (and catches) like a bowl."""
BOWL_COM_HEIGHT = 0.012
"""Height of the bowl's centre of mass (and body frame) above its bottom: bowls are bottom-heavy."""


@dataclass(frozen=True)
class BodyInfo:
    """A created body and its bounding box in its own (centre-of-mass) frame.

    Attributes:
        body_id: PyBullet unique id in the creating client.
        bbox_center: Centre of the bounding box in the body frame, metres.
        half_extents: Half sizes of the bounding box along the body's axes, metres.
        footprint_radius: Radius of the smallest circle around the body's xy footprint, metres.
    """

    body_id: int
    bbox_center: tuple[float, float, float]
    half_extents: tuple[float, float, float]
    footprint_radius: float


def _quat_from_euler(client: Any, roll: float, pitch: float, yaw: float) -> list[float]:
    return list(client.getQuaternionFromEuler((roll, pitch, yaw)))


def _movable_body(
    pb: Any,
    mass: float,
    col: int,
    vis: int,
    position: tuple[float, float, float],
    yaw: float,
    friction: tuple[float, float, float],
) -> int:
    """A dynamic body turned by ``yaw``; ``friction`` is (lateral, spinning, rolling).

    No restitution and light damping, like every object that can be picked up.
    """
    orn = _quat_from_euler(pb, 0.0, 0.0, yaw)
    body = pb.createMultiBody(mass, col, vis, position, orn, useMaximalCoordinates=True)
    lateral, spinning, rolling = friction
    pb.changeDynamics(
        body,
        -1,
        lateralFriction=lateral,
        spinningFriction=spinning,
        rollingFriction=rolling,
        restitution=0.0,
        linearDamping=0.04,
        angularDamping=0.04,
    )
    return int(body)


def create_table(client: Any) -> BodyInfo:
    """Create the static table top (upper face at z = 0) and a floor slab below it.

    The floor is a finite box, not a ``GEOM_PLANE``: an infinite plane's bounding box overlaps
    every robot link and object, which costs a narrow-phase test per link every step.
    """
    pb = client
    floor_half = (1.5, 1.5, 0.05)
    floor_col = pb.createCollisionShape(pb.GEOM_BOX, halfExtents=floor_half)
    floor_vis = pb.createVisualShape(pb.GEOM_BOX, halfExtents=floor_half, rgbaColor=FLOOR_RGBA)
    pb.createMultiBody(0.0, floor_col, floor_vis, (0.0, -0.5, FLOOR_Z - floor_half[2]))
    col = pb.createCollisionShape(pb.GEOM_BOX, halfExtents=TABLE_HALF_EXTENTS)
    vis = pb.createVisualShape(pb.GEOM_BOX, halfExtents=TABLE_HALF_EXTENTS, rgbaColor=TABLE_RGBA)
    body = pb.createMultiBody(0.0, col, vis, TABLE_CENTER)
    pb.changeDynamics(body, -1, lateralFriction=0.6, restitution=0.0)
    radius = math.hypot(TABLE_HALF_EXTENTS[0], TABLE_HALF_EXTENTS[1])
    return BodyInfo(body, (0.0, 0.0, 0.0), TABLE_HALF_EXTENTS, radius)


def create_block(
    client: Any,
    rgba: Rgba,
    position: tuple[float, float, float],
    yaw: float = 0.0,
    visual: int | None = None,
) -> BodyInfo:
    """Create a dynamic cube of edge ``BLOCK_SIZE`` whose centre is at ``position`` (drawn with
    ``visual``, a visual shape id, when given: a marked block)."""
    pb = client
    half = (BLOCK_SIZE / 2,) * 3
    col = pb.createCollisionShape(pb.GEOM_BOX, halfExtents=half)
    vis = (
        visual
        if visual is not None
        else pb.createVisualShape(pb.GEOM_BOX, halfExtents=half, rgbaColor=rgba)
    )
    body = _movable_body(pb, BLOCK_MASS, col, vis, position, yaw, (BLOCK_FRICTION, 0.001, 0.0001))
    return BodyInfo(body, (0.0, 0.0, 0.0), half, BLOCK_SIZE / math.sqrt(2))


def _bowl_parts() -> list[tuple[str, tuple[float, ...], tuple[float, float, float], list[float]]]:
    """The bowl's convex pieces as (kind, size, position, quaternion) in the bowl's body frame."""
    parts: list[tuple[str, tuple[float, ...], tuple[float, float, float], list[float]]] = []
    bottom = -BOWL_COM_HEIGHT
    top = bottom + BOWL_HEIGHT
    # The walls stand on the floor disc (only the floor touches the table: fewer contacts) and
    # lean outwards; each wall's outer top edge touches the rim circle.
    wall_height = BOWL_HEIGHT - BOWL_FLOOR_THICKNESS - 0.001
    wall_len = wall_height / math.cos(BOWL_FLARE)
    half_angle = math.pi / BOWL_WALLS
    apothem_top = BOWL_DIAMETER / 2 * math.cos(half_angle)
    apothem_bottom = apothem_top - wall_height * math.tan(BOWL_FLARE)
    # Centre of the wall box: centre of its outer face moved inwards by half the thickness.
    c, s = math.cos(BOWL_FLARE), math.sin(BOWL_FLARE)
    mid_apothem = (apothem_top + apothem_bottom) / 2 - (BOWL_WALL_THICKNESS / 2) * c
    mid_z = top - wall_height / 2 + (BOWL_WALL_THICKNESS / 2) * s
    half_width = BOWL_DIAMETER / 2 * math.sin(half_angle) * 1.02
    floor_radius = apothem_bottom
    parts.append(
        (
            "cylinder",
            (floor_radius, BOWL_FLOOR_THICKNESS),
            (0.0, 0.0, bottom + BOWL_FLOOR_THICKNESS / 2),
            [0.0, 0.0, 0.0, 1.0],
        )
    )
    for i in range(BOWL_WALLS):
        theta = 2 * math.pi * i / BOWL_WALLS
        pos = (mid_apothem * math.cos(theta), mid_apothem * math.sin(theta), mid_z)
        # Box axes: x radial (thickness), y tangential, z along the wall; tilt the top outwards.
        quat = _quat_zy(theta, BOWL_FLARE)
        size = (BOWL_WALL_THICKNESS / 2, half_width, wall_len / 2)
        parts.append(("box", size, pos, quat))
    return parts


@dataclass(frozen=True)
class BowlProfile:
    """Radii of the generated bowl's inside, from its centre axis, metres (what geometry-only code
    such as the kinematic world needs to agree with the physics bowl)."""

    floor_radius: float
    """Radius of the floor disc (the walls stand on its edge)."""
    inner_bottom_radius: float
    """Radius of the inner wall surface just above the floor."""
    inner_top_radius: float
    """Radius of the inner wall surface at the rim."""
    rim_radius: float
    """Outer radius at the rim (half of ``BOWL_DIAMETER``)."""


def bowl_profile() -> BowlProfile:
    """The inside radii of the bowl :func:`create_bowl` builds (walls flare outwards)."""
    wall_height = BOWL_HEIGHT - BOWL_FLOOR_THICKNESS - 0.001
    apothem_top = BOWL_DIAMETER / 2 * math.cos(math.pi / BOWL_WALLS)
    apothem_bottom = apothem_top - wall_height * math.tan(BOWL_FLARE)
    inward = BOWL_WALL_THICKNESS / math.cos(BOWL_FLARE)
    return BowlProfile(
        floor_radius=apothem_bottom,
        inner_bottom_radius=apothem_bottom - inward,
        inner_top_radius=apothem_top - inward,
        rim_radius=BOWL_DIAMETER / 2,
    )


def _quat_zy(yaw: float, pitch: float) -> list[float]:
    """Quaternion of a rotation by ``yaw`` about z followed by ``pitch`` about the new y axis."""
    cz, sz = math.cos(yaw / 2), math.sin(yaw / 2)
    cy, sy = math.cos(pitch / 2), math.sin(pitch / 2)
    # q = qz * qy (Hamilton product), components (x, y, z, w).
    return [-sz * sy, cz * sy, sz * cy, cz * cy]


def create_bowl(
    client: Any, rgba: Rgba, position: tuple[float, float, float], yaw: float = 0.0
) -> BodyInfo:
    """Create a dynamic bowl whose bounding-box centre is at ``position``.

    The bowl is ``BOWL_DIAMETER`` across at the rim and ``BOWL_HEIGHT`` tall, a floor disc plus
    ``BOWL_WALLS`` flared wall boxes, bottom-heavy and with high friction so that it does not slide
    or tip when a block is dropped into it.
    """
    pb = client
    kinds, radii, lengths, halfs, poss, orns = [], [], [], [], [], []
    for kind, size, pos, quat in _bowl_parts():
        if kind == "cylinder":
            kinds.append(pb.GEOM_CYLINDER)
            radii.append(size[0])
            lengths.append(size[1])
            halfs.append([0.0, 0.0, 0.0])
        else:
            kinds.append(pb.GEOM_BOX)
            radii.append(0.0)
            lengths.append(0.0)
            halfs.append(list(size))
        poss.append(list(pos))
        orns.append(quat)
    col = pb.createCollisionShapeArray(
        shapeTypes=kinds,
        radii=radii,
        halfExtents=halfs,
        lengths=lengths,
        collisionFramePositions=poss,
        collisionFrameOrientations=orns,
    )
    vis = pb.createVisualShapeArray(
        shapeTypes=kinds,
        radii=radii,
        halfExtents=halfs,
        lengths=lengths,
        rgbaColors=[list(rgba)] * len(kinds),
        visualFramePositions=poss,
        visualFrameOrientations=orns,
    )
    center = (0.0, 0.0, BOWL_HEIGHT / 2 - BOWL_COM_HEIGHT)
    base = (position[0] - center[0], position[1] - center[1], position[2] - center[2])
    body = _movable_body(pb, BOWL_MASS, col, vis, base, yaw, (BOWL_FRICTION, 0.01, 0.001))
    half = (BOWL_DIAMETER / 2, BOWL_DIAMETER / 2, BOWL_HEIGHT / 2)
    return BodyInfo(body, center, half, BOWL_DIAMETER / 2)
