""" "What changed" as perception saw it: the start and end of a round compared detection by detection.

With privileged perception the feedback's changes are exact (:func:`codepolicy.feedback.scene.
describe_changes` on ground truth). Every other kind — ``camera``, ``mask``, ``noisy``, ``aruco``,
and any kind on a scene without ground truth — sees the table imperfectly: objects can be missed,
appear, or jitter by a centimetre between two looks. For those the changes are derived from what
the program's own perception detected at the start of the episode and at the end, never from
ground truth, and the feedback says whose view it is (:func:`change_source`):

- an object that moved more than :data:`SEEN_MOVED_THRESHOLD` (or whose support changed) is listed
  with the distance, and what it now rests on or in ("now in the blue bowl", "now on the red
  block", "no longer on the green block");
- an object detected at the start but not at the end is "no longer seen", one detected only at
  the end "newly seen".

What the gripper holds is not taken from the robot here (the name would come from the simulator):
only detections count.

Example:
    >>> from codepolicy.envs.state import ObjectState, SceneState
    >>> bowl = ObjectState("blue bowl", "bowl", "blue", (0.0, -0.5, 0.025), (0.14, 0.14, 0.05))
    >>> block = ObjectState("red block", "block", "red", (0.2, -0.3, 0.02), (0.04, 0.04, 0.04))
    >>> before = SceneState(objects={"blue bowl": bowl, "red block": block})
    >>> after = SceneState(objects={"blue bowl": bowl, "red block": block.moved_to((0.0, -0.5, 0.03))})
    >>> line = describe_seen_changes(before, after)[0]
    >>> line.split(" to ")[0]
    'red block moved 28.3 cm from (0.20, -0.30) near the top right corner'
    >>> line.split(" to ")[1]
    '(0.00, -0.50) near the middle: now in the blue bowl'
    >>> describe_seen_changes(before, SceneState(objects={"blue bowl": bowl}))
    ['red block is no longer seen (last seen at (0.20, -0.30) near the top right corner)']
    >>> change_source("camera", has_ground_truth=True)
    'seen by the camera'
"""

from __future__ import annotations

import math
from dataclasses import replace

from codepolicy.envs.state import SceneState
from codepolicy.feedback.scene import ObjectPlacement, placements

SEEN_MOVED_THRESHOLD = 0.02
"""Perceived objects that moved less than this (metres) count as unmoved: two looks of the camera
kind at a still object differ by up to about a centimetre (its p95 position error is ~1 cm)."""

CHANGE_SOURCES = {
    "camera": "seen by the camera",
    "mask": "seen by the camera, with the simulator's masks",
    "aruco": "seen by the camera via ArUco markers",
    "noisy": "as noisy perception saw it",
    "operator": "as the operator's scene file says",
}
"""How the feedback names the view its changes come from, per perception kind."""


def change_source(kind: str, *, has_ground_truth: bool) -> str | None:
    """Whose view "what changed" is, or None when it is exact (privileged, with ground truth)."""
    if kind == "privileged" and has_ground_truth:
        return None
    return CHANGE_SOURCES.get(kind, f"as the '{kind}' perception saw it")


def _at(p: ObjectPlacement) -> str:
    text = f"({p.position[0]:.2f}, {p.position[1]:.2f})"
    if p.location:
        return f"{text} near the {p.location}"
    return f"{text} on the table" if p.support == "table" else text


def _support_note(prev: ObjectPlacement, new: ObjectPlacement) -> str:
    if new.support == prev.support:
        return ""
    if new.support != "table":
        return f": now {new.support}"
    return f": no longer {prev.support}"


def describe_seen_changes(before: SceneState, after: SceneState) -> list[str]:
    """What moved, appeared or disappeared between two perceived scenes (see the module text).

    Args:
        before: The scene as perception saw it when the program started.
        after: The scene as perception sees it now.
    """
    old = {p.name: p for p in placements(replace(before, held=None))}
    new = {p.name: p for p in placements(replace(after, held=None))}
    lines: list[str] = []
    for name, now in new.items():
        prev = old.get(name)
        if prev is None:
            where = _at(now) if now.support == "table" else f"{_at(now)}, {now.support}"
            lines.append(f"{name} is newly seen at {where}")
            continue
        distance = math.dist(prev.position[:2], now.position[:2])
        vertical = abs(prev.position[2] - now.position[2])
        note = _support_note(prev, now)
        if distance < SEEN_MOVED_THRESHOLD and vertical < SEEN_MOVED_THRESHOLD and not note:
            continue
        if distance < SEEN_MOVED_THRESHOLD:
            lines.append(f"{name} stayed at {_at(now)}{note}")
        else:
            lines.append(
                f"{name} moved {distance * 100:.1f} cm from {_at(prev)} to {_at(now)}{note}"
            )
    for name, prev in old.items():
        if name not in new:
            where = _at(prev) if prev.support == "table" else f"{_at(prev)}, {prev.support}"
            lines.append(f"{name} is no longer seen (last seen at {where})")
    return lines or ["nothing moved"]
