"""The tabletop frame shared with Code as Policies, so that numbers mean the same thing there and here.

The robot base stands at the origin, the table surface is the plane z = 0 and the workspace is the
rectangle x in [-0.3, 0.3] m, y in [-0.8, -0.2] m in front of the robot. "Top" is the side nearest the
robot (y = -0.25), "left" is negative x.

Example:
    >>> LOCATIONS["top left corner"]
    (-0.25, -0.25)
    >>> in_workspace((0.0, -0.5))
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

WORKSPACE_X: Final = (-0.3, 0.3)
WORKSPACE_Y: Final = (-0.8, -0.2)
TABLE_Z: Final = 0.0

BLOCK_SIZE: Final = 0.04
"""Edge length of every block (a cube), in metres."""

BOWL_DIAMETER: Final = 0.14
"""Outer rim diameter of every bowl, in metres (CaP's bowls are 13–16 cm across)."""

BOWL_HEIGHT: Final = 0.05
"""Height of the bowl's rim above the table, in metres."""

BOWL_FLOOR: Final = 0.006
"""Height of a bowl's inner floor above its bottom, metres: the thickness of the generated physics
bowl's floor disc (:mod:`codepolicy.envs.assets` builds it from this value), and the height the
primitives' release heights and the kinematic world use."""

KINDS: Final = ("block", "bowl")

# RGBA in [0, 1]; the palette Code as Policies uses for its tabletop.
COLORS: Final[dict[str, tuple[float, float, float, float]]] = {
    "blue": (78 / 255, 121 / 255, 167 / 255, 1.0),
    "red": (255 / 255, 87 / 255, 89 / 255, 1.0),
    "green": (89 / 255, 169 / 255, 79 / 255, 1.0),
    "orange": (242 / 255, 142 / 255, 43 / 255, 1.0),
    "yellow": (237 / 255, 201 / 255, 72 / 255, 1.0),
    "purple": (176 / 255, 122 / 255, 161 / 255, 1.0),
    "pink": (255 / 255, 157 / 255, 167 / 255, 1.0),
    "cyan": (118 / 255, 183 / 255, 178 / 255, 1.0),
    "brown": (156 / 255, 117 / 255, 95 / 255, 1.0),
    "gray": (186 / 255, 176 / 255, 172 / 255, 1.0),
}
SEEN_COLORS: Final = ("blue", "red", "green", "orange", "yellow")
UNSEEN_COLORS: Final = ("purple", "pink", "cyan", "brown", "gray")

CORNERS: Final[dict[str, tuple[float, float]]] = {
    "top left corner": (-0.25, -0.25),
    "top right corner": (0.25, -0.25),
    "bottom left corner": (-0.25, -0.75),
    "bottom right corner": (0.25, -0.75),
}
SIDES: Final[dict[str, tuple[float, float]]] = {
    "top side": (0.0, -0.25),
    "left side": (-0.25, -0.5),
    "right side": (0.25, -0.5),
    "bottom side": (0.0, -0.75),
}
LOCATIONS: Final[dict[str, tuple[float, float]]] = {
    "top left corner": CORNERS["top left corner"],
    "top side": SIDES["top side"],
    "top right corner": CORNERS["top right corner"],
    "left side": SIDES["left side"],
    "middle": (0.0, -0.5),
    "right side": SIDES["right side"],
    "bottom left corner": CORNERS["bottom left corner"],
    "bottom side": SIDES["bottom side"],
    "bottom right corner": CORNERS["bottom right corner"],
}

# Unit vectors in the table plane for the words people use for directions.
DIRECTIONS: Final[dict[str, tuple[float, float]]] = {
    "left": (-1.0, 0.0),
    "right": (1.0, 0.0),
    "top": (0.0, 1.0),
    "bottom": (0.0, -1.0),
}

ON_BOWL_XY_TOLERANCE: Final = 0.06
"""CaP's threshold: an object is on a bowl or at a location when its xy distance is below 6 cm."""
ON_BLOCK_XY_TOLERANCE: Final = 0.04
"""CaP's threshold: an object is on a block when its xy distance is below 4 cm and it is higher."""


def object_name(color: str, kind: str) -> str:
    """The spoken name of an object, e.g. ``object_name("red", "block") == "red block"``."""
    return f"{color} {kind}"


def in_workspace(xy: Sequence[float], margin: float = 0.0) -> bool:
    """Whether the point ``(x, y, ...)`` lies inside the workspace shrunk by ``margin`` metres."""
    x, y = float(xy[0]), float(xy[1])
    return (
        WORKSPACE_X[0] + margin <= x <= WORKSPACE_X[1] - margin
        and WORKSPACE_Y[0] + margin <= y <= WORKSPACE_Y[1] - margin
    )
