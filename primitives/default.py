"""The default primitive API: perceive, query, move, grasp, place, say.

Every function here takes the :class:`PrimitiveContext` first; the executor passes it in, and a program
calls the rest of the signature. Docstrings are shown to models verbatim, so they say what a caller
needs: arguments, result and failures.
"""

from __future__ import annotations

import numpy as np

from codepolicy.envs.frame import LOCATIONS
from codepolicy.envs.state import Vec3
from codepolicy.primitives.arguments import (
    Position,
    Target,
    check_location,
    check_object,
    check_position,
)
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import AlreadyHolding, GraspMissed, InvalidArgument, NotHolding
from codepolicy.primitives.manipulation import (
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
    x, y = check_location(name)
    return np.array([x, y, 0.0])


@DEFAULT.primitive(moves_robot=True)
def move_to(ctx: PrimitiveContext, position: Position) -> np.ndarray:
    """Move the gripper (pointing down) in a straight line to [x, y, z] metres.

    Returns:
        Where the gripper really is afterwards, [x, y, z].

    Raises:
        OutOfWorkspace: the position is outside the workspace or above 0.6 m.
        Unreachable: the arm cannot get there.
    """
    x, y, z = check_position(position, need_z=True)
    scene = ctx.backend.observe()
    target: Vec3 = (x, y, z)
    result = carry(ctx, target, scene.held) if scene.held else move(ctx, target)
    return np.array(result.reached, dtype=float)


@DEFAULT.primitive(moves_robot=True)
def open_gripper(ctx: PrimitiveContext) -> None:
    """Open the gripper, releasing whatever it holds."""
    ctx.backend.set_gripper(open=True)


@DEFAULT.primitive(moves_robot=True)
def close_gripper(ctx: PrimitiveContext) -> str | None:
    """Close the gripper where it is.

    Returns:
        The name of the object now held, or None if the fingers closed on nothing.
    """
    return ctx.backend.set_gripper(open=False).held


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
    scene = ctx.backend.observe()
    if scene.held is not None:
        raise AlreadyHolding(f"already holding the {scene.held}; place it before grasping {name}")
    obj = found[name]
    if obj.kind == "target":
        raise InvalidArgument(
            f"the {name} is a place to put things on or move to, not an object; it cannot be grasped"
        )
    x, y, grasp_z, width = grasp_pose(ctx, obj)
    ctx.backend.set_gripper(open=True, width=width)
    hover_above(ctx, (x, y))
    move(ctx, (x, y, grasp_z))
    held = ctx.backend.set_gripper(open=False).held
    lift_z = travel_height(ctx, ctx.backend.observe())
    if held != name:
        ctx.backend.set_gripper(open=True)
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
            tx, ty, _ = found[target].position
            return (tx, ty)
        if target in LOCATIONS:
            return check_location(target)
        known = [n for n in found if n != held]
        check_object(target, [*known, *LOCATIONS])
    values = check_position(target)  # type: ignore[arg-type]
    return (values[0], values[1]) if len(values) == 2 else (values[0], values[1], values[2])


@DEFAULT.primitive(moves_robot=True)
def place(ctx: PrimitiveContext, target: Target) -> np.ndarray:
    """Put the held object down on a target and retreat upwards.

    Args:
        target: An object name ("blue bowl": into it; "red block": on top of it), a location name
            ("top left corner"), [x, y] (lowered until it touches what is below), or [x, y, z]
            (released with the gripper at height z).

    Returns:
        Where the released object came to rest, [x, y, z].

    Raises:
        NotHolding: the gripper holds nothing (grasp first).
        UnknownObject / UnknownLocation / OutOfWorkspace: the target is not valid.
        ObjectDropped: the object slipped out on the way.
    """
    scene = ctx.backend.observe()
    held = scene.held
    if held is None:
        raise NotHolding("place() needs a held object; call grasp(name) first")
    resolved = _resolve_target(ctx, target, held)
    xy = (resolved[0], resolved[1])
    dx, dy = held_offset(ctx, held)
    tcp_xy = (xy[0] - dx, xy[1] - dy)
    hover_above(ctx, tcp_xy)
    scene = ctx.backend.observe()
    obj = scene.objects[held]
    tcp_above_bottom = scene.gripper_position[2] - obj.bottom_z
    if len(resolved) == 3:
        release_z = float(resolved[2])
    else:
        surface = support_height(scene, xy, exclude=held)
        release_z = surface + tcp_above_bottom + ctx.motion.release_gap
    move(ctx, (tcp_xy[0], tcp_xy[1], release_z), stop_on_contact=True)
    release = (
        ctx.motion.rim_opening
        if obj.kind == "bowl"
        else min(obj.size[0], obj.size[1]) + 2 * ctx.motion.release_slack
    )
    ctx.backend.set_gripper(open=True, width=release)
    up = travel_height(ctx, ctx.backend.observe())
    here = ctx.backend.observe().gripper_position
    move(ctx, (here[0], here[1], up))
    return np.array(ctx.backend.observe().objects[held].position, dtype=float)


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
    return ctx.backend.observe().held


@DEFAULT.primitive
def get_gripper_position(ctx: PrimitiveContext) -> np.ndarray:
    """Position of the gripper's fingertips [x, y, z], metres."""
    return ctx.gripper_position()


@DEFAULT.primitive
def say(ctx: PrimitiveContext, message: str) -> None:
    """Say something to the user (recorded in the feedback)."""
    ctx.said.append(str(message))
