"""``PhysicsBackend``: both roles (:class:`~codepolicy.envs.roles.Robot`,
:class:`~codepolicy.envs.roles.Scene`) on a PyBullet tabletop.

Moves are planned by :mod:`codepolicy.envs.motion` before anything moves (a target the arm cannot
reach is refused as ``"unreachable"`` without moving).
Joint targets are interpolated per step and tracked by position-controlled motors with the Panda's
real torque limits, so the arm really pushes on, and is stopped by, what it touches.

Grasping: closing drives both (gear-coupled) fingers with 20 N each until they stall. The held
object is the one touching *both* fingers. Grasps are purely frictional by default: with the finger
friction, force and spinning friction tuned here, 250 of 250 randomised grasp-carry-place trials
(random block position and yaw within +-45 degrees, carried at 0.5 and 1.0 m/s) held without
slipping. ``grasp_assist=True`` adds a fixed hand-object constraint, created only when both
fingers touch the object after closing and removed on opening, for scenes where that is not enough.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from codepolicy.envs.camera import DEFAULT_CAMERA, CameraSpec
from codepolicy.envs.frame import TABLETOP, Frame
from codepolicy.envs.motion import plan_move
from codepolicy.envs.robot import (
    FINGER_LINKS,
    FINGER_OPEN,
    HAND_LINKS,
    TCP_LINK,
)
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
from codepolicy.envs.state import SceneState, Vec3
from codepolicy.envs.world import PhysicsSettings, TabletopWorld

TRACK_TOLERANCE = 0.005
"""A move is ``ok`` when the TCP ends this close (m) to the target."""
SETTLE_SECONDS = 0.75
"""Longest wait for the arm to converge on the target at the end of a move."""
GRIPPER_SECONDS = 1.0
"""Longest time for the fingers to open or stall."""
ASSIST_MAX_FORCE = 200.0
"""Strength (N) of the grasp-assist constraint."""


class PhysicsBackend(LocalConnection):
    """The Franka Panda tabletop in PyBullet, playing the robot and the scene role.

    Args:
        gui: Show the PyBullet GUI instead of running headless.
        grasp_assist: Also attach a grasped object to the hand with a constraint (module doc).
        settings: Physics engine parameters.
        camera: The scene camera for :meth:`render`.
    """

    name = "physics"
    frame: Frame = TABLETOP
    can_spawn = True
    has_ground_truth = True

    def __init__(
        self,
        *,
        gui: bool = False,
        grasp_assist: bool = False,
        settings: PhysicsSettings | None = None,
        camera: CameraSpec = DEFAULT_CAMERA,
    ) -> None:
        self.world = TabletopWorld(gui=gui, settings=settings, camera=camera)
        self.grasp_assist = grasp_assist
        self._held: str | None = None
        self._constraint: int | None = None
        self._q_cmd = np.array(self.world.robot.home_q)
        self._hand = (0.0, 0.0)
        self._closed = False

    # ------------------------------------------------------------------ Backend
    def reset(self, objects: Sequence[ObjectSpawn], seed: int = 0) -> SceneState:
        """Rebuild the scene with these objects, home the robot, let everything settle."""
        self.world.reset(objects, seed)
        self._held, self._constraint, self._closed = None, None, False
        self._q_cmd = np.array(self.world.robot.home_q)
        self._hand = (0.0, 0.0)
        return self.observe()

    def observe(self) -> SceneState:
        """The current scene: every object, the gripper and what it holds."""
        robot = self.world.robot
        return SceneState(
            objects=self.world.object_states(),
            gripper_position=robot.tcp_position(),
            gripper_opening=robot.opening(),
            held=self._current_held(),
            sim_time=self.world.sim_time,
        )

    def robot_state(self) -> RobotState:
        """Where the TCP is, the finger opening and the object touching both fingers."""
        robot, held = self.world.robot, self._current_held()
        return RobotState(
            robot.tcp_position(), robot.opening(), held is not None, held, self.world.sim_time
        )

    def stop(self) -> None:
        """Hold the current joint angles (commands run to completion, so nothing else moves)."""
        self._hold_here()

    @property
    def sim_time(self) -> float:
        """Seconds of simulated time since the last reset."""
        return self.world.sim_time

    def move_tcp(
        self, target: Vec3, *, speed: float = DEFAULT_SPEED, stop_on_contact: bool = False
    ) -> MoveResult:
        """Move the TCP along a straight line to ``target``, the hand pointing down (tilted near the
        base); see the module doc."""
        goal = np.array([float(v) for v in target])
        if goal.shape != (3,) or not np.all(np.isfinite(goal)):
            raise ValueError(f"target must be three finite numbers, got {target!r}")
        speed = float(speed)
        if not math.isfinite(speed) or speed <= 0:
            raise ValueError(f"speed must be positive, got {speed!r}")
        speed = min(speed, MAX_SPEED)
        world, robot = self.world, self.world.robot
        goal_t: Vec3 = (float(goal[0]), float(goal[1]), float(goal[2]))
        t0 = world.sim_time
        plan = plan_move(self._q_cmd, self._hand, goal, speed, world.time_step)
        if plan is None:
            return MoveResult(goal_t, robot.tcp_position(), ok=False, reason="unreachable")
        start_hand, hand = self._hand, plan.hand
        targets, velocities, fractions = plan.targets, plan.velocities, plan.fractions
        ignore = self._gripper_contacts() if stop_on_contact else set()
        contact = stopped = False
        for i, (q, qd) in enumerate(zip(targets, velocities, strict=True)):
            robot.command_arm(q, qd)
            world.step()
            if stop_on_contact:
                if self._gripper_contacts() - ignore:
                    contact = stopped = True
                    break
            elif not contact and i % 4 == 0 and self._gripper_contacts():
                contact = True
        if stopped:
            f = fractions[i]
            self._hand = (
                start_hand[0] + (hand[0] - start_hand[0]) * f,
                start_hand[1] + (hand[1] - start_hand[1]) * f,
            )
            self._hold_here()
            world.step(round(0.05 / world.time_step))
        else:
            self._hand = hand
            self._q_cmd = np.asarray(targets[-1]) if len(targets) else self._q_cmd
            robot.command_arm(self._q_cmd)
            self._converge(goal)
            contact = contact or bool(self._gripper_contacts())
        reached = robot.tcp_position()
        error = float(np.linalg.norm(np.asarray(reached) - goal))
        ok = error <= TRACK_TOLERANCE or stopped
        if not ok:
            self._hold_here()
        reason = None if ok else ("collision" if contact else "timeout")
        return MoveResult(goal_t, reached, ok, reason, contact, world.sim_time - t0)

    def set_gripper(self, open: bool, width: float | None = None) -> GripperResult:
        """Open (to ``width``, or fully), releasing what is held; or close until the fingers stall."""
        world, robot = self.world, self.world.robot
        t0 = world.sim_time
        target = FINGER_OPEN if width is None else min(max(width / 2, 0.0), FINGER_OPEN)
        if open:
            self._release()
            robot.command_fingers(target)
            self._closed = False
        else:
            robot.command_fingers(0.0)
            self._closed = True
        limit = round(GRIPPER_SECONDS / world.time_step)
        done, still = 0, 0
        while done < limit:
            world.step(4)
            done += 4
            opening = robot.opening()
            if open and opening > 2 * target - 1e-3:
                break
            still = still + 1 if robot.finger_speed() < 2e-3 else 0
            if done > 24 and (still >= 3 or opening < 1e-3):
                break
        if not open:
            held = self._object_in_fingers()
            if held is not None and self.grasp_assist:
                self._attach(held)
            self._held = held
        return GripperResult(robot.opening(), self._current_held(), world.sim_time - t0)

    def wait(self, seconds: float) -> None:
        """Let simulated time pass with the robot holding its pose."""
        steps = round(max(0.0, float(seconds)) / self.world.time_step)
        self.world.robot.command_arm(self._q_cmd)
        self.world.step(steps)

    def set_frame_listener(
        self, callback: Callable[[], None] | None, every_seconds: float = 1 / 12
    ) -> None:
        """Call ``callback()`` every ``every_seconds`` of simulated time, also during motions
        (video recording); None switches it off."""
        if callback is None:
            self.world.set_frame_callback(None)
            return
        steps = max(1, round(every_seconds / self.world.time_step))
        self.world.set_frame_callback(lambda _world: callback(), steps)

    def render(self, width: int = 320, height: int = 240) -> CameraFrame:
        """Render the fixed scene camera."""
        return self.world.render(width, height)

    def close(self) -> None:
        """Disconnect the physics client; the robot is disconnected afterwards."""
        self.disconnect()
        self.world.close()

    # ------------------------------------------------------------------ motion
    def _converge(self, goal: np.ndarray) -> None:
        """Step until the TCP is on ``goal`` and the arm is still, at most SETTLE_SECONDS."""
        world, robot = self.world, self.world.robot
        limit = round(SETTLE_SECONDS / world.time_step)
        for _ in range(0, limit, 4):
            world.step(4)
            error = np.linalg.norm(np.asarray(robot.tcp_position()) - goal)
            if error < 1e-3 and float(np.max(np.abs(robot.arm_qd()))) < 0.02:
                break

    def _hold_here(self) -> None:
        """Make the current joint angles the commanded ones (stop pushing on an obstacle)."""
        self._q_cmd = self.world.robot.arm_q()
        self.world.robot.command_arm(self._q_cmd)

    # ------------------------------------------------------------------ contacts and grasp
    def _gripper_contacts(self) -> set[int]:
        """Bodies the hand, fingers or held object touch (excluding the held object itself)."""
        pb, robot = self.world.client, self.world.robot.body
        held = self.world.body_id(self._held) if self._held is not None else -1
        bodies = {
            c[2]
            for c in pb.getContactPoints(bodyA=robot)
            if c[3] in HAND_LINKS and c[2] not in (held, robot)
        }
        if held >= 0:
            bodies |= {c[2] for c in pb.getContactPoints(bodyA=held) if c[2] != robot}
        return bodies

    def _object_in_fingers(self) -> str | None:
        """The object touching both fingers, if any."""
        pb, robot = self.world.client, self.world.robot.body
        touching = [
            {c[2] for c in pb.getContactPoints(bodyA=robot, linkIndexA=link)}
            for link in FINGER_LINKS
        ]
        names = [self.world.name_of(b) for b in sorted(touching[0] & touching[1])]
        found = [n for n in names if n is not None]
        return found[0] if found else None

    def _current_held(self) -> str | None:
        if self._constraint is not None or self._held is None:
            return self._held
        held = self._object_in_fingers() if self._closed else None
        self._held = held
        return held

    def _attach(self, name: str) -> None:
        pb, robot = self.world.client, self.world.robot.body
        hand = pb.getLinkState(robot, TCP_LINK, computeForwardKinematics=True)
        obj = pb.getBasePositionAndOrientation(self.world.body_id(name))
        inv_pos, inv_orn = pb.invertTransform(hand[4], hand[5])
        rel_pos, rel_orn = pb.multiplyTransforms(inv_pos, inv_orn, obj[0], obj[1])
        self._constraint = pb.createConstraint(
            robot,
            TCP_LINK,
            self.world.body_id(name),
            -1,
            pb.JOINT_FIXED,
            (0, 0, 0),
            rel_pos,
            (0, 0, 0),
            rel_orn,
            (0, 0, 0, 1),
        )
        pb.changeConstraint(self._constraint, maxForce=ASSIST_MAX_FORCE)

    def _release(self) -> None:
        if self._constraint is not None:
            self.world.client.removeConstraint(self._constraint)
        self._constraint, self._held = None, None
