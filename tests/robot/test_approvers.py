"""Host-side approvers: clamp to the frame, per-step limit, a person's confirmation."""

from __future__ import annotations

import math

import pytest

from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.primitives.errors import SafetyStop
from codepolicy.robot.approvers import ApprovedBackend, ClampToFrame, MaxStep, Motion, PersonConfirm


def test_clamp_to_frame_keeps_targets_in_the_box() -> None:
    clamp = ClampToFrame((-0.2, 0.2), (-0.7, -0.3), (0.05, 0.4))
    out = clamp(Motion((0.0, -0.5, 0.3), (0.5, -0.9, 0.0), 0.5))
    assert out.target == (0.2, -0.7, 0.05)
    inside = Motion((0.0, -0.5, 0.3), (0.1, -0.4, 0.2), 0.5)
    assert clamp(inside) == inside


def test_max_step_refuses_long_moves_only() -> None:
    limit = MaxStep(0.1)
    assert limit(Motion((0, -0.5, 0.3), (0.05, -0.5, 0.3), 0.5)).target == (0.05, -0.5, 0.3)
    with pytest.raises(SafetyStop, match=r"step of 0\.200 m is longer than the 0\.1 m"):
        limit(Motion((0, -0.5, 0.3), (0.2, -0.5, 0.3), 0.5))


def test_confirm_each_asks_every_motion_and_a_no_stops() -> None:
    answers = iter(["", "", "n"])
    prompts: list[str] = []

    def ask(text: str) -> str:
        prompts.append(text)
        return next(answers)

    confirm = PersonConfirm("each", ask)
    m = Motion((0, -0.5, 0.3), (0.1, -0.5, 0.3), 0.5)
    confirm(m)
    confirm(m)
    with pytest.raises(SafetyStop, match="refused by the operator"):
        confirm(m)
    assert len(prompts) == 3 and "-> (0.100, -0.500, 0.300) at 0.50 m/s" in prompts[0]


def test_confirm_first_asks_once_and_no_input_means_stop() -> None:
    asked: list[str] = []
    confirm = PersonConfirm("first", lambda text: asked.append(text) or "")
    m = Motion((0, -0.5, 0.3), (0.1, -0.5, 0.3), 0.5)
    confirm(m)
    confirm(m)
    assert len(asked) == 1

    def closed(text: str) -> str:
        raise EOFError

    with pytest.raises(SafetyStop):
        PersonConfirm("each", closed)(m)


def test_approved_backend_moves_what_was_approved_from_where_the_robot_is() -> None:
    seen: list[Motion] = []

    def spy(motion: Motion) -> Motion:
        seen.append(motion)
        return motion

    world = KinematicBackend()
    world.reset([], seed=0)
    approved = ApprovedBackend(world, [ClampToFrame((-0.1, 0.1), (-0.6, -0.4), (0.1, 0.3)), spy])
    result = approved.move_tcp((0.3, -0.5, 0.2))
    assert math.dist(result.reached, (0.1, -0.5, 0.2)) < 1e-6
    approved.move_tcp((0.0, -0.5, 0.2))
    assert seen[1].start == result.reached
    assert approved.name == world.name and approved.sim_time == world.sim_time
