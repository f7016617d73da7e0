"""Every registered id passes gymnasium's checker on the physics backend, and resets reproduce."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import codepolicy.envs  # noqa: F401  (registers the ids)
from codepolicy.envs.registration import gym_ids


@pytest.mark.slow
@pytest.mark.parametrize("env_id", sorted(gym_ids()))
def test_check_env_on_physics(env_id: str) -> None:
    env = gym.make(env_id)
    check_env(env.unwrapped)
    first, _ = env.reset(seed=11)
    again, _ = env.reset(seed=11)
    for key in ("robot", "objects", "object_mask"):
        np.testing.assert_array_equal(first[key], again[key])
    assert first["goal"] == again["goal"]
    env.close()
