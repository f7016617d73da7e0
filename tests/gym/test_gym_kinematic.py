"""Gymnasium registration and the low-level env's contract (kinematic backend: fast)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import codepolicy.envs  # noqa: F401  (registers the ids)
from codepolicy.envs.registration import gym_ids
from codepolicy.scenario.catalog import gym_ids as catalog_gym_ids


def test_registered_ids_match_the_scenario_catalog() -> None:
    assert gym_ids() == catalog_gym_ids()
    assert "codepolicy/StackBlocks-v0" in gym.registry
    assert len(gym_ids()) == 28


@pytest.mark.parametrize("env_id", sorted(gym_ids()))
def test_check_env_passes_on_the_kinematic_backend(env_id: str) -> None:
    env = gym.make(env_id, backend="kinematic")
    check_env(env.unwrapped, skip_render_check=False)
    first, _ = env.reset(seed=7)
    again, _ = env.reset(seed=7)
    for key in ("robot", "objects", "object_mask"):
        np.testing.assert_array_equal(first[key], again[key])
    assert first["goal"] == again["goal"]
    env.close()


def test_actions_move_the_gripper_and_reward_is_dense() -> None:
    env = gym.make("codepolicy/PickPlace-v0", backend="kinematic")
    obs, info = env.reset(seed=1)
    start = obs["robot"][:3].copy()
    obs, reward, terminated, _truncated, info = env.step(np.array([1.0, 0.0, -1.0, 0.0]))
    assert obs["robot"][:3] == pytest.approx(start + np.array([0.05, 0.0, -0.05]), abs=1e-5)
    assert 0.0 <= reward < 1.0 and not terminated
    assert info["instruction"] == obs["goal"]
    frame = env.render()
    assert frame is not None and frame.shape == (240, 320, 3)
    env.close()
