"""A profile compatible with Code as Policies' tabletop API, so CaP-style programs run unchanged.

Names and semantics follow CaP's tabletop demo (``Interactive_Demo.ipynb``):

* positions are 2D ``[x, y]`` numpy arrays in the robot base frame;
* ``denormalize_xy`` maps ``[0, 1]^2`` onto the square between the four named corners
  (x in [-0.25, 0.25], y in [-0.75, -0.25]), not onto the whole workspace;
* ``get_bbox`` returns an axis-aligned box as CaP's simulator reports it:
  ``((min_x, min_y, min_z), (max_x, max_y, max_z))``;
* ``get_color`` derives the RGBA colour from the colour word in the name;
* names accept CaP's aliases: "the" and underscores are ignored, "circle" means bowl,
  "square" means block, filler words such as "small" are dropped;
* ``put_first_on_second`` picks by name or by [x, y] and places on a name, a corner or side name,
  or [x, y]; ``stack_objects_in_order`` stacks a list bottom to top;
* the helper LMPs ``parse_obj_name``, ``parse_position``, ``parse_question`` and
  ``transform_shape_pts`` ask the configured model (see :mod:`codepolicy.primitives.cap_lmps`).

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
    >>> get_obj_pos(ctx, "the small red square").tolist()
    [0.1, -0.5]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator

from codepolicy.envs.frame import Frame
from codepolicy.primitives import cap_lmps, default
from codepolicy.primitives.arguments import Position, Target, check_object
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import UnknownObject
from codepolicy.primitives.registry import Registry

_BASE = Registry()


def cap_square(frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """CaP's ``bottom_left`` and ``top_right`` in a frame: ``denormalize_xy([0, 0])`` and
    ``denormalize_xy([1, 1])``, the frame's bottom left and top right corners."""
    return (
        np.array(frame.corners["bottom left corner"], dtype=float),
        np.array(frame.corners["top right corner"], dtype=float),
    )


FILLER_WORDS = frozenset({"the", "small", "little", "tiny", "big", "large"})
"""Words CaP's name lookup ignores."""
ALIASES = {"circle": "bowl", "circles": "bowls", "square": "block", "squares": "blocks"}
"""Shape words CaP accepts for object kinds."""
PICK_RADIUS = 0.05
"""An [x, y] given as the object to pick selects the topmost object within this distance, metres."""


def _as_array(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


Points = Annotated[list[float] | list[list[float]], BeforeValidator(_as_array)]
"""One normalized [u, v] or a list of them."""


def clean_name(name: str) -> str:
    """A name as CaP's lookup reads it: no "the", underscores or filler words; aliases resolved.

    Example:
        >>> clean_name("the_small_red_circle")
        'red bowl'
    """
    words = re.split(r"[\s_]+", name.strip().lower())
    kept = [ALIASES.get(w, w) for w in words if w and w not in FILLER_WORDS]
    return " ".join(kept)


def _xy(ctx: PrimitiveContext, name: str) -> np.ndarray:
    name = clean_name(name)
    if name in ctx.frame.locations:
        return np.array(ctx.frame.location(name), dtype=float)
    found = ctx.detections()
    check_object(name, [*found, *ctx.frame.locations])
    return np.array(found[name].position[:2], dtype=float)


def _object_at(ctx: PrimitiveContext, xy: list[float]) -> str:
    """The topmost detected object within :data:`PICK_RADIUS` of ``xy`` (CaP picks by position)."""
    point = np.asarray(xy[:2], dtype=float)
    near = [
        d
        for d in ctx.perception.detect()
        if float(np.linalg.norm(np.asarray(d.position[:2]) - point)) <= PICK_RADIUS
    ]
    if not near:
        raise UnknownObject(
            f"no object within {PICK_RADIUS * 100:.0f} cm of ({point[0]:.3f}, {point[1]:.3f}) "
            "to pick up"
        )
    return max(near, key=lambda d: d.position[2]).name


@_BASE.primitive(moves_robot=True)
def put_first_on_second(ctx: PrimitiveContext, arg1: Target, arg2: Target) -> None:
    """Pick up arg1 and put it on arg2. arg1 is an object name or the [x, y] of an object; arg2 is
    an object name, a corner or side name (e.g. "top left corner"), or an [x, y] position in
    metres."""
    obj = clean_name(arg1) if isinstance(arg1, str) else _object_at(ctx, list(arg1))
    where: str | list[float] = clean_name(arg2) if isinstance(arg2, str) else list(arg2)[:2]
    default.pick_and_place(ctx, obj, where)


@_BASE.primitive(moves_robot=True)
def stack_objects_in_order(ctx: PrimitiveContext, object_names: list[str]) -> None:
    """Stack the named objects on each other, object_names[0] at the bottom and the last on top."""
    names = [clean_name(n) for n in object_names]
    for below, above in itertools.pairwise(names):
        default.pick_and_place(ctx, above, below)


@_BASE.primitive
def get_obj_pos(ctx: PrimitiveContext, obj_name: str) -> np.ndarray:
    """The [x, y] position of an object (or of a corner or side name), in metres."""
    return _xy(ctx, obj_name)


@_BASE.primitive
def get_obj_names(ctx: PrimitiveContext) -> list[str]:
    """Names of the objects on the table."""
    return default.get_object_names(ctx)


@_BASE.primitive
def is_obj_visible(ctx: PrimitiveContext, obj_name: str) -> bool:
    """Whether an object of that name is on the table."""
    return clean_name(obj_name) in default.get_object_names(ctx)


@_BASE.primitive
def say(ctx: PrimitiveContext, message: str) -> None:
    """Say something to the user."""
    default.say(ctx, message)


@_BASE.primitive
def denormalize_xy(ctx: PrimitiveContext, pos_normalized: Points) -> np.ndarray:
    """Map normalized [u, v] in [0, 1]^2 (or a list of them) to table [x, y] in metres: [0, 0] is the
    bottom left corner, [1, 1] the top right corner, [0.5, 0.5] the middle."""
    low, high = cap_square(ctx.frame)
    return np.asarray(pos_normalized, dtype=float) * (high - low) + low


def _nearest(table: Mapping[str, tuple[float, float]], pos: list[float]) -> str:
    point = np.asarray(pos[:2], dtype=float)
    return min(table, key=lambda name: float(np.linalg.norm(np.asarray(table[name]) - point)))


@_BASE.primitive
def get_corner_name(ctx: PrimitiveContext, pos: Position) -> str:
    """Name of the table corner closest to [x, y], e.g. "top left corner"."""
    return _nearest(ctx.frame.corners, pos)


@_BASE.primitive
def get_side_name(ctx: PrimitiveContext, pos: Position) -> str:
    """Name of the table side closest to [x, y], e.g. "left side"."""
    return _nearest(ctx.frame.sides, pos)


@_BASE.primitive
def get_bbox(
    ctx: PrimitiveContext, obj_name: str
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Axis-aligned bounding box of an object: ((min_x, min_y, min_z), (max_x, max_y, max_z))."""
    name = clean_name(obj_name)
    found = ctx.detections()
    check_object(name, list(found))
    (x, y, z), (sx, sy, sz) = found[name].position, found[name].size
    return ((x - sx / 2, y - sy / 2, z - sz / 2), (x + sx / 2, y + sy / 2, z + sz / 2))


@_BASE.primitive
def get_color(ctx: PrimitiveContext, obj_name: str) -> tuple[float, float, float, float] | None:
    """RGBA colour (floats in [0, 1]) named in obj_name, e.g. "red block"; None without a colour
    word."""
    words = clean_name(obj_name).split()
    for color, rgba in ctx.frame.colors.items():
        if color in words:
            return rgba
    return None


def cap_context(object_names: list[str]) -> dict[str, Any]:
    """The variable CaP sets before every program: ``objects``, the names on the table.

    Example:
        >>> cap_context(["red block", "blue bowl"])
        {'objects': ['red block', 'blue bowl']}
    """
    return {"objects": list(object_names)}


CAP = Registry([*_BASE, *cap_lmps.LMPS], context=cap_context)
"""Registry of the Code-as-Policies-compatible primitives, helper LMPs included."""
