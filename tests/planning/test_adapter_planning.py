"""Model-written programs in an adapter world: every strategy works as in ours (panda-gym)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.llm import make_model
from codepolicy.llm.retry import RetryPolicy
from codepolicy.llm.scripted_server import ScriptedServer
from codepolicy.planning.strategies import Solver
from codepolicy.planning.writer import ProgramWriter
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.executor import Executor
from codepolicy.scenario.catalog import get_scenario

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("panda_gym") is None,
    reason="needs the 'panda-gym' extra: pip install 'codepolicy[panda-gym]'",
)

GOOD = "```python\ngrasp('cube')\nplace('target')\n```"
WRONG = "```python\ngrasp('cube')\nplace('cube')\n```"
STOPS = "```python\ngrasp('cube')\n```"
FINISH = "```python\nplace('target')\n```"


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    adapter = make_world("panda-pick-and-place")
    yield adapter
    adapter.close()


class _Bound:
    def __init__(self, solver: Solver, world: World) -> None:
        self.solver, self.world = solver, world

    def solve(self, episode: Any) -> Any:
        return self.solver.solve(episode, self.world)


@pytest.fixture
def solver_for(tmp_path: Path, world: World) -> Iterator[Callable[..., Any]]:
    servers: list[ScriptedServer] = []

    def make(script: list[str], **kwargs: Any) -> tuple[_Bound, ScriptedServer]:
        server = ScriptedServer(script)
        server.start()
        servers.append(server)
        model = make_model(
            "openai",
            "scripted",
            server.base_url,
            cache_dir=tmp_path / "cache",
            retry=RetryPolicy(max_retries=1, base_delay=0.01, max_delay=0.05, sleep=lambda s: None),
        )
        registry = get_profile("default")
        writer = ProgramWriter(model=model, registry=registry)
        solver = Solver(writer=writer, executor=Executor(registry=registry), **kwargs)
        return _Bound(solver, world), server

    yield make
    for server in servers:
        server.stop()


def test_the_prompt_shows_the_envs_scene_and_refine_fixes_a_wrong_program(
    solver_for: Callable[..., Any],
) -> None:
    solver, server = solver_for([WRONG, FINISH], strategy="refine", max_rounds=2)
    solution = solver.solve(get_scenario("panda-pick-and-place").sample(3))
    first_prompt = server.chat_requests()[0].body["messages"][-1]["content"]
    assert "- cube at (" in first_prompt and "- target at (" in first_prompt
    assert solution.rounds[0].feedback.error is not None
    assert "cannot place the cube on itself" in solution.rounds[0].feedback.error.message
    assert "the gripper holds the cube" in server.chat_requests()[1].body["messages"][-1]["content"]
    assert solution.feedback.success and solution.feedback.env_success is True
    assert solution.feedback.backend == "panda-pick-and-place"


def test_closed_loop_continues_from_where_the_env_is(solver_for: Callable[..., Any]) -> None:
    solver, _ = solver_for([WRONG, FINISH], strategy="closed-loop")
    solution = solver.solve(get_scenario("panda-pick-and-place").sample(6))
    assert solution.rounds[0].feedback.status.value == "aborted"
    assert solution.rounds[1].kind == "continue" and solution.feedback.success


def test_best_of_n_dry_runs_in_a_second_copy_of_the_adapter_world(
    solver_for: Callable[..., Any],
) -> None:
    solver, _ = solver_for([STOPS, GOOD, WRONG], strategy="best-of-n", n=3)
    solution = solver.solve(get_scenario("panda-pick-and-place").sample(4))
    candidates = [r for r in solution.rounds if not r.executed]
    assert [c.feedback.success for c in candidates] == [False, True, False]
    assert all(c.feedback.backend == "panda-pick-and-place" for c in candidates)
    assert solution.feedback.success
