"""Fixtures for planning tests: a kinematic world and a model served by the local scripted server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.llm import make_model
from codepolicy.llm.retry import RetryPolicy
from codepolicy.llm.usage import TrackedModel, UsageLog
from codepolicy.planning.strategies import Solution, Solver
from codepolicy.planning.writer import ProgramWriter
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.executor import Executor
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import Episode, sample_episode
from codepolicy.testing.scripted_server import ScriptedServer


class BoundSolver:
    """A solver and the kinematic world it plans in, so tests call ``solve(episode)``."""

    def __init__(self, solver: Solver, world: World) -> None:
        self.solver, self.world = solver, world

    def solve(self, episode: Episode) -> Solution:
        return self.solver.solve(episode, self.world)


def _fenced(code: str) -> str:
    return f"Here is the program.\n```python\n{code.strip()}\n```\n"


@pytest.fixture
def fenced() -> Callable[[str], str]:
    """Wraps code the way chat models answer: prose and a fenced python block."""
    return _fenced


@pytest.fixture
def pick_place() -> Episode:
    return sample_episode(get_scenario("pick-place"), 0)


@pytest.fixture
def solver_for(
    tmp_path: Path,
) -> Iterator[Callable[..., tuple[BoundSolver, ScriptedServer, UsageLog]]]:
    servers: list[ScriptedServer] = []

    def make(
        script: Any, profile: str = "default", **kwargs: Any
    ) -> tuple[BoundSolver, ScriptedServer, UsageLog]:
        server = ScriptedServer(script)
        server.start()
        servers.append(server)
        usage = UsageLog()
        model: TrackedModel = make_model(
            "openai",
            "scripted",
            server.base_url,
            cache_dir=tmp_path / "cache",
            retry=RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.05, sleep=lambda s: None),
            usage=usage,
        )
        registry = get_profile(profile)
        writer = ProgramWriter(model=model, registry=registry)
        solver = Solver(writer=writer, executor=Executor(registry=registry), **kwargs)
        return BoundSolver(solver, make_world("kinematic")), server, usage

    yield make
    for server in servers:
        server.stop()
