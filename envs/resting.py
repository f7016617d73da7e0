"""Where free objects come to rest in a world without dynamics: support, balance and bowls.

The kinematic world uses these rules so that it fails where the physics world fails. Each rule and
its numbers were measured on the physics world (a 4 cm block released 8 mm above its support):

- An object rests on the highest object below it whose footprint overlaps its own (a bowl: whose
  footprint reaches under its floor), or on the table.
- A block stays on blocks only while the centre of mass of it and everything it carries lies over
  their footprint, at least :data:`BALANCE_MARGIN` inside its edge (a block offset 15 mm on another
  stays; 20 mm topples). A block that topples lands beside its support, clear of it, and falls to
  what is below there; what it carried falls with it.
- A block released over a bowl slides in onto the floor when its centre is inside the rim's inner
  edge (less :data:`RIM_BAND`), stays on the rim when its centre is over the wall, and falls off
  outwards when its centre is at or beyond the outer rim (less :data:`RIM_BAND`).
- A block with something resting on it cannot be taken from under it (:func:`load_on`): fingers
  closing on it squeeze the load too and push it off (:func:`knock_off`).
- A bowl nests in a bowl below it (:data:`NEST_RISE`), rests on a block under its floor, or
  stands on the table.

Example:
    >>> from codepolicy.envs.state import ObjectState
    >>> cube = (0.04, 0.04, 0.04)
    >>> lower = ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), cube)
    >>> upper = ObjectState("blue block", "block", "blue", (0.03, -0.5, 0.1), cube)
    >>> rested = settle({"red block": lower, "blue block": upper}, held=None)
    >>> [round(v, 3) for v in rested["blue block"].position]  # 3 cm off: topples off the side
    [0.045, -0.5, 0.02]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from codepolicy.envs.assets import bowl_profile
from codepolicy.envs.frame import BOWL_FLOOR, TABLE_Z
from codepolicy.envs.state import ObjectState

BALANCE_MARGIN = 0.004
"""How far inside its supports' footprint edge a carried centre of mass must be, metres."""
TOPPLE_GAP = 0.005
"""Gap between a toppled block and the side of the support it fell from, metres."""
RIM_BAND = 0.005
"""Width of the transition at the rim's inner and outer edge (metres): a block centred within it
slides into the bowl (inner edge) or falls off outwards (outer edge)."""
TOUCH = 0.003
"""Height difference up to which a bottom face rests on a top face, metres."""
OVERLAP = 0.001
"""Smallest footprint overlap that counts as resting on something, metres."""
NEST_RISE = 0.040
"""How far above the bottom of the bowl below a bowl put into it comes to rest (measured on physics:
the flared walls meet 4 cm up), metres."""
NEST_RADIUS = 0.04
"""Centres closer than this nest; farther, the bowl lands tilted on the other's rim (not modelled:
it is treated as resting on the table beside), metres."""
MAX_PASSES = 12
"""Bound on settle passes (each topples at most one block)."""

_BOWL = bowl_profile()

Footprint = tuple[float, float, float, float]
"""Axis-aligned xy rectangle (x0, x1, y0, y1)."""


def footprint(obj: ObjectState) -> Footprint:
    """The object's xy bounding rectangle."""
    (x, y, _), (sx, sy, _) = obj.position, obj.size
    return (x - sx / 2, x + sx / 2, y - sy / 2, y + sy / 2)


def _overlap(a: Footprint, b: Footprint) -> bool:
    return (
        min(a[1], b[1]) - max(a[0], b[0]) > OVERLAP and min(a[3], b[3]) - max(a[2], b[2]) > OVERLAP
    )


def _radial(obj: ObjectState, bowl: ObjectState) -> tuple[float, float, float]:
    """Distance of ``obj``'s centre from ``bowl``'s axis and the unit direction towards it."""
    dx, dy = obj.position[0] - bowl.position[0], obj.position[1] - bowl.position[1]
    d = math.hypot(dx, dy)
    return (d, dx / d, dy / d) if d > 1e-9 else (0.0, 1.0, 0.0)


def _moved_xy(obj: ObjectState, x: float, y: float) -> ObjectState:
    return obj.moved_to((x, y, obj.position[2]))


def surface_under(objects: Mapping[str, ObjectState], area: Footprint, skip: set[str]) -> float:
    """Height of the highest surface an object with footprint ``area`` touches coming straight
    down: the top of an overlapping block, a bowl's rim (when the area reaches over the wall) or
    floor, or the table."""
    cx, cy = (area[0] + area[1]) / 2, (area[2] + area[3]) / 2
    half = max(area[1] - area[0], area[3] - area[2]) / 2
    height = TABLE_Z
    for name, obj in objects.items():
        if name in skip:
            continue
        if obj.kind == "bowl":
            d = math.hypot(cx - obj.position[0], cy - obj.position[1])
            if d - half >= _BOWL.rim_radius:
                continue
            over_wall = d + half > _BOWL.inner_top_radius
            height = max(height, obj.top_z if over_wall else obj.bottom_z + BOWL_FLOOR)
        elif _overlap(area, footprint(obj)):
            height = max(height, obj.top_z)
    return height


def _rest_in_bowl(obj: ObjectState, bowl: ObjectState) -> tuple[ObjectState, float | None]:
    """Where ``obj`` released over ``bowl`` goes: (object moved in xy, surface height), or a
    surface of None when it falls off outwards (already moved clear of the rim)."""
    d, ux, uy = _radial(obj, bowl)
    half = max(obj.size[0], obj.size[1]) / 2
    bx, by = bowl.position[0], bowl.position[1]
    if d < _BOWL.inner_top_radius - RIM_BAND:
        fit = max(0.0, _BOWL.inner_bottom_radius - half)
        r = min(d, fit)
        return _moved_xy(obj, bx + ux * r, by + uy * r), bowl.bottom_z + BOWL_FLOOR
    if d < _BOWL.rim_radius - RIM_BAND:
        return obj, bowl.top_z
    r = _BOWL.rim_radius + half + TOPPLE_GAP
    return _moved_xy(obj, bx + ux * r, by + uy * r), None


def _under_floor(obj: ObjectState, bowl: ObjectState) -> bool:
    """Whether ``obj``'s footprint reaches under ``bowl``'s floor disc."""
    x0, x1, y0, y1 = footprint(obj)
    bx, by = bowl.position[0], bowl.position[1]
    nearest = (min(max(bx, x0), x1), min(max(by, y0), y1))
    return math.hypot(nearest[0] - bx, nearest[1] - by) < _BOWL.floor_radius


def _drop(objects: dict[str, ObjectState], name: str, skip: set[str]) -> None:
    """Lower (or lift out of what it overlaps) one object onto the highest support below it."""
    obj = objects[name]
    if obj.kind == "bowl":
        bottom = _bowl_rest(objects, name, skip)
        objects[name] = obj.moved_to((obj.position[0], obj.position[1], bottom + obj.size[2] / 2))
        return
    for _ in range(4):  # falling off a rim moves the object; look again where it lands
        surface, moved = TABLE_Z, False
        for other_name, other in objects.items():
            if other_name in skip or other_name == name or other.bottom_z > obj.bottom_z:
                continue
            if other.kind == "bowl":
                d, _, _ = _radial(obj, other)
                if d - max(obj.size[0], obj.size[1]) / 2 >= other.size[0] / 2:
                    continue
                placed, height = _rest_in_bowl(obj, other)
                if height is None:
                    obj, moved = placed, True
                    break
                if height > surface:
                    obj, surface = placed, height
            elif _overlap(footprint(obj), footprint(other)):
                surface = max(surface, other.top_z)
        if not moved:
            break
    objects[name] = obj.moved_to((obj.position[0], obj.position[1], surface + obj.size[2] / 2))


def _bowl_rest(objects: Mapping[str, ObjectState], name: str, skip: set[str]) -> float:
    """Height of a bowl's bottom where it comes to rest: nested in a bowl below it (centres within
    :data:`NEST_RADIUS`), on the blocks under its floor disc, or on the table."""
    bowl = objects[name]
    bottom = TABLE_Z
    for other_name, other in objects.items():
        if other_name in skip or other_name == name or other.bottom_z > bowl.bottom_z:
            continue
        d = math.hypot(other.position[0] - bowl.position[0], other.position[1] - bowl.position[1])
        if other.kind == "bowl" and d <= NEST_RADIUS:
            bottom = max(bottom, other.bottom_z + NEST_RISE)
        elif other.kind != "bowl" and _under_floor(other, bowl):
            bottom = max(bottom, other.top_z)
    return bottom


def _supports(objects: Mapping[str, ObjectState], name: str, skip: set[str]) -> list[str]:
    """The objects ``name`` rests on (bottom on their top, footprints overlapping)."""
    obj = objects[name]
    area = footprint(obj)
    return [
        other_name
        for other_name, other in objects.items()
        if other_name not in skip
        and other_name != name
        and abs(other.top_z - obj.bottom_z) <= TOUCH
        and (other.kind == "bowl" or _overlap(area, footprint(other)))
    ]


def _inside(obj: ObjectState, bowl: ObjectState) -> bool:
    d, _, _ = _radial(obj, bowl)
    return d < _BOWL.rim_radius and bowl.bottom_z <= obj.bottom_z < bowl.top_z


def load_on(objects: Mapping[str, ObjectState], name: str, skip: Iterable[str] = ()) -> list[str]:
    """Objects resting on ``name`` (or inside it, for a bowl), directly or through others: what
    lifting it would carry. Objects named in ``skip`` (the held one) are left out."""
    skip = set(skip)
    base = objects[name]
    found: list[str] = []
    if base.kind == "bowl":
        found = [
            n
            for n, o in objects.items()
            if n != name and n not in skip and o.kind != "bowl" and _inside(o, base)
        ]
    frontier = [name, *found]
    while frontier:
        below = frontier.pop()
        for other in objects:
            if other in found or other == name or other in skip:
                continue
            if below in _supports(objects, other, skip):
                found.append(other)
                frontier.append(other)
    return found


def knock_off(objects: Mapping[str, ObjectState], name: str) -> dict[str, ObjectState]:
    """Push what rests directly on ``name`` off it, to the side it leans towards (+x when centred),
    and let everything settle: what closing fingers do to a load on the block they close on."""
    base = objects[name]
    moved = dict(objects)
    for other in load_on(objects, name):
        if name not in _supports(objects, other, set()):
            continue
        obj = objects[other]
        dx, dy = obj.position[0] - base.position[0], obj.position[1] - base.position[1]
        x, y = base.position[0], base.position[1]
        if abs(dy) > abs(dx):
            y += math.copysign((base.size[1] + obj.size[1]) / 2 + TOPPLE_GAP, dy)
        else:
            x += math.copysign((base.size[0] + obj.size[0]) / 2 + TOPPLE_GAP, dx or 1.0)
        moved[other] = _moved_xy(obj, x, y)
    return settle(moved, held=None)


def _topple_one(objects: dict[str, ObjectState], skip: set[str]) -> bool:
    """Topple the lowest block whose carried centre of mass is off its block supports."""
    order = sorted((n for n in objects if n not in skip), key=lambda n: objects[n].bottom_z)
    for name in order:
        obj = objects[name]
        below = _supports(objects, name, skip)
        if obj.kind == "bowl" or not below or any(objects[b].kind == "bowl" for b in below):
            continue
        areas = [footprint(objects[b]) for b in below]
        x0, x1 = min(a[0] for a in areas), max(a[1] for a in areas)
        y0, y1 = min(a[2] for a in areas), max(a[3] for a in areas)
        carried = [obj, *(objects[n] for n in load_on(objects, name, skip))]
        cx = sum(o.position[0] for o in carried) / len(carried)
        cy = sum(o.position[1] for o in carried) / len(carried)
        m = BALANCE_MARGIN
        over_x = max(x0 + m - cx, cx - (x1 - m), 0.0) / max((x1 - x0) / 2, 1e-9)
        over_y = max(y0 + m - cy, cy - (y1 - m), 0.0) / max((y1 - y0) / 2, 1e-9)
        if over_x == 0.0 and over_y == 0.0:
            continue
        x, y = obj.position[0], obj.position[1]
        if over_x >= over_y:
            x = (
                x1 + obj.size[0] / 2 + TOPPLE_GAP
                if cx > (x0 + x1) / 2
                else x0 - obj.size[0] / 2 - TOPPLE_GAP
            )
        else:
            y = (
                y1 + obj.size[1] / 2 + TOPPLE_GAP
                if cy > (y0 + y1) / 2
                else y0 - obj.size[1] / 2 - TOPPLE_GAP
            )
        objects[name] = _moved_xy(obj, x, y)
        return True
    return False


def settle(
    objects: Mapping[str, ObjectState], held: str | None, carried: Iterable[str] = ()
) -> dict[str, ObjectState]:
    """Where every object except ``held`` (and what it ``carried``, e.g. a held bowl's contents)
    comes to rest (see the module doc); a new mapping in the same order."""
    rested = dict(objects)
    skip = ({held} if held else set()) | set(carried)
    for _ in range(MAX_PASSES):
        for name in sorted((n for n in rested if n not in skip), key=lambda n: rested[n].bottom_z):
            _drop(rested, name, skip)
        if not _topple_one(rested, skip):
            break
    return rested
