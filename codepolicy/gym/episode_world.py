"""One scenario's world for gymnasium environments: sample the episode for a seed, reset the world.

The :class:`~codepolicy.envs.roles.World` (robot guarded once, scene, frame) is created on the first
reset and reused, so an environment owns exactly one simulator client for its lifetime.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from codepolicy.envs.roles import World
from codepolicy.envs.state import SceneState


class EpisodeWorld:
    """A scenario, its current episode and the world it runs in.

    Args:
        scenario: A shipped scenario name or a scenario file path.
        backend: A registered backend name (``"physics"``, ``"kinematic"``, a plugin's).

    Raises:
        ConfigError: unknown backend.

    Example:
        >>> world = EpisodeWorld("pick-place", backend="kinematic")
        >>> scene = world.reset(seed=3, rng=np.random.default_rng(0))
        >>> world.episode.seed, len(scene.objects) == len(world.episode.objects)
        (3, True)
        >>> world.world.robot.unwrapped.name
        'kinematic'
        >>> world.close()
    """

    def __init__(self, scenario: str, backend: str = "physics") -> None:
        from codepolicy.envs.backend import BACKENDS
        from codepolicy.scenario.catalog import load_scenario

        self.scenario = load_scenario(scenario)
        self.backend_kind = BACKENDS.check(backend)
        self._world: World | None = None
        self._episode: Any = None

    @property
    def max_objects(self) -> int:
        """The most objects an episode of this scenario can have."""
        return sum(self.scenario.object_count_range)

    @property
    def world(self) -> World:
        """The world; raises ``gymnasium.error.ResetNeeded`` before the first reset."""
        if self._world is None or self._episode is None:
            import gymnasium as gym

            raise gym.error.ResetNeeded("call reset() first")
        return self._world

    @property
    def episode(self) -> Any:
        """The current :class:`~codepolicy.scenario.sampler.Episode`."""
        self.world  # noqa: B018 (raises before the first reset)
        return self._episode

    def reset(self, seed: int | None, rng: np.random.Generator) -> SceneState:
        """Sample the episode for ``seed`` (drawn from ``rng`` when None) and reset the scene."""
        from codepolicy.envs.backend import make_world
        from codepolicy.runner.episode import spawns, world_kind
        from codepolicy.scenario.sampler import sample_episode

        episode_seed = seed if seed is not None else int(rng.integers(2**31 - 1))
        self._episode = sample_episode(self.scenario, episode_seed)
        if self._world is None:
            self._world = make_world(world_kind(self._episode, self.backend_kind))
        return self._world.scene.reset(spawns(self._episode), seed=episode_seed)

    def close(self) -> None:
        """Release the world."""
        if self._world is not None:
            self._world.close()
            self._world = None
