"""Worlds: the robot and scene roles, the frame, the safety guard, backends, gymnasium registration.

Importing this package registers every scenario as a gymnasium id (``codepolicy/StackBlocks-v0``).
"""

if __name__ != "codepolicy.envs":  # the tree's envs/ is linked into the package; one import path
    raise ImportError(
        f"import codepolicy.envs, not {__name__}: the same classes under two module names would "
        "not match (an `except SafetyStop` could silently miss)"
    )

from codepolicy.envs.backend import BACKENDS, Backend, make_world
from codepolicy.envs.errors import CannotSpawn, NoGroundTruth, RobotNotConnected, SafetyStop
from codepolicy.envs.frame import COLORS, LOCATIONS, SEEN_COLORS, TABLETOP, UNSEEN_COLORS, Frame
from codepolicy.envs.registration import register_envs
from codepolicy.envs.roles import (
    GripperResult,
    MoveResult,
    ObjectSpawn,
    Robot,
    RobotState,
    Scene,
    World,
)
from codepolicy.envs.safety import GuardedRobot, SafetyLimits
from codepolicy.envs.state import ObjectState, SceneState

register_envs()

__all__ = [
    "BACKENDS",
    "COLORS",
    "LOCATIONS",
    "SEEN_COLORS",
    "TABLETOP",
    "UNSEEN_COLORS",
    "Backend",
    "CannotSpawn",
    "Frame",
    "GripperResult",
    "GuardedRobot",
    "MoveResult",
    "NoGroundTruth",
    "ObjectSpawn",
    "ObjectState",
    "Robot",
    "RobotNotConnected",
    "RobotState",
    "SafetyLimits",
    "SafetyStop",
    "Scene",
    "SceneState",
    "World",
    "make_world",
    "register_envs",
]
