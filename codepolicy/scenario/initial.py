"""The scene an episode starts from, before any physics: used to refuse episodes already solved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codepolicy.envs.frame import BLOCK_SIZE, BOWL_DIAMETER, BOWL_HEIGHT
from codepolicy.envs.state import ObjectState, SceneState

if TYPE_CHECKING:
    from codepolicy.scenario.sampler import Episode


def initial_scene(episode: Episode) -> SceneState:
    """Every object resting flat on the table at its spawn position."""
    objects = {}
    for spawn in episode.objects:
        if spawn.kind == "bowl":
            size = (BOWL_DIAMETER, BOWL_DIAMETER, BOWL_HEIGHT)
        else:
            size = (BLOCK_SIZE, BLOCK_SIZE, BLOCK_SIZE)
        objects[spawn.name] = ObjectState(
            spawn.name, spawn.kind, spawn.color, (spawn.x, spawn.y, size[2] / 2), size
        )
    return SceneState(objects=objects)


def already_solved(episode: Episode) -> bool:
    """Whether the episode's success condition holds before the robot has done anything."""
    from codepolicy.success import is_success

    return is_success(episode.success, initial_scene(episode))
