"""The operator's scene as updated by the robot's own moves: where the objects are believed to be.

A real table has no ground truth; the operator's scene file says where the objects were before
the run. :class:`Belief` starts from there and follows what the robot does with them: when the
gripper closes on an object (the robot names it, or it is the believed object at the gripper),
that object — and what rests on or in it — is held and travels with the TCP; when the gripper
opens it comes to rest on what is below (:func:`codepolicy.envs.resting.settle`: a block on the
block under it, in a bowl, or on the table). :class:`TrackingRobot` wraps the robot role and
reports its moves to a belief. Nothing is measured: it is bookkeeping of the robot's own moves,
so an object pushed by accident or one that slips is not seen.

Example:
    >>> from codepolicy.envs.state import ObjectState
    >>> cube = (0.04, 0.04, 0.04)
    >>> belief = Belief({"red block": ObjectState("red block", "block", "red", (0.1, -0.5, 0.02), cube),
    ...                  "blue block": ObjectState("blue block", "block", "blue", (-0.1, -0.5, 0.02), cube)})
    >>> belief.grasped((0.1, -0.5, 0.03), opening=0.04, named=None)
    'red block'
    >>> belief.follow((-0.1, -0.5, 0.08)); belief.released((-0.1, -0.5, 0.075))
    >>> [round(v, 3) for v in belief.objects["red block"].position]
    [-0.1, -0.5, 0.06]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from codepolicy.envs.backend import DEFAULT_SPEED, GripperResult, MoveResult
from codepolicy.envs.resting import TOUCH, settle
from codepolicy.envs.state import ObjectState, Vec3

CLOSED_ON_NOTHING = 0.004
"""A gripper that closes to less than this (m) holds nothing: the fingers met."""
GRASP_REACH = 0.02
"""Farthest (m) the TCP may be from where an object is taken (a block's centre, a bowl's wall)
for the grasp to be on that object."""


def _offset(a: Vec3, b: Vec3) -> Vec3:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _plus(a: Vec3, b: Vec3) -> Vec3:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


class Belief:
    """Believed object positions, updated by grasps, carried moves and releases.

    Args:
        objects: Where the objects are at the start (the operator's confirmed scene).
    """

    def __init__(self, objects: Mapping[str, ObjectState]) -> None:
        self.objects: dict[str, ObjectState] = {}
        self.held: str | None = None
        self.moves = 0
        self._offsets: dict[str, Vec3] = {}
        self.restart(objects)

    def restart(self, objects: Mapping[str, ObjectState]) -> None:
        """Start again from ``objects`` (a new episode): nothing held, nothing moved."""
        self.objects = dict(objects)
        self.held = None
        self.moves = 0
        self._offsets.clear()

    def grasped(self, tcp: Vec3, *, opening: float, named: str | None) -> str | None:
        """The gripper closed at ``tcp``: which object it holds now (None: nothing).

        Args:
            opening: The finger opening after closing (below :data:`CLOSED_ON_NOTHING`: nothing).
            named: The object the robot itself says it holds, if it can tell.
        """
        self._offsets.clear()
        self.held = named if named in self.objects else self._at_gripper(tcp, opening)
        if self.held is not None:
            for name in [self.held, *self._resting_on(self.held)]:
                self._offsets[name] = _offset(self.objects[name].position, tcp)
        return self.held

    def follow(self, tcp: Vec3) -> None:
        """The TCP is now at ``tcp``: what is held moves with it."""
        for name, offset in self._offsets.items():
            self.objects[name] = self.objects[name].moved_to(_plus(tcp, offset))

    def released(self, tcp: Vec3) -> None:
        """The gripper opened at ``tcp``: what it held comes to rest on what is below."""
        if self.held is None:
            return
        self.follow(tcp)
        self.objects = settle(self.objects, held=None)
        self.held = None
        self._offsets.clear()
        self.moves += 1

    def _at_gripper(self, tcp: Vec3, opening: float) -> str | None:
        """The believed object the fingers closed on: the one taken nearest the TCP."""
        if opening < CLOSED_ON_NOTHING:
            return None
        best: tuple[float, str] | None = None
        for name, obj in self.objects.items():
            if not obj.bottom_z - GRASP_REACH <= tcp[2] <= obj.top_z + GRASP_REACH:
                continue
            centre = math.dist(tcp[:2], obj.position[:2])
            reach = abs(centre - obj.size[1] / 2) if obj.kind == "bowl" else centre
            if reach <= GRASP_REACH and (best is None or reach < best[0]):
                best = (reach, name)
        return best[1] if best else None

    def _resting_on(self, name: str) -> list[str]:
        """Everything resting on (or in) ``name``, and on those, recursively."""
        base = self.objects[name]
        found = []
        for other, obj in self.objects.items():
            if other == name:
                continue
            centre = math.dist(obj.position[:2], base.position[:2])
            if base.kind == "bowl":
                on = centre < base.size[0] / 2 and base.bottom_z <= obj.bottom_z < base.top_z
            else:
                half = (base.size[0] + obj.size[0]) / 2
                on = centre < half and abs(obj.bottom_z - base.top_z) <= TOUCH
            if on:
                found += [other, *(n for n in self._resting_on(other) if n not in found)]
        return found


class TrackingRobot:
    """A robot role whose grasps, moves and releases update ``belief`` (everything else passes).

    Args:
        inner: The robot (e.g. the approved remote robot).
        belief: What to update.
    """

    def __init__(self, inner: Any, belief: Belief) -> None:
        self.inner = inner
        self.belief = belief
        self.name = inner.name

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Move; a held object moves with the TCP to where it really went."""
        result: MoveResult = self.inner.move_tcp(
            target, speed=speed, stop_on_contact=stop_on_contact
        )
        self.belief.follow(result.reached)
        return result

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open or close; closing takes the object at the gripper, opening lets it come to rest."""
        result: GripperResult = self.inner.set_gripper(open, width)
        tcp = self.inner.robot_state().tcp
        if open:
            self.belief.released(tcp)
        else:
            self.belief.grasped(tcp, opening=result.opening, named=result.held)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
