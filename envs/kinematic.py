"""The kinematic backend: no dynamics, every motion and grasp resolves instantly.

Objects rest where geometry says they would: a held object follows the gripper, a released object drops
onto whatever is below it (the table, a bowl's floor or rim, the top of a block) and topples off a
block it overhangs too far; a block with another on it cannot be taken from under it
(:mod:`codepolicy.envs.resting` holds these rules, measured on the physics world). It exists for
instant dry runs of programs — ranking candidate programs before executing one on the physics world
or a real robot — and must agree with physics on the outcome of programs, sensible or not, so it
shares the physics world's frame, home pose, sizes and reach.

Example:
    >>> backend = KinematicBackend()
    >>> _ = backend.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    >>> _ = backend.move_tcp((0.1, -0.5, 0.02))
    >>> backend.set_gripper(open=False).held
    'red block'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from codepolicy.envs.assets import bowl_profile
from codepolicy.envs.backend import (
    DEFAULT_SPEED,
    MAX_SPEED,
    CameraFrame,
    GripperResult,
    MoveResult,
    ObjectSpawn,
)
from codepolicy.envs.frame import (
    BLOCK_SIZE,
    BOWL_DIAMETER,
    BOWL_HEIGHT,
    COLORS,
    WORKSPACE_X,
    WORKSPACE_Y,
)
from codepolicy.envs.resting import load_on, settle, surface_under
from codepolicy.envs.state import ObjectState, SceneState, Vec3

HOME_TCP: Vec3 = (0.0, -0.45, 0.4)
"""Where the gripper waits after a reset, metres: the physics world's home
(:data:`codepolicy.envs.world.HOME_TCP`, which imports PyBullet; a test holds them equal)."""
MAX_OPENING = 0.08
"""Widest finger opening of the Panda gripper, metres."""
REACH = 0.855
"""Farthest TCP distance from the shoulder axis the arm reaches pointing down, metres."""
FINGER_HALF_WIDTH = 0.01
"""Half the width of a fingertip, metres: what an empty gripper lowered onto something touches."""
GRASP_XY_TOLERANCE = 0.015
RIM_GRASP_BAND = 0.02
"""How far from the middle of a bowl's wall (radially, and sideways along the wall) the TCP may be
for a rim grasp to hold, metres."""
RIM_WALL_OPENING = 0.0127
"""Finger opening when closed on a bowl's flared wall, measured on physics, metres."""
BOWL = bowl_profile()
"""How far (xy) the TCP may be from an object's centre and still close on it, metres."""


def _size_of(kind: str) -> Vec3:
    if kind == "bowl":
        return (BOWL_DIAMETER, BOWL_DIAMETER, BOWL_HEIGHT)
    return (BLOCK_SIZE, BLOCK_SIZE, BLOCK_SIZE)


def reachable(target: Vec3) -> bool:
    """Whether a top-down TCP pose at ``target`` is within the Panda's reach."""
    x, y, z = target
    return z >= 0.0 and math.hypot(x, y) <= REACH - max(0.0, 0.12 - z) * 0.3


class KinematicBackend:
    """A :class:`~codepolicy.envs.backend.Backend` with geometry and no dynamics.

    Args:
        image_size: Default (width, height) of rendered images.
    """

    name = "kinematic"

    def __init__(self, image_size: tuple[int, int] = (320, 240)) -> None:
        self._objects: dict[str, ObjectState] = {}
        self._tcp: Vec3 = HOME_TCP
        self._opening = MAX_OPENING
        self._held: str | None = None
        self._grip_offset: Vec3 = (0.0, 0.0, 0.0)
        self._time = 0.0
        self._image_size = image_size

    # ---- Backend ---------------------------------------------------------------------------------

    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Put each object flat on the table at its spawn xy; home the gripper, open."""
        self._objects = {}
        for spawn in objects:
            size = _size_of(spawn.kind)
            quat = (0.0, 0.0, math.sin(spawn.yaw / 2), math.cos(spawn.yaw / 2))
            self._objects[spawn.name] = ObjectState(
                spawn.name, spawn.kind, spawn.color, (spawn.x, spawn.y, size[2] / 2), size, quat
            )
        self._tcp, self._opening, self._held, self._time = HOME_TCP, MAX_OPENING, None, 0.0
        self._settle()
        return self.observe()

    def observe(self) -> SceneState:
        """The current scene."""
        return SceneState(
            objects=dict(self._objects),
            gripper_position=self._tcp,
            gripper_opening=self._opening,
            held=self._held,
            sim_time=self._time,
        )

    @property
    def sim_time(self) -> float:
        """Seconds the motions so far would have taken at their speeds."""
        return self._time

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Jump to ``target``; with ``stop_on_contact``, stop where the gripper would touch down."""
        target = (float(target[0]), float(target[1]), float(target[2]))
        speed = min(max(speed, 1e-3), MAX_SPEED)
        if not reachable(target):
            return MoveResult(target, self._tcp, ok=False, reason="unreachable")
        goal, contact = target, False
        if stop_on_contact and target[2] < self._tcp[2]:
            floor = self._contact_height(target)
            if target[2] < floor:
                goal, contact = (target[0], target[1], floor), True
        seconds = math.dist(self._tcp, goal) / speed
        self._tcp = goal
        if self._held:
            ox, oy, oz = self._grip_offset
            self._objects[self._held] = self._objects[self._held].moved_to(
                (goal[0] + ox, goal[1] + oy, goal[2] + oz)
            )
        self._time += seconds
        return MoveResult(target, goal, ok=True, contact=contact, sim_seconds=seconds)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``, dropping what is held onto what is below) or close on the object
        at the TCP."""
        seconds = 0.5
        if open:
            self._held = None
            self._opening = MAX_OPENING if width is None else min(max(width, 0.0), MAX_OPENING)
            self._settle()
        elif self._held is None:
            name = self._object_between_fingers()
            if name is not None:
                obj = self._objects[name]
                self._held = name
                self._opening = (
                    RIM_WALL_OPENING if obj.kind == "bowl" else min(obj.size[0], obj.size[1])
                )
                self._grip_offset = tuple(
                    o - t for o, t in zip(obj.position, self._tcp, strict=True)
                )  # type: ignore[assignment]
                self._settle()
            else:
                self._opening = 0.0
        self._time += seconds
        return GripperResult(self._opening, self._held, seconds)

    def wait(self, seconds: float) -> None:
        """Let time pass (nothing moves without dynamics)."""
        self._time += max(0.0, seconds)

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """A top-down orthographic view of the workspace drawn with OpenCV, with a height map as depth."""
        return _render_top_down(self.observe(), width, height)

    def close(self) -> None:
        """Nothing to release."""

    # ---- geometry --------------------------------------------------------------------------------

    def _contact_height(self, target: Vec3) -> float:
        """Lowest TCP height at the target's xy before the gripper or held object touches down."""
        x, y = target[0], target[1]
        if self._held:
            obj = self._objects[self._held]
            hx, hy = obj.size[0] / 2, obj.size[1] / 2
            area = (x - hx, x + hx, y - hy, y + hy)
            surface = surface_under(self._objects, area, skip={self._held})
            return surface + obj.size[2] / 2 - self._grip_offset[2]
        finger = FINGER_HALF_WIDTH
        area = (x - finger, x + finger, y - finger, y + finger)
        return surface_under(self._objects, area, skip=set()) + 0.005

    def _object_between_fingers(self) -> str | None:
        """The block the closing fingers would hold: centred between them, at their height, not
        wider than the opening, with nothing resting on it (the hand meets what it carries and
        the fingers close on nothing, as they do on physics)."""
        best, best_d = None, GRASP_XY_TOLERANCE
        for name, obj in self._objects.items():
            if obj.kind == "bowl" or max(obj.size[0], obj.size[1]) > MAX_OPENING:
                continue
            d = math.hypot(obj.position[0] - self._tcp[0], obj.position[1] - self._tcp[1])
            if d <= best_d and obj.bottom_z - 0.01 <= self._tcp[2] <= obj.top_z:
                best, best_d = name, d
        if best is not None and load_on(self._objects, best):
            return None
        return best if best is not None else self._bowl_wall_between_fingers()

    def _bowl_wall_between_fingers(self) -> str | None:
        """The bowl whose wall the closing fingers straddle (a rim grasp, as on physics): the TCP
        over the wall on the side across the finger-closing axis (world y while pointing down),
        between the rim and 3.5 cm below it, the fingers open wider than the wall."""
        for name, obj in self._objects.items():
            if obj.kind != "bowl" or self._opening < RIM_WALL_OPENING:
                continue
            dx, dy = self._tcp[0] - obj.position[0], self._tcp[1] - obj.position[1]
            radial = math.hypot(dx, dy)
            on_wall = BOWL.inner_top_radius - RIM_GRASP_BAND <= radial <= BOWL.rim_radius + 0.003
            if (
                on_wall
                and abs(dx) <= RIM_GRASP_BAND
                and obj.top_z - 0.035 <= self._tcp[2] <= obj.top_z
            ):
                return name
        return None

    def _settle(self) -> None:
        """Let every free object come to rest (:func:`codepolicy.envs.resting.settle`)."""
        self._objects = settle(self._objects, self._held)


def _render_top_down(scene: SceneState, width: int, height: int) -> CameraFrame:
    """Draw the workspace seen from straight above (x to the right, top side up)."""
    pad = 0.05
    x0, x1 = WORKSPACE_X[0] - pad, WORKSPACE_X[1] + pad
    y0, y1 = WORKSPACE_Y[0] - pad, WORKSPACE_Y[1] + pad
    scale = min(width / (x1 - x0), height / (y1 - y0))
    rgb = np.full((height, width, 3), 205, dtype=np.uint8)
    depth = np.full((height, width), 1.0, dtype=np.float32)

    def px(x: float, y: float) -> tuple[int, int]:
        return int((x - x0) * scale), int((y1 - y) * scale)

    for obj in sorted(scene.objects.values(), key=lambda o: o.top_z):
        color = tuple(int(c * 255) for c in COLORS.get(obj.color, (0.5, 0.5, 0.5, 1.0))[:3])
        cx, cy = px(obj.position[0], obj.position[1])
        half = int(obj.size[0] / 2 * scale)
        if obj.kind == "bowl":
            cv2.circle(rgb, (cx, cy), half, color, thickness=max(2, half // 5))
            cv2.circle(depth, (cx, cy), half, 1.0 - obj.top_z, thickness=max(2, half // 5))
        else:
            cv2.rectangle(rgb, (cx - half, cy - half), (cx + half, cy + half), color, thickness=-1)
            cv2.rectangle(
                depth, (cx - half, cy - half), (cx + half, cy + half), 1.0 - obj.top_z, -1
            )
    gx, gy = px(scene.gripper_position[0], scene.gripper_position[1])
    cv2.drawMarker(rgb, (gx, gy), (40, 40, 40), cv2.MARKER_CROSS, 14, 2)
    intrinsics = np.array(
        [[scale, 0, -x0 * scale], [0, -scale, y1 * scale], [0, 0, 1]], dtype=float
    )
    extrinsics = np.eye(4)
    extrinsics[2, 3] = 1.0
    return CameraFrame(rgb=rgb, depth=depth, intrinsics=intrinsics, extrinsics=extrinsics)
