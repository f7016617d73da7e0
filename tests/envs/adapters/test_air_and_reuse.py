"""Goals in the air (held at the target, as the env's success asks) and exact resets of a reused
world (two episodes with one seed step identical physics)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from codepolicy.envs.adapters import AdapterBackend
from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.oracle import oracle_source
from codepolicy.primitives import default as primitives
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario


def require(module: str, extra: str) -> None:
    """Skip the test unless ``module`` is importable, naming the extra that installs it."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"needs the '{extra}' extra: pip install 'codepolicy[{extra}]'")


EXTRAS = {"panda": ("panda_gym", "panda-gym"), "fetch": ("gymnasium_robotics", "fetch")}


def _trajectory(backend: AdapterBackend, seed: int) -> np.ndarray:
    """Every observation of a pick-and-place by the default primitives, one row per env step."""
    rows: list[np.ndarray] = []
    env = backend.link.env
    inner = env.step

    def recording(action: Any) -> Any:
        out = inner(action)
        rows.append(np.concatenate([out[0]["observation"], out[0]["desired_goal"]]))
        return out

    env.step = recording
    try:
        backend.reset([], seed=seed)
        ctx = PrimitiveContext.for_world(World.of(backend))
        primitives.grasp(ctx, "cube")
        primitives.place(ctx, "target")
    finally:
        env.step = inner
    return np.array(rows)


@pytest.mark.parametrize("world", ["panda-pick-and-place", "fetch-pick-and-place"])
def test_a_reused_world_repeats_an_episode_exactly(world: str) -> None:
    require(*EXTRAS[world.split("-")[0]])
    backend = AdapterBackend(world)
    try:
        first = _trajectory(backend, 3)
        _trajectory(backend, 5)  # another episode in between: the cube, the fingers all moved
        again = _trajectory(backend, 3)
    finally:
        backend.close()
    assert first.shape == again.shape and len(first) > 30
    assert np.array_equal(first, again)  # bit for bit


def test_a_seed_on_a_reused_world_steps_what_a_fresh_world_steps() -> None:
    require(*EXTRAS["panda"])
    reused, fresh = AdapterBackend("panda-pick-and-place"), AdapterBackend("panda-pick-and-place")
    try:
        _trajectory(reused, 3)
        _trajectory(reused, 5)
        assert np.array_equal(_trajectory(reused, 3), _trajectory(fresh, 3))
    finally:
        reused.close()
        fresh.close()


@pytest.fixture(scope="module", params=["panda-pick-and-place-air", "fetch-pick-and-place-air"])
def air_world(request: pytest.FixtureRequest) -> Iterator[tuple[str, World]]:
    require(*EXTRAS[request.param.split("-")[0]])
    world = make_world(request.param)
    yield request.param, world
    world.close()


def _seeds_with_goal_in_the_air(world: World, count: int) -> list[int]:
    scene: Any = world.scene
    found = []
    for seed in range(40):
        target = scene.reset([], seed=seed).objects["target"]
        if target.position[2] > 0.08:
            found.append(seed)
        if len(found) == count:
            return found
    raise AssertionError("the env put no goal in the air in 40 seeds")


def test_a_goal_in_the_air_is_reached_by_holding_the_cube_there(
    air_world: tuple[str, World],
) -> None:
    name, world = air_world
    program = oracle_source("cube-at-target")
    for seed in _seeds_with_goal_in_the_air(world, 2):
        feedback = run_program(get_scenario(name).sample(seed), program, world)
        assert feedback.success and feedback.env_success is True, feedback.to_text()
        assert ") in the air" in feedback.to_text()  # the scene text gives the goal's height
        scene: Any = world.scene
        now = scene.observe()
        assert now.held == "cube" and now.objects["cube"].position[2] > 0.06  # held up there


def test_placing_on_a_goal_in_the_air_drops_the_cube_and_both_judges_say_so(
    air_world: tuple[str, World],
) -> None:
    name, world = air_world
    seed = _seeds_with_goal_in_the_air(world, 1)[0]
    feedback = run_program(get_scenario(name).sample(seed), oracle_source("cube-on-target"), world)
    assert not feedback.success and feedback.env_success is False
