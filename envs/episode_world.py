"""One scenario's world for gymnasium environments: sample the episode for a seed, reset the world.

The world (a backend) is created on the first reset and reused, so an environment owns exactly one
simulator client for its lifetime.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from codepolicy.envs.backend import Backend
from codepolicy.envs.state import SceneState


class EpisodeWorld:
    """A scenario, its current episode and the backend it runs in.

    Args:
        scenario: A shipped scenario name or a scenario file path.
        backend: ``"physics"`` or ``"kinematic"``.

    Example:
        >>> world = EpisodeWorld("pick-place", backend="kinematic")
        >>> scene = world.reset(seed=3, rng=np.random.default_rng(0))
        >>> world.episode.seed, len(scene.objects) == len(world.episode.objects)
        (3, True)
        >>> world.close()
    """

    def __init__(self, scenario: str, backend: str = "physics") -> None:
        from codepolicy.scenario.catalog import load_scenario

        self.scenario = load_scenario(scenario)
        self.backend_kind = backend
        self._backend: Backend | None = None
        self._episode: Any = None

    @property
    def max_objects(self) -> int:
        """The most objects an episode of this scenario can have."""
        return sum(self.scenario.object_count_range)

    @property
    def backend(self) -> Backend:
        """The world; raises ``gymnasium.error.ResetNeeded`` before the first reset."""
        if self._backend is None or self._episode is None:
            import gymnasium as gym

            raise gym.error.ResetNeeded("call reset() first")
        return self._backend

    @property
    def episode(self) -> Any:
        """The current :class:`~codepolicy.scenario.sampler.Episode`."""
        self.backend  # noqa: B018 (raises before the first reset)
        return self._episode

    def reset(self, seed: int | None, rng: np.random.Generator) -> SceneState:
        """Sample the episode for ``seed`` (drawn from ``rng`` when None) and reset the world."""
        from codepolicy.runner.episode import make_backend, spawns, world_kind
        from codepolicy.scenario.sampler import sample_episode

        episode_seed = seed if seed is not None else int(rng.integers(2**31 - 1))
        self._episode = sample_episode(self.scenario, episode_seed)
        if self._backend is None:
            self._backend = make_backend(world_kind(self._episode, self.backend_kind))
        return self._backend.reset(spawns(self._episode), seed=episode_seed)

    def close(self) -> None:
        """Release the world."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None
