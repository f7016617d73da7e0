"""Motion planning for the Panda: straight TCP lines, planned in joint space before anything moves.

Moves are straight TCP lines with a trapezoidal speed profile (acceleration :data:`ACCELERATION`,
cruise at the asked speed, at most ``MAX_SPEED``). The line is cut into waypoints every
:data:`WAYPOINT_STEPS` simulation steps, each solved by inverse kinematics seeded with the previous
one, so a move stays on one elbow-up IK branch; a target the arm cannot reach within
:data:`REACH_TOLERANCE` makes :func:`plan_move` return None.

Near the base: pointing straight down, the elbow-up arm cannot reach the strip within ~0.27 m of the
base (e.g. the "top side", (0, -0.25)). Every move therefore picks the hand orientation for its
target from :data:`HAND_LADDER`: pointing down first, then the fingers turned to close along world x
(:data:`~codepolicy.envs.robot.NEAR_YAW`) and tilted about that axis by 0, 5, ..., 50 degrees, the
fingertips towards the robot before away from it (15 degrees suffice at the top side). The first
orientation whose straight line solves wins, and the orientation is interpolated linearly along the
waypoints from the current one, so the wrist turns smoothly, within one arm family. Moves away from
the base come back to pointing down the same way. The tilt is about the axis the fingers close
along, so the pads stay flush with a cube's faces. A block carried between poses of different tilt
is tilted in the hand by the difference and rotates flat when released, moving up to ~1 cm towards
the robot; the 5 degree steps keep that tilt small (with 10 degree steps, three-block stacks at the
top side toppled much more often).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from codepolicy.envs.robot import (
    ARM_MAX_VELOCITY,
    LOWER_ARR,
    NEAR_YAW,
    UPPER_ARR,
    forward_kinematics,
    inverse_kinematics,
)

ACCELERATION = 2.0
"""TCP acceleration and deceleration of every move, m/s^2."""
WAYPOINT_STEPS = 12
"""Simulation steps between IK waypoints (20 Hz at 240 Hz); joints are interpolated in between."""
REACH_TOLERANCE = 0.01
"""IK error (m) above which a target counts as unreachable."""
HAND_LADDER: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (0.0, NEAR_YAW),
    *((sign * math.radians(deg), NEAR_YAW) for deg in range(5, 51, 5) for sign in (1.0, -1.0)),
)
"""Hand orientations ``(pitch, yaw)`` a move tries for its target, in order (module doc)."""
LIMIT_MARGIN = 0.03
"""A waypoint whose joints come closer than this (rad) to a limit counts as unreachable: an arm
pressed against a limit (e.g. the elbow fully folded near the base) tracks poorly, so the planner
tilts the hand instead."""
TURN_LENGTH = 0.2
"""Metres of TCP path a hand rotation of one radian counts as when timing a move (so that a move
which mostly turns the wrist is not planned as instantaneous)."""


@dataclass(frozen=True)
class MovePlan:
    """A planned straight-line move.

    Attributes:
        hand: Hand orientation ``(pitch, yaw)`` at the end (see
            :func:`~codepolicy.envs.robot.hand_rotation`).
        targets: Joint targets, one per simulation step.
        velocities: Feed-forward joint velocities, one per simulation step.
        fractions: Fraction of the path done at each step (for a move stopped part-way).
    """

    hand: tuple[float, float]
    targets: list[list[float]]
    velocities: list[list[float]]
    fractions: np.ndarray


def plan_move(
    q0: np.ndarray,
    hand0: tuple[float, float],
    goal: np.ndarray,
    speed: float,
    dt: float,
    ladder: Sequence[tuple[float, float]] = HAND_LADDER,
) -> MovePlan | None:
    """The straight TCP line from joint angles ``q0`` (hand orientation ``hand0``) to ``goal``,
    ending with the first orientation of ``ladder`` that works (module doc); None if none does."""
    for hand in ladder:
        plan = _plan_line(q0, hand0, goal, speed, dt, hand)
        if plan is not None:
            return plan
    return None


def _plan_line(
    q0: np.ndarray,
    hand0: tuple[float, float],
    goal: np.ndarray,
    speed: float,
    dt: float,
    hand: tuple[float, float],
) -> MovePlan | None:
    """The straight line to ``goal`` turning the hand from ``hand0`` to ``hand``, or None when
    some waypoint is out of reach or within :data:`LIMIT_MARGIN` of a joint limit."""
    start = forward_kinematics(q0)
    length = float(np.linalg.norm(goal - start))
    (p0, y0), (p1, y1) = hand0, hand
    turn = max(abs(p1 - p0), abs(y1 - y0))
    path = max(length, TURN_LENGTH * turn)
    while True:
        duration = _profile_duration(path, speed, ACCELERATION)
        n_steps = max(1, math.ceil(duration / dt))
        wp_steps = [*range(0, n_steps, WAYPOINT_STEPS), n_steps]
        q = q0
        qs = [q]
        fracs = [0.0]
        for k, step in enumerate(wp_steps[1:], start=1):
            s = _profile_distance(step * dt, path, speed, ACCELERATION) / max(path, 1e-12)
            last = k == len(wp_steps) - 1
            s = 1.0 if last else min(s, 1.0)
            q, err = inverse_kinematics(
                start + (goal - start) * s,
                q,
                max_iterations=200 if last else 15,
                tolerance=1e-4 if last else 5e-4,
                pitch=p0 + (p1 - p0) * s,
                yaw=y0 + (y1 - y0) * s,
            )
            if err > REACH_TOLERANCE or not _clear_of_limits(q):
                return None
            qs.append(q)
            fracs.append(s)
        arr = np.array(qs)
        gaps = np.diff(np.array(wp_steps)) * dt
        ratio = float(np.max(np.abs(np.diff(arr, axis=0)) / gaps[:, None] / ARM_MAX_VELOCITY))
        if ratio <= 0.9 or speed < 1e-3:
            break
        speed /= ratio / 0.8  # too fast for the joints (e.g. near a singularity): slow down
    steps = np.arange(1, n_steps + 1)
    targets = np.stack([np.interp(steps, wp_steps, arr[:, j]) for j in range(7)], axis=1)
    velocities = np.gradient(np.vstack([arr[:1], targets]), dt, axis=0)[1:]
    velocities[-1] = 0.0
    fractions = np.interp(steps, wp_steps, fracs)
    return MovePlan(hand, targets.tolist(), velocities.tolist(), fractions)


def _clear_of_limits(q: np.ndarray) -> bool:
    """Whether no joint of ``q`` is within :data:`LIMIT_MARGIN` of its limit."""
    return bool(np.all(q - LOWER_ARR >= LIMIT_MARGIN) and np.all(UPPER_ARR - q >= LIMIT_MARGIN))


def _profile_duration(length: float, speed: float, accel: float) -> float:
    """Duration of a trapezoidal (or triangular) speed profile covering ``length``."""
    if length <= 0:
        return 0.0
    if length < speed * speed / accel:
        return 2.0 * math.sqrt(length / accel)
    return length / speed + speed / accel


def _profile_distance(t: float, length: float, speed: float, accel: float) -> float:
    """Distance covered after ``t`` seconds of the profile of :func:`_profile_duration`."""
    total = _profile_duration(length, speed, accel)
    if t >= total:
        return length
    peak = min(speed, math.sqrt(length * accel))
    ramp = peak / accel
    if t < ramp:
        return 0.5 * accel * t * t
    if t > total - ramp:
        left = total - t
        return length - 0.5 * accel * left * left
    return 0.5 * accel * ramp * ramp + peak * (t - ramp)
