"""Shared helpers of the sandbox tests: a small primitive registry and a fake-world dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from codepolicy.primitives.errors import GraspMissed, SafetyStop, UnknownObject
from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import DispatchResult


@dataclass
class ObjectInfo:
    """What perceive() returns per object."""

    name: str
    position: np.ndarray
    graspable: bool = True


def make_registry() -> Registry:
    """grasp(name), place(target), move_to(position), get_object_position(name), say, perceive."""
    reg = Registry()

    @reg.primitive
    def grasp(ctx: object, name: str) -> None:
        """Grasp the named object."""

    @reg.primitive
    def place(ctx: object, target: str) -> None:
        """Place the held object on the target."""

    @reg.primitive(moves_robot=True)
    def move_to(ctx: object, position: list[float], speed: float = 0.5) -> None:
        """Move the gripper to a position."""

    @reg.primitive
    def get_object_position(ctx: object, name: str) -> np.ndarray:
        """Where the named object is."""

    @reg.primitive
    def say(ctx: object, message: str) -> None:
        """Say something."""

    @reg.primitive
    def perceive(ctx: object) -> list[ObjectInfo]:
        """All visible objects."""

    return reg


POSITIONS = {"cube": [0.4, 0.0, 0.02], "ball": [0.5, 0.1, 0.03]}


def dispatch(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
    """A tiny fake world."""
    if spec.name == "get_object_position":
        if args["name"] not in POSITIONS:
            raise UnknownObject(f"no object named {args['name']!r}")
        return np.array(POSITIONS[args["name"]])
    if spec.name == "grasp" and args["name"] == "ghost":
        raise GraspMissed("the gripper closed on nothing")
    if spec.name == "move_to":
        if args["position"][2] < 0:
            raise SafetyStop("below the table")
        return DispatchResult(None, sim_time=1.5, info={"steps": 3})
    if spec.name == "perceive":
        return [ObjectInfo(n, np.array(p)) for n, p in POSITIONS.items()]
    return None
