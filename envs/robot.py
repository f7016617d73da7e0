"""The Franka Panda arm and gripper: loading, inverse kinematics, joint control and homing.

The robot comes from ``pybullet_data`` (``franka_panda/panda.urdf``), fixed at the origin and turned
by -90 degrees about z so that it faces the workspace (-y). Its tool centre point (TCP) is link 11
(``panda_grasptarget``), between the fingertips; "pointing down" is the TCP orientation euler
(pi, 0, 0), which makes the fingers close along the world y axis (checked in the simulation: the
prismatic finger joints' axes are world -y and +y).

Hand orientations (:func:`hand_rotation`): "down" turned by ``yaw`` about the world z axis, then
tilted by ``pitch`` about the world x axis (positive pitch leans the fingertips towards the robot,
+y). At ``yaw = -pi/2`` (:data:`NEAR_YAW`) the fingers close along world x, so a pitch turns the
hand about the axis the fingers close along and the finger pads stay flush with the faces of an
axis-aligned cube. Pointing straight down, the elbow-up arm cannot reach the strip within ~0.27 m
of the base (joint 4 folds to its limit); tilted like this it can, without changing arm family.

Inverse kinematics is a damped-least-squares solver on the exact forward kinematics (the Panda's
published Denavit-Hartenberg parameters), with the null space pulled towards :data:`REST_POSE`
(elbow up), so unreachable targets are detected without touching the simulation.

Example:
    >>> q, err = inverse_kinematics((0.0, -0.5, 0.1), REST_POSE)
    >>> bool(err < 1e-3), [round(float(v), 3) for v in forward_kinematics(q)]
    (True, [0.0, -0.5, 0.1])
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pybullet_data

from codepolicy.envs.bullet import pybullet

ARM_JOINTS = (0, 1, 2, 3, 4, 5, 6)
FINGER_JOINTS = (9, 10)
TCP_LINK = 11
HAND_LINKS = frozenset({7, 8, 9, 10, 11})
"""Links whose contacts count as "the gripper touched something"."""
FINGER_LINKS = (9, 10)

ARM_FORCES = (87.0, 87.0, 87.0, 87.0, 12.0, 12.0, 12.0)
"""Maximum joint torques (N m) from the Panda datasheet (and the URDF)."""
ARM_MAX_VELOCITY = (2.175, 2.175, 2.175, 2.175, 2.61, 2.61, 2.61)
LOWER = (-2.8973, -1.7628, -2.8973, -3.0718, -2.8973, -0.0175, -2.8973)
UPPER = (2.8973, 1.7628, 2.8973, -0.0698, 2.8973, 3.7525, 2.8973)
Joints = Sequence[float] | np.ndarray
"""Joint angles: a sequence or a numpy array."""

REST_POSE = (0.0, -0.1, 0.0, -2.0, 0.0, 1.9, -math.pi / 4)
"""Nominal elbow-up, hand-down configuration the IK null space is pulled towards."""
LOWER_ARR = np.array(LOWER)
UPPER_ARR = np.array(UPPER)
REST_ARR = np.array(REST_POSE)
_DAMPING = 0.02
_ZEROS7 = [0.0] * 7
_NULL_GAIN = 0.2

FINGER_OPEN = 0.04
"""Travel of each finger when fully open (opening = 2 x 0.04 = 8 cm)."""
GRIP_FORCE = 20.0
"""Force of each finger motor (N), the URDF's effort limit; the Panda grasps with ~70 N in total."""
FINGER_SPEED = 0.15
"""Maximum finger speed (m/s) of the position-controlled fingers."""
FINGER_FRICTION = 1.5
TCP_DOWN_EULER = (math.pi, 0.0, 0.0)

BASE_YAW = -math.pi / 2

# Modified DH parameters (a_{i-1}, d_i, alpha_{i-1}) of the Panda's seven joints.
_DH = (
    (0.0, 0.333, 0.0),
    (0.0, 0.0, -math.pi / 2),
    (0.0, 0.316, math.pi / 2),
    (0.0825, 0.0, math.pi / 2),
    (-0.0825, 0.384, -math.pi / 2),
    (0.0, 0.0, math.pi / 2),
    (0.088, 0.0, math.pi / 2),
)
_FLANGE_D = 0.107
_HAND_YAW = -math.pi / 4
_TCP_D = 0.105
_DH_TRIG = tuple((a, d, math.cos(al), math.sin(al)) for a, d, al in _DH)
_C, _S = math.cos(_HAND_YAW), math.sin(_HAND_YAW)
_HAND_ROT = np.array([[_C, -_S, 0.0], [_S, _C, 0.0], [0.0, 0.0, 1.0]])
TCP_DOWN_ROTATION = np.diag([1.0, -1.0, -1.0])
"""World orientation of the TCP pointing down: euler (pi, 0, 0)."""
NEAR_YAW = -math.pi / 2
"""Hand yaw at which the fingers close along world x, the axis :func:`hand_rotation` pitches about
(-pi/2 rather than +pi/2 keeps joint 7 near the middle of its range)."""


def hand_rotation(pitch: float = 0.0, yaw: float = 0.0) -> np.ndarray:
    """World rotation of the TCP: down (:data:`TCP_DOWN_ROTATION`) turned by ``yaw`` about world z,
    then tilted by ``pitch`` about world x (positive: fingertips towards the robot)."""
    if pitch == 0.0 and yaw == 0.0:
        return TCP_DOWN_ROTATION.copy()
    cp, sp, cy, sy = math.cos(pitch), math.sin(pitch), math.cos(yaw), math.sin(yaw)
    rot_x = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    rot_z = np.array([[cy, -sy, 0.0], [sy, cy, 0.0], [0.0, 0.0, 1.0]])
    return rot_x @ rot_z @ TCP_DOWN_ROTATION


def _kinematics(q: Joints, base_yaw: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TCP position, TCP rotation and the 6x7 geometric Jacobian for arm angles ``q``.

    Written with plain floats: for 3x3 matrices this is several times faster than numpy calls.
    """
    c, s = math.cos(base_yaw), math.sin(base_yaw)
    r00, r01, r02, r10, r11, r12, r20, r21, r22 = c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0
    px = py = pz = 0.0
    axes: list[tuple[float, float, float]] = []
    origins: list[tuple[float, float, float]] = []
    for (a, d, ca, sa), theta in zip(_DH_TRIG, q, strict=True):
        # Modified DH: T_i = RotX(alpha) TransX(a) RotZ(theta) TransZ(d).
        fy, fz = -d * sa, d * ca
        px, py, pz = (
            px + r00 * a + r01 * fy + r02 * fz,
            py + r10 * a + r11 * fy + r12 * fz,
            pz + r20 * a + r21 * fy + r22 * fz,
        )
        ct, st = math.cos(theta), math.sin(theta)
        # M = RotX(alpha) @ RotZ(theta) = [[ct, -st, 0], [ca st, ca ct, -sa], [sa st, sa ct, ca]]
        m10, m11, m20, m21 = ca * st, ca * ct, sa * st, sa * ct
        r00, r01, r02, r10, r11, r12, r20, r21, r22 = (
            r00 * ct + r01 * m10 + r02 * m20,
            -r00 * st + r01 * m11 + r02 * m21,
            -r01 * sa + r02 * ca,
            r10 * ct + r11 * m10 + r12 * m20,
            -r10 * st + r11 * m11 + r12 * m21,
            -r11 * sa + r12 * ca,
            r20 * ct + r21 * m10 + r22 * m20,
            -r20 * st + r21 * m11 + r22 * m21,
            -r21 * sa + r22 * ca,
        )
        axes.append((r02, r12, r22))
        origins.append((px, py, pz))
    reach = _FLANGE_D + _TCP_D
    tx, ty, tz = px + r02 * reach, py + r12 * reach, pz + r22 * reach
    jac = np.empty((6, 7))
    for i, ((ax, ay, az), (ox, oy, oz)) in enumerate(zip(axes, origins, strict=True)):
        dx, dy, dz = tx - ox, ty - oy, tz - oz
        jac[0, i], jac[1, i], jac[2, i] = ay * dz - az * dy, az * dx - ax * dz, ax * dy - ay * dx
        jac[3, i], jac[4, i], jac[5, i] = ax, ay, az
    rot = np.array([[r00, r01, r02], [r10, r11, r12], [r20, r21, r22]]) @ _HAND_ROT
    return np.array([tx, ty, tz]), rot, jac


def forward_kinematics(q: Joints, base_yaw: float = BASE_YAW) -> np.ndarray:
    """World position of the TCP for arm joint angles ``q`` (robot base at the origin)."""
    return _kinematics(q, base_yaw)[0]


def hand_angles(q: Joints, base_yaw: float = BASE_YAW) -> tuple[float, float]:
    """``(pitch, yaw)`` of the TCP orientation of arm angles ``q`` (inverse of
    :func:`hand_rotation`, exact when the orientation is one it can produce)."""
    rot = _kinematics(q, base_yaw)[1]
    pitch = math.atan2(rot[1, 2], -rot[2, 2])
    cp, sp = math.cos(pitch), math.sin(pitch)
    # Undo the tilt: R_x(-pitch) @ rot = R_z(yaw) @ down, whose first column is (cos yaw, sin yaw, 0).
    x0, x1 = rot[0, 0], cp * rot[1, 0] + sp * rot[2, 0]
    return pitch, math.atan2(x1, x0)


def inverse_kinematics(
    position: Sequence[float],
    seed: Joints,
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-4,
    base_yaw: float = BASE_YAW,
    pitch: float = 0.0,
    yaw: float = 0.0,
) -> tuple[np.ndarray, float]:
    """Joint angles putting the TCP at ``position`` with the hand orientation
    :func:`hand_rotation` ``(pitch, yaw)`` (default: pointing straight down), by damped least
    squares.

    The redundant degree of freedom is pulled towards :data:`REST_POSE` through the Jacobian's
    null space, so the arm stays elbow-up. Deterministic: the result depends only on the inputs.

    Returns:
        The 7 joint angles and the remaining error (position error in metres plus orientation
        error in radians scaled by 0.1).
    """
    target = np.asarray(position, dtype=float)
    q = np.clip(np.asarray(seed, dtype=float), LOWER_ARR, UPPER_ARR)
    down = pitch == 0.0 and yaw == 0.0
    want = hand_rotation(pitch, yaw)
    err_norm = math.inf
    for _ in range(max_iterations):
        tcp, rot, jac = _kinematics(q, base_yaw)
        e_pos = target - tcp
        # Orientation error 0.5 * sum_i r_i x d_i, r_i and d_i the columns of the current and the
        # wanted rotation; written out for d = diag(1, -1, -1) (pointing down), the common case.
        if down:
            e_rot = 0.5 * np.array(
                [
                    rot[2, 1] - rot[1, 2],
                    rot[2, 0] + rot[0, 2],
                    -rot[1, 0] - rot[0, 1],
                ]
            )
        else:
            e_rot = 0.5 * np.cross(rot.T, want.T).sum(axis=0)
        err_norm = float(np.linalg.norm(e_pos) + 0.1 * np.linalg.norm(e_rot))
        if err_norm < tolerance:
            break
        err = np.concatenate([e_pos, e_rot])
        step = np.linalg.norm(err)
        if step > 0.1:  # keep each Newton step in the region where the linearisation holds
            err *= 0.1 / step
        jjt = jac @ jac.T
        dq = jac.T @ np.linalg.solve(jjt + _DAMPING**2 * np.eye(6), err)
        # Exact (undamped) null-space projector, so the rest-pose pull never disturbs the task.
        null = np.eye(7) - jac.T @ np.linalg.solve(jjt + 1e-9 * np.eye(6), jac)
        q = q + dq + null @ (_NULL_GAIN * (REST_ARR - q))
        q = np.clip(q, LOWER_ARR, UPPER_ARR)
    return q, err_norm


class Panda:
    """A Franka Panda in one world's ``BulletClient``.

    Args:
        client: The world's ``BulletClient``.
        home_tcp: Where the TCP is when homed, metres.
    """

    def __init__(self, client: Any, home_tcp: Sequence[float]) -> None:
        self._pb = client
        cid = client._client
        pb = client
        pb.setAdditionalSearchPath(pybullet_data.getDataPath())
        self.body: int = pb.loadURDF(
            "franka_panda/panda.urdf",
            (0.0, 0.0, 0.0),
            pb.getQuaternionFromEuler((0.0, 0.0, BASE_YAW)),
            useFixedBase=True,
            flags=pb.URDF_ENABLE_CACHED_GRAPHICS_SHAPES,
        )
        for link in FINGER_LINKS:
            pb.changeDynamics(
                self.body,
                link,
                lateralFriction=FINGER_FRICTION,
                spinningFriction=0.05,
                rollingFriction=0.001,
                frictionAnchor=True,
            )
        # The real gripper's fingers are mechanically coupled: keep them symmetric with a gear.
        gear = pb.createConstraint(
            self.body, 9, self.body, 10, pb.JOINT_GEAR, (1, 0, 0), (0, 0, 0), (0, 0, 0)
        )
        pb.changeConstraint(gear, gearRatio=-1, erp=0.1, maxForce=50)
        self._set_arm = functools.partial(
            pybullet.setJointMotorControlArray,
            self.body,
            ARM_JOINTS,
            pybullet.POSITION_CONTROL,
            forces=ARM_FORCES,
            positionGains=(0.2,) * 7,
            velocityGains=(1.0,) * 7,
            physicsClientId=cid,
        )
        self._joint_states = functools.partial(
            pybullet.getJointStates, self.body, ARM_JOINTS, physicsClientId=cid
        )
        q_home, err = self.solve_ik(home_tcp, seed=REST_POSE)
        if err > 1e-3:
            raise ValueError(f"home TCP {tuple(home_tcp)} is unreachable ({err:.3f} m)")
        self.home_q: tuple[float, ...] = tuple(float(v) for v in q_home)
        self.home()

    # ---------------------------------------------------------------- state
    def arm_q(self) -> np.ndarray:
        """Current arm joint angles (7)."""
        return np.array([s[0] for s in self._joint_states()])

    def arm_qd(self) -> np.ndarray:
        """Current arm joint velocities (7)."""
        return np.array([s[1] for s in self._joint_states()])

    def tcp_position(self) -> tuple[float, float, float]:
        """World position of the TCP after the last simulation step."""
        pos = self._pb.getLinkState(self.body, TCP_LINK, computeForwardKinematics=True)[4]
        return (float(pos[0]), float(pos[1]), float(pos[2]))

    def tcp_pose(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """World position and quaternion of the TCP."""
        state = self._pb.getLinkState(self.body, TCP_LINK, computeForwardKinematics=True)
        return tuple(state[4]), tuple(state[5])

    def finger_positions(self) -> tuple[float, float]:
        """Travel of both fingers, metres (0 closed, 0.04 open)."""
        states = self._pb.getJointStates(self.body, FINGER_JOINTS)
        return float(states[0][0]), float(states[1][0])

    def finger_speed(self) -> float:
        """Largest absolute finger velocity, m/s."""
        states = self._pb.getJointStates(self.body, FINGER_JOINTS)
        return max(abs(float(states[0][1])), abs(float(states[1][1])))

    def opening(self) -> float:
        """Distance between the fingers, metres."""
        a, b = self.finger_positions()
        return a + b

    # ---------------------------------------------------------------- kinematics
    def solve_ik(
        self,
        position: Sequence[float],
        seed: Joints | None = None,
        *,
        pitch: float = 0.0,
        yaw: float = 0.0,
    ) -> tuple[np.ndarray, float]:
        """Joint angles that put the TCP at ``position`` pointing down (or tilted, see
        :func:`hand_rotation`).

        Args:
            position: Wanted TCP position.
            seed: Arm configuration to start from (default: the current joint angles). Seeding
                with the previous waypoint keeps a motion on one IK branch and makes it
                independent of tracking errors.
            pitch: Hand tilt about world x, radians.
            yaw: Hand yaw about world z, radians.

        Returns:
            The 7 joint angles and the remaining error (see :func:`inverse_kinematics`).
        """
        q0 = self.arm_q() if seed is None else seed
        return inverse_kinematics(position, q0, pitch=pitch, yaw=yaw)

    # ---------------------------------------------------------------- control
    def command_arm(self, q: Joints, qd: Sequence[float] | None = None) -> None:
        """Position-control the arm towards ``q`` with feed-forward velocities ``qd`` (lists are
        passed through untouched: this runs every simulation step)."""
        self._set_arm(
            targetPositions=q if isinstance(q, list) else [float(v) for v in q],
            targetVelocities=_ZEROS7 if qd is None else qd,
        )

    def command_fingers(self, travel: float, force: float = GRIP_FORCE) -> None:
        """Drive both fingers towards ``travel`` (0 closed, 0.04 open) with at most ``force``."""
        pb = self._pb
        for joint in FINGER_JOINTS:
            pb.setJointMotorControl2(
                self.body,
                joint,
                pb.POSITION_CONTROL,
                targetPosition=travel,
                force=force,
                maxVelocity=FINGER_SPEED,
                positionGain=0.1,
            )

    def reset_joints(self, q: Joints, finger_travel: float = FINGER_OPEN) -> None:
        """Teleport the robot to ``q`` at rest and hold it there (only for resets)."""
        pb = self._pb
        for joint, value in zip(ARM_JOINTS, q, strict=True):
            pb.resetJointState(self.body, joint, float(value), 0.0)
        for joint in FINGER_JOINTS:
            pb.resetJointState(self.body, joint, finger_travel, 0.0)
        self.command_arm(q)
        self.command_fingers(finger_travel)

    def home(self) -> None:
        """Teleport to the home pose (TCP above the middle of the table, gripper open)."""
        self.reset_joints(self.home_q, FINGER_OPEN)
