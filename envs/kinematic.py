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
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from codepolicy.envs.assets import bowl_profile
from codepolicy.envs.frame import (
    BLOCK_SIZE,
    BOWL_DIAMETER,
    BOWL_HEIGHT,
    TABLETOP,
    Frame,
)
from codepolicy.envs.resting import knock_off, load_on, settle, surface_under
from codepolicy.envs.roles import (
    DEFAULT_SPEED,
    MAX_SPEED,
    CameraFrame,
    GripperResult,
    LocalConnection,
    MoveResult,
    ObjectSpawn,
    RobotState,
)
from codepolicy.envs.state import ObjectState, SceneState, Vec3

HOME_TCP: Vec3 = TABLETOP.home_tcp
"""Where the gripper waits after a reset, metres: the frame's home, which the physics world's
(:data:`codepolicy.envs.world.HOME_TCP`, which imports PyBullet) equals; a test holds them equal."""
MAX_OPENING = 0.08
"""Widest finger opening of the Panda gripper, metres."""
REACH: tuple[tuple[float, float], ...] = (
    (0.0, 0.897),
    (0.02, 0.903),
    (0.05, 0.909),
    (0.1, 0.922),
    (0.2, 0.938),
    (0.35, 0.931),
    (0.5, 0.906),
    (0.6, 0.863),
)
"""Farthest horizontal TCP distance from the robot's axis the physics arm reaches at each height,
(z, distance) in metres: solved by the physics world's inverse kinematics with its hand-orientation
ladder (tilting the hand reaches farther than pointing straight down), the smaller over directions
straight ahead and 23 degrees aside."""
FINGER_HALF_WIDTH = 0.01
"""Half the width of a fingertip, metres: what an empty gripper lowered onto something touches."""
GRASP_XY_TOLERANCE = 0.015
"""How far (xy) the TCP may be from an object's centre and still close on it, metres."""
RIM_GRASP_BAND = 0.02
"""How far from the middle of a bowl's wall (radially, and sideways along the wall) the TCP may be
for a rim grasp to hold, metres."""
RIM_WALL_OPENING = 0.0127
"""Finger opening when closed on a bowl's flared wall, measured on physics, metres."""
BOWL = bowl_profile()
"""Inside radii of the physics bowl (its wall is where the fingers close on a bowl)."""

# Timing of the physics world, so that dry runs take the simulated time physics takes.
FINGER_SPEED = 0.15
"""Speed of each physics finger, m/s (:data:`codepolicy.envs.robot.FINGER_SPEED`)."""
GRIPPER_OVERHEAD = 0.067
"""Seconds the physics gripper takes beyond its finger travel (detecting that the fingers stopped)."""
GRIPPER_STALL = 0.05
"""Extra seconds the physics gripper takes to notice that it has closed on an object."""
GRAVITY = 9.81
"""m/s^2: how fast an object let go of falls."""
ACCELERATION = 2.0
"""TCP acceleration of the physics world's moves, m/s^2 (:data:`codepolicy.envs.motion.ACCELERATION`)."""


def _move_seconds(length: float, speed: float) -> float:
    """Duration of a move of ``length`` metres with the physics world's trapezoidal speed profile."""
    if length <= 0.0:
        return 0.0
    if length < speed * speed / ACCELERATION:
        return 2.0 * math.sqrt(length / ACCELERATION)
    return length / speed + speed / ACCELERATION


def _finger_seconds(travel: float, *, stall: bool) -> float:
    """How long the physics gripper takes to change its opening by ``travel`` metres (both fingers
    together), measured on the physics backend: 1/60 s when already there."""
    if travel <= 1e-3 and not stall:
        return 1 / 60
    return travel / (2 * FINGER_SPEED) + GRIPPER_OVERHEAD + (GRIPPER_STALL if stall else 0.0)


def _size_of(kind: str) -> Vec3:
    if kind == "bowl":
        return (BOWL_DIAMETER, BOWL_DIAMETER, BOWL_HEIGHT)
    return (BLOCK_SIZE, BLOCK_SIZE, BLOCK_SIZE)


def reachable(target: Vec3) -> bool:
    """Whether the physics arm reaches a TCP pose at ``target`` (:data:`REACH`)."""
    x, y, z = target
    if z < REACH[0][0] or z > REACH[-1][0]:
        return False
    limit = float(np.interp(z, [h for h, _ in REACH], [r for _, r in REACH]))
    return math.hypot(x, y) <= limit


class KinematicBackend(LocalConnection):
    """Both roles (:class:`~codepolicy.envs.roles.Robot` and :class:`~codepolicy.envs.roles.Scene`)
    with geometry and no dynamics.

    Args:
        image_size: Default (width, height) of rendered images.
    """

    name = "kinematic"
    frame: Frame = TABLETOP
    can_spawn = True
    has_ground_truth = True

    def __init__(self, image_size: tuple[int, int] = (320, 240)) -> None:
        self._objects: dict[str, ObjectState] = {}
        self._tcp: Vec3 = HOME_TCP
        self._opening = MAX_OPENING
        self._held: str | None = None
        self._falls: dict[str, tuple[float, float]] = {}
        self._riders: list[str] = []
        """What rides in the held bowl."""
        self._grip_offset: Vec3 = (0.0, 0.0, 0.0)
        self._time = 0.0
        self._image_size = image_size
        self._listener: Callable[[], None] | None = None

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
        self._falls, self._riders = {}, []
        self._settle()
        self._notify()
        return self.observe()

    def observe(self) -> SceneState:
        """The current scene; an object let go of above its support is still falling (as it is on
        physics, where the scene is read right after the fingers open)."""
        return SceneState(
            objects=self._in_flight(),
            gripper_position=self._tcp,
            gripper_opening=self._opening,
            held=self._held,
            sim_time=self._time,
        )

    def robot_state(self) -> RobotState:
        """Where the gripper is, its opening and what it holds."""
        return RobotState(self._tcp, self._opening, self._held is not None, self._held, self._time)

    def stop(self) -> None:
        """Nothing is ever in motion between commands."""

    @property
    def sim_time(self) -> float:
        """Seconds the motions so far would have taken at their speeds."""
        return self._time

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Jump to ``target`` in the time the physics arm takes; with ``stop_on_contact``, stop where
        the gripper would touch down."""
        target = (float(target[0]), float(target[1]), float(target[2]))
        speed = min(max(speed, 1e-3), MAX_SPEED)
        if not reachable(target):
            return MoveResult(target, self._tcp, ok=False, reason="unreachable")
        goal, contact = target, False
        if stop_on_contact and target[2] < self._tcp[2]:
            floor = self._contact_height(target)
            if target[2] < floor:
                goal, contact = (target[0], target[1], floor), True
        seconds = _move_seconds(math.dist(self._tcp, goal), speed)
        self._tcp = goal
        if self._held:
            ox, oy, oz = self._grip_offset
            before = self._objects[self._held].position
            after = (goal[0] + ox, goal[1] + oy, goal[2] + oz)
            self._objects[self._held] = self._objects[self._held].moved_to(after)
            shift = [a - b for a, b in zip(after, before, strict=True)]
            for rider in self._riders:
                p = self._objects[rider].position
                self._objects[rider] = self._objects[rider].moved_to(
                    (p[0] + shift[0], p[1] + shift[1], p[2] + shift[2])
                )
        self._time += seconds
        self._notify()
        return MoveResult(target, goal, ok=True, contact=contact, sim_seconds=seconds)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``, letting go of what is held, which falls onto what is below) or close
        on the block between the fingers; it takes as long as the physics gripper does."""
        before = self._opening
        if open:
            if self._held is not None:
                self._falls[self._held] = (self._objects[self._held].position[2], self._time)
            self._held, self._riders = None, []
            self._opening = MAX_OPENING if width is None else min(max(width, 0.0), MAX_OPENING)
            self._settle()
            seconds = _finger_seconds(max(0.0, self._opening - before), stall=False)
        elif self._held is None:
            name = self._object_between_fingers()
            load = load_on(self._objects, name) if name is not None else []
            if name is not None and (not load or self._objects[name].kind == "bowl"):
                obj = self._objects[name]
                self._held, self._riders = name, load
                self._opening = (
                    RIM_WALL_OPENING if obj.kind == "bowl" else min(obj.size[0], obj.size[1])
                )
                self._grip_offset = tuple(
                    o - t for o, t in zip(obj.position, self._tcp, strict=True)
                )  # type: ignore[assignment]
                self._settle()
            else:
                # Fingers that close on a block carrying others squeeze the load too and push it
                # off (on physics the hand jams between them); they end up holding nothing.
                if name is not None:
                    self._objects = knock_off(self._objects, name)
                self._opening = 0.0
            seconds = _finger_seconds(before - self._opening, stall=self._held is not None)
        else:
            seconds = _finger_seconds(0.0, stall=True)
        self._time += seconds
        self._notify()
        return GripperResult(self._opening, self._held, seconds)

    def wait(self, seconds: float) -> None:
        """Let time pass (nothing moves without dynamics)."""
        self._time += max(0.0, seconds)

    def set_frame_listener(
        self, callback: Callable[[], None] | None, every_seconds: float = 1 / 12
    ) -> None:
        """Call ``callback()`` after a reset and after every motion (motions are instant, so
        ``every_seconds`` is not used); None switches it off. Videos draw the motion in between."""
        self._listener = callback

    def _notify(self) -> None:
        if self._listener is not None:
            self._listener()

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """A top-down orthographic view of the workspace drawn with OpenCV, with a height map as depth."""
        return _render_top_down(self.observe(), width, height, self.frame)

    def close(self) -> None:
        """Nothing to release; the robot is disconnected afterwards."""
        self.disconnect()

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
        """What the closing fingers would hold: a block centred between them at their height, or
        the wall of a bowl (wider than the gripper opens) the fingers straddle below its rim."""
        best, best_d = None, GRASP_XY_TOLERANCE
        x, y, z = self._tcp
        for name, obj in self._objects.items():
            if obj.kind == "bowl" or max(obj.size[0], obj.size[1]) > MAX_OPENING:
                continue
            d = math.hypot(obj.position[0] - x, obj.position[1] - y)
            if d <= best_d and obj.bottom_z - 0.01 <= z <= obj.top_z:
                best, best_d = name, d
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

    def _in_flight(self) -> dict[str, ObjectState]:
        """Objects with the ones still falling shown where they are now (free fall, no drag)."""
        objects = dict(self._objects)
        for name, (z0, t0) in list(self._falls.items()):
            obj = objects.get(name)
            z = z0 - 0.5 * GRAVITY * (self._time - t0) ** 2
            if obj is None or z <= obj.position[2] or name == self._held:
                del self._falls[name]
                continue
            objects[name] = obj.moved_to((obj.position[0], obj.position[1], z))
        return objects

    def _settle(self) -> None:
        """Let every free object come to rest (:func:`codepolicy.envs.resting.settle`)."""
        self._objects = settle(self._objects, self._held, self._riders)


def _render_top_down(scene: SceneState, width: int, height: int, frame: Frame) -> CameraFrame:
    """Draw the workspace seen from straight above (x to the right, top side up)."""
    pad = 0.05
    x0, x1 = frame.workspace_x[0] - pad, frame.workspace_x[1] + pad
    y0, y1 = frame.workspace_y[0] - pad, frame.workspace_y[1] + pad
    scale = min(width / (x1 - x0), height / (y1 - y0))
    rgb = np.full((height, width, 3), 205, dtype=np.uint8)
    depth = np.full((height, width), 1.0, dtype=np.float32)

    def px(x: float, y: float) -> tuple[int, int]:
        return int((x - x0) * scale), int((y1 - y) * scale)

    for obj in sorted(scene.objects.values(), key=lambda o: o.top_z):
        color = tuple(int(c * 255) for c in frame.colors.get(obj.color, (0.5, 0.5, 0.5, 1.0))[:3])
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
