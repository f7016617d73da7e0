"""Programs in adapter worlds: one file runs unchanged on panda-gym and Fetch, feedback as ours."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World as AWorld
from codepolicy.oracle import oracle_source
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.loader import load_family_text

PROGRAM = oracle_source("cube-on-target")
"""The shipped reference program of both pick-and-place worlds: one file, ``grasp`` + ``place``."""
World = tuple[str, AWorld]


def _needs(module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"needs the '{extra}' extra: pip install 'codepolicy[{extra}]'")


@pytest.fixture(scope="module", params=["panda-pick-and-place", "fetch-pick-and-place"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    if request.param.startswith("panda"):
        _needs("panda_gym", "panda-gym")
    else:
        _needs("gymnasium_robotics", "fetch")
    backend = make_world(request.param)
    yield request.param, backend
    backend.close()


def test_one_program_file_succeeds_unchanged_in_both_worlds(world: World) -> None:
    name, backend = world
    program = PROGRAM
    for seed in range(3):
        feedback = run_program(get_scenario(name).sample(seed), program, backend)
        assert feedback.status.value == "success", feedback.to_text()
        assert feedback.env_success is True
        assert "The environment's own success signal: yes (agrees)" in feedback.to_text()


def test_a_wrong_name_gets_the_same_feedback_as_in_our_world(world: World) -> None:
    name, backend = world
    feedback = run_program(get_scenario(name).sample(0), 'grasp("cub")\n', backend)
    assert feedback.status.value == "error" and feedback.error is not None
    assert feedback.error.line == 1
    assert "unknown object 'cub'; did you mean 'cube'?" in feedback.error.message
    assert "Known objects: cube, target" in feedback.error.message


def test_an_unfinished_program_is_told_how_far_it_got(world: World) -> None:
    name, backend = world
    feedback = run_program(get_scenario(name).sample(1), 'grasp("cube")\n', backend)
    assert feedback.status.value == "failed" and not feedback.success
    assert feedback.env_success is False
    assert (
        "near(cube, target): cube is" in feedback.explanation
        and "needs < 5.0 cm" in feedback.explanation
    )
    assert any("cube moved" in change for change in feedback.changes)


def test_the_target_is_a_place_not_an_object(world: World) -> None:
    name, backend = world
    feedback = run_program(get_scenario(name).sample(0), 'grasp("target")\n', backend)
    assert feedback.error is not None and "cannot be grasped" in feedback.error.message


def test_episodes_reproduce_from_their_seed(world: World) -> None:
    name, backend = world
    runs = []
    for _ in range(2):  # fresh worlds: PyBullet keeps a little solver state across resets
        fresh = make_world(name)
        try:
            runs.append(run_program(get_scenario(name).sample(5), PROGRAM, fresh))
        finally:
            fresh.close()
    assert runs[0].scene == runs[1].scene and runs[0].changes == runs[1].changes
    assert [e.result for e in runs[0].steps] == [e.result for e in runs[1].steps]
    # A world reused across episodes (as bench workers do) starts each from the same layout.
    scene = backend.scene
    assert scene.reset([], seed=5).objects == scene.reset([], seed=5).objects


def test_ours_and_the_envs_success_are_side_by_side_and_may_disagree(world: World) -> None:
    name, backend = world
    text = get_scenario(name).family.source
    strict = Path(text).read_text().replace("distance: 0.05", "distance: 0.0001")
    scenario = load_family_text(strict, "strict.yaml").scenario()
    feedback = run_program(scenario.sample(0), PROGRAM, backend)
    assert feedback.success is False and feedback.env_success is True
    assert "The environment's own success signal: yes (disagrees)" in feedback.to_text()


def test_a_tabletop_backend_cannot_stand_in_for_an_adapter_world() -> None:
    with pytest.raises(ValueError, match="runs in the adapter world 'panda-reach'"):
        run_program(get_scenario("panda-reach").sample(0), "", make_world("kinematic"))
