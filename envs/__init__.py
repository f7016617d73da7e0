"""Worlds and backends: the PyBullet tabletop, gymnasium registration and the ``Backend`` seam."""

from codepolicy.envs.frame import COLORS, LOCATIONS, SEEN_COLORS, UNSEEN_COLORS
from codepolicy.envs.state import ObjectState, SceneState

__all__ = ["COLORS", "LOCATIONS", "SEEN_COLORS", "UNSEEN_COLORS", "ObjectState", "SceneState"]
