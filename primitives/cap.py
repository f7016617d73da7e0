"""A profile compatible with Code as Policies' tabletop API, so CaP-style programs run unchanged.

Names and semantics follow CaP's tabletop demo: positions are 2D (x, y) in the robot base frame,
``put_first_on_second`` takes an object name or an [x, y] target, and object names, corner and side
names may be passed wherever CaP accepted them.

Example:
    >>> from codepolicy.envs.backend import ObjectSpawn, make_world
    >>> from codepolicy.primitives.context import PrimitiveContext
    >>> world = make_world("kinematic")
    >>> _ = world.scene.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    >>> ctx = PrimitiveContext.for_world(world)
    >>> denormalize_xy(ctx, [0.5, 0.5]).tolist()
    [0.0, -0.5]
    >>> get_corner_name(ctx, [0.28, -0.22])
    'top right corner'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from codepolicy.primitives import default
from codepolicy.primitives.arguments import Position, Target, check_object
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.registry import Registry

CAP = Registry()
"""Registry of the Code-as-Policies-compatible primitives."""


def _clean(name: str) -> str:
    words = name.replace("_", " ").split()
    return " ".join(w for w in words if w != "the")


def _xy(ctx: PrimitiveContext, name: str) -> np.ndarray:
    name = _clean(name)
    if name in ctx.frame.locations:
        return np.array(ctx.frame.location(name), dtype=float)
    found = ctx.detections()
    check_object(name, [*found, *ctx.frame.locations])
    return np.array(found[name].position[:2], dtype=float)


@CAP.primitive(moves_robot=True)
def put_first_on_second(ctx: PrimitiveContext, obj_name: str, target: Target) -> None:
    """Pick up the object named obj_name and put it on target: an object name, a corner or side
    name (e.g. "top left corner"), or an [x, y] position in metres."""
    obj = _clean(obj_name)
    where = _clean(target) if isinstance(target, str) else list(target)[:2]
    default.pick_and_place(ctx, obj, where)


@CAP.primitive
def get_obj_pos(ctx: PrimitiveContext, obj_name: str) -> np.ndarray:
    """The [x, y] position of an object (or of a corner or side name), in metres."""
    return _xy(ctx, obj_name)


@CAP.primitive
def get_obj_names(ctx: PrimitiveContext) -> list[str]:
    """Names of the objects on the table."""
    return default.get_object_names(ctx)


@CAP.primitive
def is_obj_visible(ctx: PrimitiveContext, obj_name: str) -> bool:
    """Whether an object of that name is on the table."""
    return _clean(obj_name) in default.get_object_names(ctx)


@CAP.primitive
def say(ctx: PrimitiveContext, message: str) -> None:
    """Say something to the user."""
    default.say(ctx, message)


@CAP.primitive
def denormalize_xy(ctx: PrimitiveContext, pos_normalized: Position) -> np.ndarray:
    """Map a normalized [u, v] in [0, 1]^2 to table [x, y]: [0, 0] is the bottom left corner of the
    table, [1, 1] the top right, [0.5, 0.5] the middle."""
    (x0, x1), (y0, y1) = ctx.frame.workspace_x, ctx.frame.workspace_y
    low, span = np.array([x0, y0]), np.array([x1 - x0, y1 - y0])
    return np.asarray(pos_normalized[:2], dtype=float) * span + low


def _nearest(table: Mapping[str, tuple[float, float]], pos: list[float]) -> str:
    point = np.asarray(pos[:2], dtype=float)
    return min(table, key=lambda name: float(np.linalg.norm(np.asarray(table[name]) - point)))


@CAP.primitive
def get_corner_name(ctx: PrimitiveContext, pos: Position) -> str:
    """Name of the table corner closest to [x, y], e.g. "top left corner"."""
    return _nearest(ctx.frame.corners, pos)


@CAP.primitive
def get_side_name(ctx: PrimitiveContext, pos: Position) -> str:
    """Name of the table side closest to [x, y], e.g. "left side"."""
    return _nearest(ctx.frame.sides, pos)


@CAP.primitive
def get_bbox(ctx: PrimitiveContext, obj_name: str) -> tuple[float, float, float, float]:
    """Axis-aligned bounding box of an object in the table plane: (min_x, min_y, max_x, max_y)."""
    name = _clean(obj_name)
    found = ctx.detections()
    check_object(name, list(found))
    (x, y, _), (sx, sy, _) = found[name].position, found[name].size
    return (x - sx / 2, y - sy / 2, x + sx / 2, y + sy / 2)


@CAP.primitive
def get_color(ctx: PrimitiveContext, obj_name: str) -> tuple[float, float, float, float]:
    """RGBA colour (floats in [0, 1]) of an object."""
    name = _clean(obj_name)
    found = ctx.detections()
    check_object(name, list(found))
    return ctx.frame.colors[found[name].color]
