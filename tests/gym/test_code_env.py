"""Code as the action: one step runs one program and returns the task's reward."""

from __future__ import annotations

import gymnasium as gym
from gymnasium.utils.env_checker import check_env

import codepolicy.envs  # noqa: F401  (registers the ids)


def test_check_env_passes_and_programs_are_actions() -> None:
    env = gym.make("codepolicy/CodeAsAction-v0", scenario="pick-place", backend="kinematic")
    check_env(env.unwrapped)
    obs, info = env.reset(seed=3)
    assert obs["instruction"] == info["instruction"] and "Scene now:" in obs["feedback"]
    obs, reward, terminated, truncated, step_info = env.step("grab('x')")
    assert step_info["status"] == "rejected" and reward < 1.0 and not terminated
    assert "did you mean 'grasp'" in obs["feedback"]
    block, target = info["variables"]["block"], info["variables"]["target"]
    obs, reward, terminated, truncated, step_info = env.step(
        f"pick_and_place({block!r}, {target!r})"
    )
    assert reward == 1.0 and terminated and not truncated and step_info["success"]
    env.close()


def test_programs_continue_from_the_current_scene_and_truncate() -> None:
    env = gym.make(
        "codepolicy/CodeAsAction-v0", scenario="stack-blocks", backend="kinematic", max_programs=2
    )
    obs, _ = env.reset(seed=0)
    names = [line.split(" at ")[0].strip() for line in obs["feedback"].splitlines()[1:]]
    blocks = [n for n in names if n.endswith("block")]
    obs, reward, terminated, truncated, _ = env.step(
        f"pick_and_place({blocks[1]!r}, {blocks[0]!r})"
    )
    first_reward = reward
    assert not truncated or terminated
    if not terminated:
        obs, reward, terminated, truncated, _ = env.step("say('thinking')")
        assert truncated and reward == first_reward, "the world kept the first program's work"
    env.close()


def test_the_code_env_runs_programs_with_its_profile() -> None:
    import pytest

    from codepolicy.errors import ConfigError
    from codepolicy.gym.code_env import CodeAsActionEnv

    env = CodeAsActionEnv("pick-place", backend="kinematic", profile="cap")
    _, info = env.reset(seed=0)
    program = "put_first_on_second({block!r}, {target!r})".format(**info["variables"])
    _, reward, terminated, _, info = env.step(program)
    assert (reward, terminated, info["status"]) == (1.0, True, "success")
    env.close()
    with pytest.raises(ConfigError, match="unknown profile 'bogus'"):
        CodeAsActionEnv("pick-place", backend="kinematic", profile="bogus")
