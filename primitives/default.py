"""The default primitive API: perceive, query, move, grasp, place, say.

Every function here takes the :class:`PrimitiveContext` first; the executor passes it in, and a program
calls the rest of the signature. Docstrings are shown to models verbatim, so they say what a caller
needs: arguments, result and failures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from codepolicy.envs.state import Vec3
from codepolicy.primitives.arguments import (
    Position,
    Target,
    check_location,
    check_object,
    check_position,
)
from codepolicy.primitives.container import Item, free_spot
from codepolicy.primitives.context import Grip, PrimitiveContext
from codepolicy.primitives.errors import AlreadyHolding, GraspMissed, InvalidArgument, NotHolding
from codepolicy.primitives.manipulation import (
    carried_with,
    carry,
    grasp_pose,
    held_offset,
    hover_above,
    move,
    support_height,
    travel_height,
)
from codepolicy.primitives.perception import DetectedObject
from codepolicy.primitives.registry import Registry

DEFAULT = Registry()
"""Registry of the default primitive API."""


@DEFAULT.primitive
def perceive(ctx: PrimitiveContext) -> list[DetectedObject]:
    """List the objects on the table.

    Returns:
        One record per object with fields name (str), kind ("block", "bowl", or "target": a
        goal place in some worlds, not graspable), color (str),
        position (x, y, z in metres) and size (x, y, z extent in metres).
    """
    return ctx.perception.detect()


@DEFAULT.primitive
def get_object_names(ctx: PrimitiveContext) -> list[str]:
    """Names of all objects on the table, e.g. ["red block", "blue bowl"]."""
    return [d.name for d in ctx.perception.detect()]


@DEFAULT.primitive
def get_object_position(ctx: PrimitiveContext, name: str) -> np.ndarray:
    """Position of an object's centre as a numpy array [x, y, z] in metres.

    Raises:
        UnknownObject: no object has that name (the message lists the known names).
    """
    found = ctx.detections()
    check_object(name, list(found))
    return np.array(found[name].position, dtype=float)


@DEFAULT.primitive
def get_location(ctx: PrimitiveContext, name: str) -> np.ndarray:
    """Position [x, y, 0] of a named table location, in metres.

    Locations: "top left corner", "top side", "top right corner", "left side", "middle",
    "right side", "bottom left corner", "bottom side", "bottom right corner". The top side is
    nearest the robot (y = -0.25), left is negative x.

    Raises:
        UnknownLocation: not one of the names above.
    """
    x, y = check_location(name, ctx.frame)
    return np.array([x, y, ctx.frame.table_z])


@DEFAULT.primitive(moves_robot=True)
def move_to(ctx: PrimitiveContext, position: Position) -> np.ndarray:
    """Move the gripper (pointing down) in a straight line to [x, y, z] metres.

    Returns:
        Where the gripper really is afterwards, [x, y, z].

    Raises:
        OutOfWorkspace: the position is outside the workspace or above 0.6 m.
        Unreachable: the arm cannot get there.
    """
    x, y, z = check_position(position, ctx.frame, need_z=True)
    held = ctx.held()
    target: Vec3 = (x, y, z)
    result = carry(ctx, target, held) if held else move(ctx, target)
    return np.array(result.reached, dtype=float)


@DEFAULT.primitive(moves_robot=True)
def open_gripper(ctx: PrimitiveContext) -> None:
    """Open the gripper, releasing whatever it holds."""
    ctx.robot.set_gripper(open=True)
    ctx.grip = None


@DEFAULT.primitive(moves_robot=True)
def close_gripper(ctx: PrimitiveContext) -> str | None:
    """Close the gripper where it is.

    Returns:
        The name of the object now held, or None if the fingers closed on nothing.
    """
    return ctx.robot.set_gripper(open=False).held


@DEFAULT.primitive(moves_robot=True)
def grasp(ctx: PrimitiveContext, name: str) -> None:
    """Pick up an object: approach from above, close the gripper on it, and lift it. A block is
    taken at its centre; a bowl, wider than the gripper, by its wall on the side away from the
    robot (it hangs beside the fingers; place() puts it down where you ask).

    Raises:
        UnknownObject: no object has that name.
        AlreadyHolding: the gripper already holds an object (place it first).
        GraspMissed: the gripper closed but holds nothing, or holds another object.
        Unreachable: the arm cannot reach the object.
    """
    found = ctx.detections()
    check_object(name, list(found))
    already = ctx.held()
    if already is not None:
        raise AlreadyHolding(f"already holding the {already}; place it before grasping {name}")
    obj = found[name]
    if obj.kind == "target":
        raise InvalidArgument(
            f"the {name} is a place to put things on or move to, not an object; it cannot be grasped"
        )
    x, y, grasp_z, width = grasp_pose(ctx, obj)
    ctx.robot.set_gripper(open=True, width=width)
    hover_above(ctx, (x, y))
    move(ctx, (x, y, grasp_z))
    closed = ctx.robot.set_gripper(open=False)
    held = closed.held
    if held is None and ctx.robot_state().holding:
        held = name  # the robot feels an object but cannot name it: the one it closed on
    if held == name:
        ctx.grip = Grip(name, obj.kind, obj.size, grasp_z - obj.bottom_z)
    lift_z = travel_height(ctx)
    if held != name:
        ctx.robot.set_gripper(open=True)
        ctx.grip = None
        move(ctx, (x, y, lift_z))
        what = f"closed on the {held}" if held else "closed on nothing"
        where = "on its wall" if obj.kind == "bowl" else f"at ({x:.3f}, {y:.3f})"
        raise GraspMissed(f"grasp of the {name} {where} missed: the gripper {what}")
    carry(ctx, (x, y, lift_z), name)


def _resolve_target(
    ctx: PrimitiveContext, target: str | list[float], held: str
) -> Vec3 | tuple[float, float]:
    if isinstance(target, str):
        found = ctx.detections()
        if target in found:
            if target == held:
                raise GraspMissed(f"cannot place the {held} on itself")
            if found[target].kind == "bowl" and found[held].kind != "bowl":
                return _room_in(found[target], found[held], found.values())
            tx, ty, _ = found[target].position
            return (tx, ty)
        if target in ctx.frame.locations:
            return check_location(target, ctx.frame)
        known = [n for n in found if n != held]
        check_object(target, [*known, *ctx.frame.locations])
    values = check_position(target, ctx.frame)  # type: ignore[arg-type]
    return (values[0], values[1]) if len(values) == 2 else (values[0], values[1], values[2])


def _room_in(
    bowl: DetectedObject, held: DetectedObject, objects: Iterable[DetectedObject]
) -> tuple[float, float]:
    """A free spot on the bowl's floor for ``held``, beside what already lies in the bowl."""
    rim = bowl.size[0] / 2
    inside = [
        Item((o.position[0], o.position[1]), max(o.size[0], o.size[1]) / 2)
        for o in objects
        if o.name not in (bowl.name, held.name)
        and o.kind != "bowl"
        and math.dist(o.position[:2], bowl.position[:2]) < rim
        and o.position[2] - o.size[2] / 2 < bowl.position[2] + bowl.size[2] / 2
    ]
    bowl_xy = (bowl.position[0], bowl.position[1])
    return free_spot(Item(bowl_xy, rim), inside, max(held.size[0], held.size[1]) / 2)


@DEFAULT.primitive(moves_robot=True)
def place(ctx: PrimitiveContext, target: Target) -> np.ndarray:
    """Put the object held since grasp() down on a target and retreat upwards.

    Args:
        target: An object name ("red block": on top of it; "blue bowl": into it), a
            location name ("top left corner"), [x, y] (lowered until it touches what is below),
            or [x, y, z] (released with the gripper at height z).

    Into a bowl, the object goes beside what is already there: a bowl's floor holds up to 3
    blocks side by side, about 2.5 cm from its centre, the free slot nearest the robot first.

    Returns:
        Where the released object came to rest, [x, y, z].

    Raises:
        NotHolding: the gripper holds nothing (grasp first).
        UnknownObject / UnknownLocation / OutOfWorkspace: the target is not valid.
        ObjectDropped: the object slipped out on the way.
    """
    held = ctx.held()
    if held is None:
        raise NotHolding("place() needs a held object; call grasp(name) first")
    resolved = _resolve_target(ctx, target, held)
    xy = (resolved[0], resolved[1])
    dx, dy = held_offset(ctx, held)
    tcp_xy = (xy[0] - dx, xy[1] - dy)
    hover_above(ctx, tcp_xy)
    found = ctx.detections()
    tcp_z = ctx.robot_state().tcp[2]
    kind, size, tcp_above_bottom = _held_geometry(ctx, found.get(held), tcp_z)
    if len(resolved) == 3:
        release_z = float(resolved[2])
    else:
        carried = carried_with(found.values(), held)
        surface = support_height(found.values(), xy, exclude=carried, table_z=ctx.frame.table_z)
        release_z = surface + tcp_above_bottom + ctx.motion.release_gap
    move(ctx, (tcp_xy[0], tcp_xy[1], release_z), stop_on_contact=True)
    release = (
        ctx.motion.rim_opening
        if kind == "bowl"
        else min(size[0], size[1]) + 2 * ctx.motion.release_slack
    )
    ctx.robot.set_gripper(open=True, width=release)
    ctx.grip = None
    up = travel_height(ctx)
    here = ctx.robot_state().tcp
    move(ctx, (here[0], here[1], up))
    rest = ctx.detections().get(held)
    return np.array(rest.position if rest is not None else (*xy, float("nan")), dtype=float)


def _held_geometry(
    ctx: PrimitiveContext, seen: DetectedObject | None, tcp_z: float
) -> tuple[str, tuple[float, float, float], float]:
    """The held object's kind, size and the TCP's height above its bottom: from perception when
    it sees the object in the gripper, else from what the grasp learned."""
    if seen is not None:
        return seen.kind, seen.size, tcp_z - seen.bottom_z
    if ctx.grip is not None:
        return ctx.grip.kind, ctx.grip.size, ctx.grip.tcp_above_bottom
    return "block", (0.0, 0.0, 0.0), 0.0


@DEFAULT.primitive(moves_robot=True)
def pick_and_place(ctx: PrimitiveContext, obj: str, target: Target) -> np.ndarray:
    """Grasp the object named ``obj`` and place it on ``target`` (same targets as place()).

    Returns:
        Where the object came to rest, [x, y, z].
    """
    grasp(ctx, obj)
    return place(ctx, target)


@DEFAULT.primitive
def holding(ctx: PrimitiveContext) -> str | None:
    """Name of the object in the gripper, or None."""
    return ctx.held()


@DEFAULT.primitive
def get_gripper_position(ctx: PrimitiveContext) -> np.ndarray:
    """Position of the gripper's fingertips [x, y, z], metres."""
    return ctx.gripper_position()


@DEFAULT.primitive
def say(ctx: PrimitiveContext, message: str) -> None:
    """Say something to the user (recorded in the feedback)."""
    ctx.said.append(str(message))
