"""A program that makes the robot do nothing gets a sentence saying so, in text and JSON."""

from __future__ import annotations

import pytest

from codepolicy.compat import make_backend, run_episode
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("", "The program is empty"),
        ("# I will do it later\n\n", "The program is empty"),
        ('"""plan"""\npass\n', "The program is empty"),
        ("x = 1\nfor i in range(3):\n    x += i\n", "without calling any primitive"),
        (
            "objs = perceive()\nnames = get_object_names()\n",
            "only looked at the scene (perceive, get_object_names) and never moved the robot",
        ),
    ],
)
def test_idle_programs_are_named(program: str, expected: str) -> None:
    episode = sample_episode(get_scenario("pick-place"), 0)
    feedback = run_episode(episode, program, backend=make_backend("kinematic"))
    assert not feedback.success and feedback.idle is not None and expected in feedback.idle
    assert f"Note: {feedback.idle}" in feedback.to_text().splitlines()[2]
    assert feedback.model_dump(mode="json")["idle"] == feedback.idle


def test_programs_that_move_or_fail_get_no_note() -> None:
    episode = sample_episode(get_scenario("pick-place"), 0)
    world = make_backend("kinematic")
    moved = run_episode(episode, "move_to([0.0, -0.5, 0.3])\n", backend=world)
    assert not moved.success and moved.idle is None
    broken = run_episode(episode, "grasp('no such thing')\n", backend=world)
    assert broken.idle is None and broken.error is not None
