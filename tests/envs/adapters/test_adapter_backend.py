"""The adapter backend on panda-gym and Fetch: servoing, gripper, privileged scene, safety, seeds."""

from __future__ import annotations

import numpy as np
import pytest

from codepolicy.envs.adapters import AdapterBackend, MissingExtraError
from codepolicy.envs.adapters.loading import make_env
from codepolicy.envs.adapters.spec import get_spec
from codepolicy.primitives.errors import SafetyStop


@pytest.mark.parametrize("fixture", ["panda_pick", "fetch_pick"])
def test_moves_report_where_the_gripper_really_went(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    backend: AdapterBackend = request.getfixturevalue(fixture)
    scene = backend.reset([], seed=4)
    assert scene.extras["privileged"] == 1.0
    cube = scene.objects["cube"]
    above = (cube.position[0], cube.position[1], 0.15)
    result = backend.move_tcp(above)
    assert result.ok and np.linalg.norm(np.subtract(result.reached, above)) < 0.012
    assert result.reached == backend.observe().gripper_position
    assert result.sim_seconds == pytest.approx(backend.sim_time)
    # Closed fingers pressing down on the cube are stopped by it: reported as contact.
    backend.set_gripper(False)
    press = backend.move_tcp((cube.position[0], cube.position[1], 0.0), stop_on_contact=True)
    assert press.contact and press.reached[2] > 0.01


@pytest.mark.parametrize("fixture", ["panda_pick", "fetch_pick"])
def test_closing_on_the_cube_holds_it_and_closing_on_air_holds_nothing(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    backend: AdapterBackend = request.getfixturevalue(fixture)
    scene = backend.reset([], seed=1)
    cube = scene.objects["cube"]
    assert backend.set_gripper(False).held is None  # nothing between the fingers
    backend.set_gripper(True)
    backend.move_tcp((cube.position[0], cube.position[1], 0.12))
    backend.move_tcp(cube.position)
    grip = backend.set_gripper(False)
    assert grip.held == "cube" and grip.opening > 0.02
    backend.move_tcp((cube.position[0], cube.position[1], 0.15))
    lifted = backend.observe()
    assert lifted.held == "cube" and lifted.objects["cube"].position[2] > 0.1
    backend.set_gripper(True)
    backend.wait(1.0)
    assert backend.observe().held is None
    assert backend.observe().objects["cube"].position[2] < 0.05  # it fell back to the table


def test_a_seed_reproduces_the_env_layout(panda_pick: AdapterBackend) -> None:
    first = panda_pick.reset([], seed=7).objects
    panda_pick.reset([], seed=8)
    again = panda_pick.reset([], seed=7).objects
    assert first == again
    assert panda_pick.reset([], seed=8).objects != first


def test_every_step_is_checked_against_the_envs_own_workspace(panda_pick: AdapterBackend) -> None:
    panda_pick.reset([], seed=0)
    steps = panda_pick.link.steps
    # Inside our tabletop envelope (x up to 0.35 m) but beyond panda-gym's |y| <= 0.3 m.
    with pytest.raises(SafetyStop, match="leaves the safety envelope"):
        panda_pick.move_tcp((0.34, -0.5, 0.1))
    assert panda_pick.link.steps == steps  # refused before the env moved
    with pytest.raises(SafetyStop, match="leaves the safety envelope"):
        panda_pick.link.step(np.array([0.0, 0.0, -0.3]), 0.0)  # one step into the table
    assert panda_pick.link.steps == steps


def test_env_success_is_the_envs_own_signal(panda_pick: AdapterBackend) -> None:
    scene = panda_pick.reset([], seed=2)
    assert panda_pick.env_success() is False and scene.extras["env_is_success"] == 0.0
    link = panda_pick.link
    assert link.env_success() == bool(
        np.linalg.norm(link.obs["achieved_goal"] - link.obs["desired_goal"]) < 0.05
    )


def test_spawns_must_name_the_envs_objects(panda_pick: AdapterBackend) -> None:
    from codepolicy.envs.backend import ObjectSpawn

    with pytest.raises(ValueError, match="has no object 'red block'; it has: cube, target"):
        panda_pick.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.5)], seed=0)


def test_a_missing_env_package_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = get_spec("fetch-push").model_copy(update={"module": "no_such_robotics_package"})
    with pytest.raises(MissingExtraError, match=r"pip install 'codepolicy\[fetch\]'"):
        make_env(spec)


def test_the_code_as_action_env_runs_adapter_scenarios_and_passes_check_env(
    panda_pick: AdapterBackend,  # skips without the panda-gym extra
) -> None:
    import gymnasium as gym
    from gymnasium.utils.env_checker import check_env

    import codepolicy.envs  # noqa: F401 (registers the ids)

    env = gym.make("codepolicy/CodeAsAction-v0", scenario="panda-pick-and-place")
    try:
        env.reset(seed=2)
        _, reward, terminated, _, info = env.step('grasp("cube")\nplace("target")\n')
        assert reward == 1.0 and terminated and info["success"]
        check_env(env.unwrapped, skip_render_check=True)
    finally:
        env.close()


def test_objects_dropped_by_the_env_have_landed_when_a_program_starts(
    panda_pick: AdapterBackend,  # skips without the panda-gym extra
) -> None:
    stack = AdapterBackend("panda-stack")  # its env spawns the green cube 6 cm above the table
    try:
        scene = stack.reset([], seed=9)
        assert scene.objects["green cube"].position[2] == pytest.approx(0.02, abs=0.002)
        assert stack.sim_time == 0.0
    finally:
        stack.close()


def test_video_frames_arrive_during_motions(panda_pick: AdapterBackend) -> None:
    frames: list[float] = []
    panda_pick.reset([], seed=3)
    panda_pick.set_frame_listener(lambda: frames.append(panda_pick.sim_time), every_seconds=0.2)
    try:
        result = panda_pick.move_tcp((0.1, -0.5, 0.1))
    finally:
        panda_pick.set_frame_listener(None)
    assert len(frames) == int(result.sim_seconds / 0.2 + 1e-9)
    assert panda_pick.render(64, 48).rgb.shape == (48, 64, 3)
