"""Every feedback status is reachable and reported with what a model needs to replan."""

from __future__ import annotations

import numpy as np
import pytest

from codepolicy.envs.backend import make_world
from codepolicy.oracle import oracle_program
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.registry import Registry, make_spec
from codepolicy.runner.episode import run_program
from codepolicy.sandbox.limits import SandboxLimits
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import Episode, sample_episode


@pytest.fixture(scope="module")
def episode() -> Episode:
    return sample_episode(get_scenario("pick-place"), 5)


def _unsafe_move(ctx: PrimitiveContext, x: float) -> None:
    """A deliberately buggy primitive that skips argument checks (the guard must stop it)."""
    ctx.robot.move_tcp((x, -0.5, 0.2))


def run(episode: Episode, program: str, registry: Registry = DEFAULT, **limits: float):  # type: ignore[no-untyped-def]
    return run_program(
        episode,
        program,
        make_world("kinematic"),
        registry=registry,
        limits=SandboxLimits(**limits) if limits else None,
    )


def test_success_and_failed(episode: Episode) -> None:
    assert run(episode, oracle_program(episode)).status.value == "success"
    failed = run(episode, "say('I will do nothing')")
    assert failed.status.value == "failed" and failed.executable and not failed.success
    assert failed.said == ["I will do nothing"] and "Task: not achieved" in failed.to_text()


def test_rejected_lists_every_problem(episode: Episode) -> None:
    feedback = run(episode, "import os\ngrab('x')\n().__class__")
    assert feedback.status.value == "rejected" and not feedback.executable
    assert feedback.vet is not None and len(feedback.vet.problems) == 3
    assert "line 2: unknown primitive 'grab'; did you mean 'grasp'?" in feedback.to_text()


def test_error_reports_type_line_and_text(episode: Episode) -> None:
    feedback = run(episode, "x = 1\ny = [1, 2][5]\n")
    assert feedback.status.value == "error"
    assert feedback.error is not None
    assert (feedback.error.type, feedback.error.line) == ("IndexError", 2)
    assert feedback.error.source_line == "y = [1, 2][5]"


def test_timeout_resource_limit_and_budget(episode: Episode) -> None:
    assert (
        run(episode, "while True:\n    pass\n", wall_seconds=1.0, cpu_seconds=30).status.value
        == "timeout"
    )
    assert run(episode, "x = [0] * 10**10").status.value == "resource_limit"
    flood = run(episode, "for i in range(10000):\n    holding()\n")
    assert flood.status.value == "budget_exceeded"
    allowed = episode.budget.max_calls
    assert all(e.error is None for e in flood.steps[:allowed])
    refused = flood.steps[allowed:]
    assert len(refused) == 1 and refused[0].error is not None
    assert refused[0].error.code == "budget_exceeded"


def test_safety_stop_when_a_primitive_commands_an_unsafe_motion(episode: Episode) -> None:
    registry = Registry([*DEFAULT, make_spec(_unsafe_move, name="unsafe_move", moves_robot=True)])
    feedback = run(episode, "unsafe_move(0.9)", registry)
    assert feedback.status.value == "safety_stop"
    assert feedback.error is not None and "safety envelope" in feedback.error.message


def test_caught_primitive_errors_reach_the_program(episode: Episode) -> None:
    program = "try:\n    grasp('no such block')\nexcept UnknownObject as e:\n    say('caught')\n"
    feedback = run(episode, program)
    assert feedback.status.value == "failed" and feedback.said == ["caught"]
    assert feedback.steps[0].error is not None and feedback.steps[0].error.code == "unknown_object"


def test_feedback_text_is_deterministic_for_an_episode(episode: Episode) -> None:
    program = oracle_program(episode) + "\nprint(np.round(get_gripper_position(), 3))\n"
    first, second = run(episode, program), run(episode, program)
    assert first.to_text() == second.to_text()
    assert first.wall_time != second.wall_time or first.wall_time > 0
    assert "wall" not in first.to_text()
    assert np.isfinite(first.reward)
