"""Plain-English scene descriptions and the changes between two scenes.

This is the text form of "visual differencing": rather than showing a model two images, we say which
objects moved, from where to where, and what now rests on or in what — derived from the world state,
so it is exact and deterministic.

Example:
    >>> from codepolicy.envs.state import ObjectState, SceneState
    >>> bowl = ObjectState("blue bowl", "bowl", "blue", (0.0, -0.5, 0.025), (0.14, 0.14, 0.05))
    >>> block = ObjectState("red block", "block", "red", (0.2, -0.3, 0.02), (0.04, 0.04, 0.04))
    >>> before = SceneState(objects={"blue bowl": bowl, "red block": block})
    >>> moved = block.moved_to((0.0, -0.5, 0.03))
    >>> after = SceneState(objects={"blue bowl": bowl, "red block": moved})
    >>> describe_changes(before, after)[0]
    'red block moved 28.3 cm from (0.20, -0.30) near the top right corner to (0.00, -0.50) in the blue bowl'
"""

from __future__ import annotations

import math

from pydantic import BaseModel

from codepolicy.envs.frame import LOCATIONS
from codepolicy.envs.state import ObjectState, SceneState

MOVED_THRESHOLD = 0.01
"""Objects that moved less than this (metres) count as unmoved."""
NEAR_LOCATION = 0.08
"""An object within this xy distance of a named location is described as near it."""


class ObjectPlacement(BaseModel):
    """Where one object is, in numbers and in words."""

    name: str
    position: tuple[float, float, float]
    support: str
    """"table", "on the red block", "in the blue bowl", or "held"."""
    location: str | None
    """Nearest named location within 8 cm, if any."""


def _xy(obj: ObjectState) -> tuple[float, float]:
    return obj.position[0], obj.position[1]


def support_of(scene: SceneState, name: str) -> str:
    """What ``name`` rests on: ``"held"``, ``"on the X"``, ``"in the X"`` or ``"table"``."""
    if scene.held == name:
        return "held"
    obj = scene.objects[name]
    best: tuple[float, str] | None = None
    for other in scene.objects.values():
        if other.name == name:
            continue
        d = math.dist(_xy(obj), _xy(other))
        if other.kind == "bowl" and d < other.size[0] / 2 - 0.01 and obj.bottom_z < other.top_z:
            candidate = (other.top_z, f"in the {other.name}")
        elif (
            other.kind != "bowl"
            and d < max(other.size[0], obj.size[0]) * 0.8
            and abs(obj.bottom_z - other.top_z) < 0.015
        ):
            candidate = (other.top_z, f"on the {other.name}")
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    return best[1] if best else "table"


IN_THE_AIR = 0.08
"""A centre this high (m) with nothing below it is described as in the air, with its height."""


def nearest_location(xy: tuple[float, float]) -> str | None:
    """The named location closest to ``xy`` if it is within :data:`NEAR_LOCATION`."""
    name, where = min(LOCATIONS.items(), key=lambda item: math.dist(item[1], xy))
    return name if math.dist(where, xy) <= NEAR_LOCATION else None


def placements(scene: SceneState) -> list[ObjectPlacement]:
    """Every object's position, support and nearby named location, in scene order."""
    return [
        ObjectPlacement(
            name=obj.name,
            position=(
                round(obj.position[0], 4),
                round(obj.position[1], 4),
                round(obj.position[2], 4),
            ),
            support=support_of(scene, obj.name),
            location=nearest_location(_xy(obj)),
        )
        for obj in scene.objects.values()
    ]


def _where(p: ObjectPlacement) -> str:
    text = f"({p.position[0]:.2f}, {p.position[1]:.2f})"
    if p.support != "table":
        return f"{text} {p.support}"
    if p.position[2] > IN_THE_AIR:  # e.g. an adapter env's goal floating above the table
        return f"({p.position[0]:.2f}, {p.position[1]:.2f}, {p.position[2]:.2f}) in the air"
    return f"{text} near the {p.location}" if p.location else f"{text} on the table"


def describe_scene(scene: SceneState) -> list[str]:
    """One line per object, e.g. ``"red block at (0.10, -0.50) on the blue block"``."""
    lines = [f"{p.name} at {_where(p)}" for p in placements(scene)]
    if scene.held:
        lines.append(f"the gripper holds the {scene.held}")
    return lines


def describe_changes(before: SceneState, after: SceneState) -> list[str]:
    """What moved between two scenes, and what now rests on or in what.

    Objects that did not move are not mentioned; if nothing moved, says so.
    """
    old = {p.name: p for p in placements(before)}
    lines = []
    for new in placements(after):
        prev = old.get(new.name)
        if prev is None:
            continue
        distance = math.dist(prev.position[:2], new.position[:2])
        vertical = abs(prev.position[2] - new.position[2])
        if (
            distance < MOVED_THRESHOLD
            and vertical < MOVED_THRESHOLD
            and prev.support == new.support
        ):
            continue
        lines.append(
            f"{new.name} moved {distance * 100:.1f} cm from {_where(prev)} to {_where(new)}"
        )
    return lines or ["nothing moved"]
