"""A third-party backend and profile for codepolicy (a test fixture of the plugin seams).

The ``tiny`` backend is the kinematic world under another name, in a frame of its own with one
extra named location; the ``tiny`` profile is three of the default primitives plus ``put``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codepolicy.envs.frame import TABLETOP
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import World
from codepolicy.primitives import default
from codepolicy.primitives.context import PrimitiveContext

TINY_FRAME = replace(
    TABLETOP, name="tiny", locations={**TABLETOP.locations, "tiny spot": (0.1, -0.6)}
)


class TinyBackend(KinematicBackend):
    """The kinematic world, named ``tiny``, in :data:`TINY_FRAME`."""

    name = "tiny"
    frame = TINY_FRAME


def make_tiny_world(**options: Any) -> World:
    """The ``tiny`` backend's world."""
    if options.get("gui"):
        raise ValueError("the tiny backend has no window")
    return World.of(TinyBackend())


TINY = default.DEFAULT.select(["get_object_names", "get_object_position", "say"])


@TINY.primitive(moves_robot=True)
def put(ctx: PrimitiveContext, obj: str, target: str) -> None:
    """Put the object named obj on target (an object or a location name)."""
    default.pick_and_place(ctx, obj, target)


__all__ = ["TINY", "TINY_FRAME", "TinyBackend", "make_tiny_world"]
