"""Worlds and backends: the PyBullet tabletop, gymnasium registration and the ``Backend`` seam.

Importing this package registers every scenario as a gymnasium id (``codepolicy/StackBlocks-v0``).
"""

from codepolicy.envs.backend import Backend, ObjectSpawn
from codepolicy.envs.frame import COLORS, LOCATIONS, SEEN_COLORS, UNSEEN_COLORS
from codepolicy.envs.registration import register_envs
from codepolicy.envs.state import ObjectState, SceneState

register_envs()

__all__ = [
    "COLORS",
    "LOCATIONS",
    "SEEN_COLORS",
    "UNSEEN_COLORS",
    "Backend",
    "ObjectSpawn",
    "ObjectState",
    "SceneState",
    "register_envs",
]
