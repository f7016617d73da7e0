"""Composite manipulation built from robot commands: grasp from above, place until contact.

These helpers hold the geometry (approach heights, release heights) so the primitives stay short.
They read objects from perception and the gripper from the robot, never the scene's ground truth.
"""

from __future__ import annotations

from collections.abc import Iterable

from codepolicy.envs.frame import BOWL_FLOOR
from codepolicy.envs.roles import MoveResult
from codepolicy.envs.state import Vec3
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import ObjectDropped, Unreachable
from codepolicy.primitives.perception import DetectedObject

SUPPORT_RADIUS = 0.035
"""A placement point this close (xy) to an object's centre rests on that object, metres."""


def travel_height(ctx: PrimitiveContext) -> float:
    """A TCP height that clears every detected object, plus what the gripper holds. Goals (kind
    ``"target"``, e.g. an adapter env's goal floating in the air) are places, not obstacles."""
    held = ctx.held()
    found = ctx.detections()
    tallest = max(
        (o.top_z for n, o in found.items() if n != held and o.kind != "target"),
        default=ctx.frame.table_z,
    )
    held_height = 0.0
    if held is not None:
        held_height = found[held].size[2] if held in found else _grip_height(ctx)
    return max(ctx.motion.min_travel_z, tallest + held_height + ctx.motion.clearance)


def _grip_height(ctx: PrimitiveContext) -> float:
    return ctx.grip.size[2] if ctx.grip is not None else 0.0


def carried_with(objects: Iterable[DetectedObject], held: str) -> set[str]:
    """``held`` and what rides in it: objects inside a held bowl's rim, at or above its bottom."""
    found = {o.name: o for o in objects}
    bowl = found.get(held)
    names = {held}
    if bowl is None or bowl.kind != "bowl":
        return names
    for obj in found.values():
        dx, dy = obj.position[0] - bowl.position[0], obj.position[1] - bowl.position[1]
        inside = dx * dx + dy * dy <= (bowl.size[0] / 2) ** 2
        if obj.name != held and inside and obj.bottom_z >= bowl.bottom_z - 0.005:
            names.add(obj.name)
    return names


def support_height(
    objects: Iterable[DetectedObject],
    xy: tuple[float, float],
    exclude: str | Iterable[str] | None,
    table_z: float,
) -> float:
    """Height of the surface under ``xy``: the table, a bowl's floor, or the top of a block
    (``exclude``: the held object, and what it carries).

    Goals (kind ``"target"``, in adapter worlds) are places, not surfaces: nothing rests on them.
    """
    skip = {exclude} if isinstance(exclude, str) else set(exclude or ())
    height = table_z
    for obj in objects:
        if obj.name in skip or obj.kind == "target":
            continue
        dx, dy = obj.position[0] - xy[0], obj.position[1] - xy[1]
        radius = obj.size[0] / 2 if obj.kind == "bowl" else SUPPORT_RADIUS
        if dx * dx + dy * dy > radius * radius:
            continue
        top = obj.bottom_z + BOWL_FLOOR if obj.kind == "bowl" else obj.top_z
        height = max(height, top)
    return height


def grasp_pose(ctx: PrimitiveContext, obj: DetectedObject) -> tuple[float, float, float, float]:
    """Where the TCP closes on ``obj`` and how wide the fingers open on the way: ``(x, y, z, w)``.

    A block is taken from above at its centre. A bowl is wider than the gripper opens, so it is
    taken by its wall, the fingers straddling it a little below the rim like a hand lifting a bowl
    by its edge: on the side away from the robot (where the arm reaches pointing down), or on the
    near side when the far one is off the table.
    """
    x, y, z = obj.position
    top = z + obj.size[2] / 2
    if obj.kind == "bowl":
        radius = obj.size[1] / 2 - ctx.motion.rim_inset
        far = (x, y - radius)
        wall_y = far[1] if ctx.frame.in_workspace(far) else y + radius
        return (x, wall_y, top - ctx.motion.rim_depth, ctx.motion.rim_opening)
    grasp_z = max(top - ctx.motion.grasp_depth, ctx.frame.table_z + 0.012)
    width = min(obj.size[0], obj.size[1]) + 2 * ctx.motion.grasp_slack
    return (x, y, grasp_z, width)


def held_offset(ctx: PrimitiveContext, held: str) -> tuple[float, float]:
    """Where the held object's centre is relative to the TCP in the table plane (a bowl held by
    its wall hangs beside the fingers), as perception sees it."""
    found = ctx.detections()
    if held not in found:
        return (0.0, 0.0)
    here = ctx.gripper_position()
    ox, oy, _ = found[held].position
    return (float(ox - here[0]), float(oy - here[1]))


def move(ctx: PrimitiveContext, target: Vec3, *, stop_on_contact: bool = False) -> MoveResult:
    """Move the TCP; raise :class:`Unreachable` if the arm cannot get there."""
    result = ctx.robot.move_tcp(target, speed=ctx.motion.speed, stop_on_contact=stop_on_contact)
    if not result.ok and not (stop_on_contact and result.contact):
        where = ", ".join(f"{v:.3f}" for v in target)
        got = ", ".join(f"{v:.3f}" for v in result.reached)
        raise Unreachable(
            f"cannot move the gripper to ({where}): {result.reason}; it reached ({got})"
        )
    return result


def carry(ctx: PrimitiveContext, target: Vec3, held: str) -> MoveResult:
    """Move while holding ``held``; raise :class:`ObjectDropped` if it slips out on the way."""
    result = move(ctx, target)
    if ctx.held() != held:
        ctx.grip = None
        raise ObjectDropped(f"the {held} slipped out of the gripper while moving")
    return result


def hover_above(ctx: PrimitiveContext, xy: tuple[float, float]) -> None:
    """Rise to travel height, then move horizontally above ``xy``."""
    held = ctx.held()
    z = travel_height(ctx)
    here = ctx.robot_state().tcp
    if here[2] < z - 1e-3:
        lift: Vec3 = (here[0], here[1], z)
        if held:
            carry(ctx, lift, held)
        else:
            move(ctx, lift)
    above: Vec3 = (xy[0], xy[1], z)
    if held:
        carry(ctx, above, held)
    else:
        move(ctx, above)
