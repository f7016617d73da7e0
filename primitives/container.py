"""Where to put an object down inside a container so that it does not land on what is already there.

A bowl's flat floor holds a few blocks side by side. The container's *slots* are the points of a
ring around its centre, as many as fit on the floor with a gap between neighbours (one slot, the
centre, when only one fits). Placing into a container takes the free slot that keeps farthest
from what is already inside; when every slot is taken it takes the point of the floor with the
most room (the object may then lean on another or on the wall).

Example:
    >>> bowl = Item((0.0, -0.5), 0.07)
    >>> free_spot(bowl, [], 0.02)                      # empty: the first slot
    (0.0, -0.474)
    >>> first = Item((0.0, -0.474), 0.02)
    >>> x, y = free_spot(bowl, [first], 0.02)          # beside the first, not on it
    >>> round(math.dist((x, y), first.xy), 3) >= 0.045
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FLOOR_FRACTION = 0.8
"""The usable flat floor's radius as a fraction of the rim's (the walls flare outwards)."""
GAP = 0.005
"""Space left between neighbouring objects on the floor, metres."""


@dataclass(frozen=True)
class Item:
    """An object's footprint seen from above.

    Attributes:
        xy: Centre, metres.
        radius: Half its largest horizontal extent (a bowl's rim radius), metres.
    """

    xy: tuple[float, float]
    radius: float


def slots(
    container: Item, half_size: float, toward: tuple[float, float] = (0.0, 0.0)
) -> list[tuple[float, float]]:
    """The container's slots for objects of half-width ``half_size``, first the one nearest ``toward``.

    Args:
        container: The container's footprint (rim radius).
        half_size: Half the width of the objects to hold (a 4 cm block: 0.02).
        toward: Where the ring starts (the robot's base: the nearest slot is the easiest reach).
    """
    floor = container.radius * FLOOR_FRACTION
    corner = half_size * math.sqrt(2.0)  # a square's corner, whatever its yaw
    best: list[tuple[float, float]] = [container.xy]
    cx, cy = container.xy
    start = math.atan2(toward[1] - cy, toward[0] - cx)
    for n in range(2, 9):
        ring = (half_size + GAP / 2) / math.sin(math.pi / n)
        if ring + corner > floor:
            break
        best = [
            (
                round(cx + ring * math.cos(start + 2 * math.pi * k / n), 4),
                round(cy + ring * math.sin(start + 2 * math.pi * k / n), 4),
            )
            for k in range(n)
        ]
    return best


def _room(xy: tuple[float, float], half_size: float, others: Sequence[Item]) -> float:
    """Clearance between an object of ``half_size`` at ``xy`` and the nearest other, metres."""
    return min((math.dist(xy, o.xy) - half_size - o.radius for o in others), default=math.inf)


def free_spot(
    container: Item,
    inside: Sequence[Item],
    half_size: float,
    toward: tuple[float, float] = (0.0, 0.0),
) -> tuple[float, float]:
    """Where to release an object of ``half_size`` into ``container``, given what is ``inside``.

    Args:
        container: The container's footprint.
        inside: Footprints of the objects already in it (blocks have radius = half their width).
        half_size: Half the width of the object being placed.
        toward: The robot's base (slots nearest it are tried first).

    Returns:
        The free slot with most room; when none is free, the floor point with most room.
    """
    candidates = slots(container, half_size, toward)
    free = [s for s in candidates if _room(s, half_size, inside) >= GAP / 2]
    if free:
        return max(free, key=lambda s: (_room(s, half_size, inside), -candidates.index(s)))
    floor = container.radius * FLOOR_FRACTION - half_size
    cx, cy = container.xy
    grid = [
        (round(cx + r * math.cos(a), 4), round(cy + r * math.sin(a), 4))
        for r in (0.0, floor / 3, 2 * floor / 3, floor)
        for a in (2 * math.pi * k / 24 for k in range(24))
    ]
    return max(grid, key=lambda s: _room(s, half_size, inside))
