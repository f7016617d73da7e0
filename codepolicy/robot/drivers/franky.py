"""The ``franky`` driver: Franka robots (Panda, FR3) through franky-control, which bundles libfranka.

Install with ``pip install 'codepolicy[franky]'``. Options (``--driver-option KEY=VALUE``):
``host`` (the robot's FCI address, required), ``table_z`` (height of the table surface in the
robot's base frame, metres, default 0), ``contact_force`` (N, default 5: a move with
``stop_on_contact`` stops when the external force along z exceeds it), ``realtime`` (``ignore``
for a simulator or a non-realtime kernel; default ``enforce``), ``simulated`` (1 when the host is a
simulator such as franky-sim; the default 0 treats it as hardware), ``home`` (1: move to the
home joint pose at start-up).

Frames: the tabletop frame has the robot base at the origin facing -y; Franka's base frame faces
+x. A tabletop point (x, y, z) is (-y, x, z - table_z) in the robot's base frame. The hand keeps
the orientation it had at start-up (pointing down in the usual home pose).

A move is a Cartesian motion run asynchronously, so a halt calls ``Robot.stop()`` within one poll
(10 ms); the arm then holds where it stopped. Acceleration and speed are set per move through
franky's translation limits, at most the server's limits. No scene knowledge: the driver reports
the arm and gripper only.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from typing import Any

from codepolicy.envs.backend import GripperResult, MoveResult
from codepolicy.envs.state import Vec3
from codepolicy.robot.driver import DriverError, DriverInfo, RobotDriver, RobotState, StopCheck

POLL = 0.01
"""Seconds between checks of ``should_stop`` while a motion runs."""
REACH_TOLERANCE = 0.005
"""A move is ``ok`` when the measured TCP ends this close (m) to the target."""
GRIPPER_SPEED = 0.05
"""Finger speed, m/s."""
MOTION_TIMEOUT = 60.0
"""Longest single motion, s."""
HOME_Q = (0.0, -0.3, 0.0, -2.2, 0.0, 1.9, 0.785)
"""Joint angles of the home pose (rad): hand pointing down about 0.4 m in front of the base."""


def _import_franky() -> Any:
    try:
        return importlib.import_module("franky")
    except ImportError:
        raise DriverError(
            "the franky driver needs franky-control: pip install 'codepolicy[franky]'"
        ) from None


class FrankyDriver:
    """A Franka arm and gripper behind the :class:`RobotDriver` seam.

    Args:
        host: The robot's (or simulator's) FCI address.
        table_z: Table surface height in the robot's base frame, metres.
        contact_force: External force (N) along z that stops a ``stop_on_contact`` move.
        realtime: Enforce libfranka's realtime scheduling (False for simulators).
        simulated: Whether ``host`` is a simulator.
        home: Move to :data:`HOME_Q` at start-up.
    """

    name = "franky"

    def __init__(
        self,
        host: str,
        *,
        table_z: float = 0.0,
        contact_force: float = 5.0,
        realtime: bool = True,
        simulated: bool = False,
        home: bool = False,
    ) -> None:
        self.franky = _import_franky()
        fr = self.franky
        config = fr.RealtimeConfig.Enforce if realtime else fr.RealtimeConfig.Ignore
        try:
            self.robot = fr.Robot(host, realtime_config=config)
            self.gripper = fr.Gripper(host)
        except Exception as exc:
            raise DriverError(
                f"franky driver: cannot connect to the robot at {host}: {exc}"
            ) from None
        self.host, self.table_z, self.contact_force = host, table_z, contact_force
        self.orientation = self.robot.current_cartesian_state.pose.end_effector_pose.quaternion
        self._t0 = time.monotonic()
        self._moving = False
        self.info = DriverInfo(simulated=simulated, scene=False, model="franka", gripper=True)
        if home:
            self.home()

    # ------------------------------------------------------------------ frames
    def to_base(self, p: Vec3) -> list[float]:
        """A tabletop point in the robot's base frame."""
        return [-p[1], p[0], p[2] - self.table_z]

    def from_base(self, q: Any) -> Vec3:
        """A base-frame point in the tabletop frame."""
        return (float(q[1]), float(-q[0]), float(q[2]) + self.table_z)

    def tcp(self) -> Vec3:
        """The TCP as the robot reports it, tabletop frame."""
        return self.from_base(self.robot.current_cartesian_state.pose.end_effector_pose.translation)

    # ------------------------------------------------------------------ RobotDriver
    def move_tcp(
        self,
        target: Vec3,
        *,
        speed: float,
        accel: float | None,
        stop_on_contact: bool,
        should_stop: StopCheck,
    ) -> MoveResult:
        """A straight Cartesian move at ``speed`` (m/s) and ``accel`` (m/s^2); halts on demand."""
        fr, robot = self.franky, self.robot
        t0 = time.monotonic()
        robot.recover_from_errors()
        robot.translation_velocity_limit.set(min(speed, robot.translation_velocity_limit.max))
        if accel is not None:
            limit = robot.translation_acceleration_limit
            limit.set(min(accel, limit.max))
        motion = fr.CartesianMotion(fr.Affine(self.to_base(target), self.orientation))
        contact = [False]
        if stop_on_contact:
            reaction = fr.Reaction(
                fr.Measure.FORCE_Z > self.contact_force,  # noqa: SIM300 (franky's Measure overloads >)
                fr.CartesianStopMotion(),
            )
            reaction.register_callback(lambda *_: contact.__setitem__(0, True))
            motion.add_reaction(reaction)
        reason = self._run(lambda: robot.move(motion, asynchronous=True), should_stop)
        reached = self.tcp()
        error = sum((a - b) ** 2 for a, b in zip(reached, target, strict=True)) ** 0.5
        ok = reason is None and (error <= REACH_TOLERANCE or contact[0])
        if reason is None and not ok:
            reason = "unreachable"
        return MoveResult(target, reached, ok, reason, contact[0], time.monotonic() - t0)

    def move_joints(self, q: list[float], should_stop: StopCheck) -> str | None:
        """A joint-space move to ``q`` (radians); None when it arrived, else why not."""
        fr = self.franky
        motion = fr.JointWaypointMotion([fr.JointWaypoint(list(q))])
        return self._run(lambda: self.robot.move(motion, asynchronous=True), should_stop)

    def home(self) -> None:
        """Move to :data:`HOME_Q` (hand down over the table) and keep that hand orientation."""
        self.robot.relative_dynamics_factor = 0.2
        reason = self.move_joints(list(HOME_Q), lambda: False)
        if reason is not None:
            raise DriverError(f"franky driver: homing failed: {reason}")
        self.robot.relative_dynamics_factor = 1.0
        self.orientation = self.robot.current_cartesian_state.pose.end_effector_pose.quaternion

    def _run(self, start: Any, should_stop: StopCheck) -> str | None:
        """Start an asynchronous motion and wait for it; None if it finished, else why not."""
        fr, robot = self.franky, self.robot
        self._moving = True
        try:
            start()
            deadline = time.monotonic() + MOTION_TIMEOUT
            while True:
                try:
                    if robot.join_motion(POLL):
                        return None
                except fr.ControlException as exc:
                    robot.recover_from_errors()
                    return f"robot_error: {exc}"
                if should_stop() or time.monotonic() > deadline:
                    self.hold()
                    return "halted" if should_stop() else "timeout"
        finally:
            self._moving = False

    def set_gripper(
        self, open: bool, width: float | None, force: float | None, should_stop: StopCheck
    ) -> GripperResult:
        """Open to ``width`` (or fully), or grasp with ``force`` (N) until the fingers stall."""
        t0 = time.monotonic()
        g = self.gripper
        if open:
            target = g.max_width if width is None else min(width, g.max_width)
            future = g.move_async(target, GRIPPER_SPEED)
        else:
            future = g.grasp_async(0.0, GRIPPER_SPEED, force or 20.0, epsilon_outer=1.0)
        while not future.wait(POLL):
            if should_stop():
                with contextlib.suppress(Exception):
                    g.stop()
                break
        return GripperResult(float(g.width), None, time.monotonic() - t0)

    def wait(self, seconds: float, should_stop: StopCheck) -> None:
        """Hold still for ``seconds`` of wall time."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not should_stop():
            time.sleep(min(POLL, max(0.0, end - time.monotonic())))

    def hold(self) -> None:
        """Stop the running motion; the arm holds where it stopped."""
        with contextlib.suppress(Exception):
            self.robot.stop()
        with contextlib.suppress(Exception):
            self.robot.join_motion(1.0)
        with contextlib.suppress(Exception):
            self.robot.recover_from_errors()

    def state(self) -> RobotState:
        """Measured joints, the reported TCP and the finger width."""
        joints = self.robot.current_joint_state.position
        return RobotState(
            tcp=self.tcp(),
            gripper_opening=float(self.gripper.width),
            sim_time=time.monotonic() - self._t0,
            moving=self._moving,
            joints=tuple(float(v) for v in joints),
        )

    def close(self) -> None:
        """Stop any motion (the connection closes with the objects)."""
        self.hold()


def _flag(options: dict[str, str], name: str, default: bool) -> bool:
    value = options.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "enforce"):
        return True
    if value.lower() in ("0", "false", "no", "ignore"):
        return False
    raise DriverError(f"franky driver: {name} must be 1/0 (or enforce/ignore), got {value!r}")


def make(options: dict[str, str]) -> RobotDriver:
    """Entry point: a franky driver from ``--driver-option`` values."""
    known = {"host", "table_z", "contact_force", "realtime", "simulated", "home"}
    unknown = set(options) - known
    if unknown:
        raise DriverError(
            f"franky driver: unknown option(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    if not options.get("host"):
        raise DriverError("franky driver: --driver-option host=ADDRESS is required")
    try:
        table_z = float(options.get("table_z", "0"))
        force = float(options.get("contact_force", "5"))
    except ValueError as exc:
        raise DriverError(
            f"franky driver: table_z and contact_force must be numbers ({exc})"
        ) from None
    return FrankyDriver(
        options["host"],
        table_z=table_z,
        contact_force=force,
        realtime=_flag(options, "realtime", True),
        simulated=_flag(options, "simulated", False),
        home=_flag(options, "home", False),
    )
