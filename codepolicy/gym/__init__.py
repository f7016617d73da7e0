"""Gymnasium façades over the pipeline: the low-level tabletop env and the code-as-action env.

They live above the world core (they sample episodes, judge with the success predicates and run
programs through the pipeline), so ``codepolicy.envs`` does not import them: it registers their ids
by entry-point string (:mod:`codepolicy.envs.registration`), and gymnasium imports them on
``gym.make``.
"""

from codepolicy.gym.code_env import CodeAsActionEnv
from codepolicy.gym.episode_world import EpisodeWorld
from codepolicy.gym.tabletop_env import TabletopEnv

__all__ = ["CodeAsActionEnv", "EpisodeWorld", "TabletopEnv"]
