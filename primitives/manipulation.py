"""Composite manipulation built from Backend calls: grasp from above, place until contact.

These helpers hold the geometry (approach heights, release heights) so the primitives stay short.
"""

from __future__ import annotations

from codepolicy.envs.backend import MoveResult
from codepolicy.envs.frame import BOWL_FLOOR, in_workspace
from codepolicy.envs.state import SceneState, Vec3
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import ObjectDropped, Unreachable
from codepolicy.primitives.perception import DetectedObject

SUPPORT_RADIUS = 0.035
"""A placement point this close (xy) to an object's centre rests on that object, metres."""


def travel_height(ctx: PrimitiveContext, scene: SceneState) -> float:
    """A TCP height that clears every object on the table, plus what the gripper holds."""
    tallest = max((o.top_z for n, o in scene.objects.items() if n != scene.held), default=0.0)
    held = scene.objects[scene.held].size[2] if scene.held else 0.0
    return max(ctx.motion.min_travel_z, tallest + held + ctx.motion.clearance)


def support_height(scene: SceneState, xy: tuple[float, float], exclude: str | None) -> float:
    """Height of the surface under ``xy``: the table, a bowl's floor, or the top of a block.

    Goals (kind ``"target"``, in adapter worlds) are places, not surfaces: nothing rests on them.
    """
    height = 0.0
    for name, obj in scene.objects.items():
        if name == exclude or obj.kind == "target":
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
        wall_y = far[1] if in_workspace(far) else y + radius
        return (x, wall_y, top - ctx.motion.rim_depth, ctx.motion.rim_opening)
    grasp_z = max(top - ctx.motion.grasp_depth, 0.012)
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
    result = ctx.backend.move_tcp(target, speed=ctx.motion.speed, stop_on_contact=stop_on_contact)
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
    if ctx.backend.observe().held != held:
        raise ObjectDropped(f"the {held} slipped out of the gripper while moving")
    return result


def hover_above(ctx: PrimitiveContext, xy: tuple[float, float]) -> None:
    """Rise to travel height, then move horizontally above ``xy``."""
    scene = ctx.backend.observe()
    z = travel_height(ctx, scene)
    here = scene.gripper_position
    if here[2] < z - 1e-3:
        lift: Vec3 = (here[0], here[1], z)
        if scene.held:
            carry(ctx, lift, scene.held)
        else:
            move(ctx, lift)
    above: Vec3 = (xy[0], xy[1], z)
    if scene.held:
        carry(ctx, above, scene.held)
    else:
        move(ctx, above)
