"""Before any motion: does the robot offer what the programs and their primitives need?

The default primitives perceive the scene (so the server must know it: a simulator behind it),
grasp (a gripper), travel over the whole tabletop workspace at travel height, and move at the
primitives' speed. Each gap is one sentence; a run refuses to start while there is any.

Example:
    >>> info = {"driver": "franky", "scene": False, "gripper": True, "limits": {
    ...     "x": [-0.35, 0.35], "y": [-0.85, -0.05], "z": [0.0, 0.65], "max_speed": 1.0}}
    >>> print(compatibility_problems(info)[0][:48])
    the franky driver has no scene knowledge: the pr
"""

from __future__ import annotations

from typing import Any

from codepolicy.envs.backend import DEFAULT_SPEED
from codepolicy.envs.frame import WORKSPACE_X, WORKSPACE_Y

TRAVEL_Z = (0.0, 0.35)
"""Heights the default primitives use: from the table to above a three-block tower."""


def compatibility_problems(
    info: dict[str, Any], *, needs_scene: bool = True, needs_gripper: bool = True
) -> list[str]:
    """Why the robot described by the server's ``info`` cannot run the programs (empty: it can)."""
    driver = info.get("driver", "?")
    problems = []
    if needs_scene and not info.get("scene"):
        problems.append(
            f"the {driver} driver has no scene knowledge: the primitives perceive the scene, "
            "which needs a simulator behind the robot server for now"
        )
    if needs_gripper and not info.get("gripper", False):
        problems.append(f"the {driver} driver has no gripper; the primitives grasp")
    limits = info.get("limits") or {}
    for axis, need in (("x", WORKSPACE_X), ("y", WORKSPACE_Y), ("z", TRAVEL_Z)):
        lo, hi = limits.get(axis, (float("-inf"), float("inf")))
        if lo > need[0] or hi < need[1]:
            problems.append(
                f"the robot's workspace box {axis} [{lo}, {hi}] does not cover the tabletop's "
                f"{axis} [{need[0]}, {need[1]}] that the primitives move in"
            )
    max_speed = limits.get("max_speed", float("inf"))
    if max_speed < DEFAULT_SPEED:
        problems.append(
            f"the robot allows at most {max_speed} m/s; the primitives move at {DEFAULT_SPEED} m/s"
        )
    return problems
