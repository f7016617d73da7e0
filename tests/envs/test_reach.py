"""Reachability of the whole workspace with the move planner's hand-orientation ladder.

Inverse kinematics only (no simulation stepping): every point is planned exactly as
``PhysicsBackend.move_tcp`` would, continuing from the home configuration, both along a straight line
from the home TCP and down from travel height above the point, and back home again.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from codepolicy.envs.backend import DEFAULT_SPEED
from codepolicy.envs.frame import LOCATIONS
from codepolicy.envs.motion import HAND_LADDER, plan_move
from codepolicy.envs.robot import (
    NEAR_YAW,
    REST_POSE,
    forward_kinematics,
    hand_angles,
    hand_rotation,
    inverse_kinematics,
)
from codepolicy.envs.world import HOME_TCP

DT = 1.0 / 240.0
HEIGHTS = (0.02, 0.06, 0.10, 0.15, 0.25)
TRAVEL_Z = 0.15
"""The primitives' lowest travel height."""
GRID = [
    (round(float(x), 3), round(float(y), 3))
    for x in np.arange(-0.25, 0.2501, 0.05)
    for y in np.arange(-0.75, -0.2499, 0.05)
]
Hand = tuple[float, float]


@functools.cache
def _home() -> np.ndarray:
    q, err = inverse_kinematics(HOME_TCP, REST_POSE)
    assert err < 1e-4
    return q


@functools.cache
def _after(points: tuple[tuple[float, float, float], ...]) -> tuple[np.ndarray, Hand] | None:
    """Joint angles and hand orientation after planning the moves to ``points`` from home (cached:
    routes share their beginnings), or None if some move is refused."""
    if not points:
        return _home(), (0.0, 0.0)
    before = _after(points[:-1])
    if before is None:
        return None
    goal = np.array(points[-1])
    plan = plan_move(before[0], before[1], goal, DEFAULT_SPEED, DT)
    if plan is None:
        return None
    q = np.array(plan.targets[-1])
    assert np.linalg.norm(forward_kinematics(q) - goal) < 1e-3  # the TCP, not the flange
    return q, plan.hand


def _route(points: list[tuple[float, float, float]]) -> list[Hand] | None:
    """Plan consecutive moves from home; the hand orientation each ends with, or None."""
    hands = []
    for k in range(1, len(points) + 1):
        after = _after(tuple(points[:k]))
        if after is None:
            return None
        hands.append(after[1])
    return hands


def _unreachable(xy: tuple[float, float]) -> list[str]:
    """Problems reaching ``xy`` at every height of :data:`HEIGHTS`."""
    x, y = xy
    problems = []
    for z in HEIGHTS:
        direct = _route([(x, y, z), HOME_TCP])
        above = _route([(x, y, TRAVEL_Z), (x, y, z), (x, y, TRAVEL_Z), HOME_TCP])
        if direct is None:
            problems.append(f"({x}, {y}, {z}) from the home TCP")
        if above is None:
            problems.append(f"({x}, {y}, {z}) from travel height")
        for hands in (direct, above):
            if hands is not None and hands[-1] != (0.0, 0.0):
                problems.append(f"({x}, {y}, {z}): hand not pointing down again at home")
    return problems


def test_every_named_location_is_reachable() -> None:
    problems = [p for xy in LOCATIONS.values() for p in _unreachable(xy)]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_workspace_shrunk_by_5cm_is_reachable() -> None:
    assert len(GRID) == 121
    problems = [p for xy in GRID for p in _unreachable(xy)]
    assert not problems, "\n".join(problems)


def test_the_hand_tilts_only_near_the_base() -> None:
    far = _route([(0.0, -0.5, 0.02)])
    assert far == [(0.0, 0.0)]
    near = _route([(0.0, -0.25, TRAVEL_Z), (0.0, -0.25, 0.02), (0.0, -0.5, TRAVEL_Z)])
    assert near is not None
    (pitch, yaw), _, back = near
    assert yaw == NEAR_YAW and 0.0 < pitch <= math.radians(50)
    assert back == (0.0, 0.0)


def test_the_ladder_starts_pointing_down_and_tilts_about_the_closing_axis() -> None:
    assert HAND_LADDER[0] == (0.0, 0.0)
    assert all(yaw == NEAR_YAW for _, yaw in HAND_LADDER[1:])
    pitches = [abs(p) for p, _ in HAND_LADDER[1:]]
    assert pitches == sorted(pitches)
    # At NEAR_YAW the fingers (local y) close along world x, and the tilt keeps them so.
    for pitch in (0.0, 0.3, -0.5):
        closing = hand_rotation(pitch, NEAR_YAW)[:, 1]
        assert abs(abs(closing[0]) - 1.0) < 1e-12


@pytest.mark.parametrize("pitch", [0.0, math.radians(20), math.radians(40)])
def test_ik_with_pitch_converges_on_the_tcp(pitch: float) -> None:
    target = (0.0, -0.26, 0.04)
    q, err = inverse_kinematics(target, _home(), pitch=pitch, yaw=NEAR_YAW, max_iterations=300)
    assert err < 1e-4
    assert np.linalg.norm(forward_kinematics(q) - np.asarray(target)) < 1e-4
    got_pitch, got_yaw = hand_angles(q)
    assert got_pitch == pytest.approx(pitch, abs=1e-3)
    assert got_yaw == pytest.approx(NEAR_YAW, abs=1e-3)
