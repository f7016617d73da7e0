"""Low-level gymnasium environment for every scenario, in panda-gym's convention.

Action: end-effector displacement (dx, dy, dz) and a gripper command, each in [-1, 1]; a displacement
of 1 moves the gripper 5 cm, a gripper command above 0.5 opens and below -0.5 closes. Observation: a
dict with the robot state, the object positions (padded to the scenario's largest scene) and the goal
as text. Reward: the scenario's dense reward in [0, 1]; ``terminated`` when the task is achieved.

Example:
    >>> env = TabletopEnv("pick-place", backend="kinematic")
    >>> obs, info = env.reset(seed=0)
    >>> sorted(obs)
    ['goal', 'object_mask', 'objects', 'robot']
    >>> obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    >>> 0.0 <= reward <= 1.0
    True
"""

from __future__ import annotations

import string
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from codepolicy.envs.roles import MAX_SPEED
from codepolicy.envs.state import SceneState
from codepolicy.gym.episode_world import EpisodeWorld

STEP_SIZE = 0.05
"""Metres the gripper moves for an action component of 1."""
GOAL_CHARSET = frozenset(string.printable) - frozenset("\t\n\r\x0b\x0c")
MAX_GOAL_LENGTH = 256
ROBOT_LOW = np.array([-1.0, -1.0, -0.1, 0.0, 0.0], dtype=np.float32)
"""Lower bounds of the robot state: gripper x, y, z (m), finger opening (m), holding (0/1)."""
ROBOT_HIGH = np.array([1.0, 1.0, 1.0, 0.1, 1.0], dtype=np.float32)


def object_positions(
    scene: SceneState, episode: Any, max_objects: int
) -> tuple[np.ndarray, np.ndarray]:
    """Object centres in spawn order, padded to ``max_objects`` rows, and the mask of real rows."""
    objects = np.zeros((max_objects, 3), dtype=np.float32)
    mask = np.zeros(max_objects, dtype=np.int8)
    for i, spawn in enumerate(episode.objects[:max_objects]):
        objects[i] = np.clip(scene.objects[spawn.name].position, -1.0, 1.0)
        mask[i] = 1
    return objects, mask


class TabletopEnv(gym.Env[dict[str, Any], np.ndarray]):
    """One scenario as a gymnasium environment.

    Args:
        scenario: A shipped scenario name (``"stack-blocks-seen"``) or a scenario file path.
        backend: ``"physics"`` (PyBullet), ``"kinematic"`` (instant geometry) or a plugin's.
        render_mode: ``"rgb_array"`` or ``None``.
        render_size: (width, height) of rendered frames.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 12}  # noqa: RUF012 (gymnasium API)

    def __init__(
        self,
        scenario: str = "stack-blocks",
        backend: str = "physics",
        render_mode: str | None = "rgb_array",
        render_size: tuple[int, int] = (320, 240),
    ) -> None:
        self.world = EpisodeWorld(scenario, backend)
        self.render_mode = render_mode
        self.render_size = render_size
        self.max_objects = self.world.max_objects
        self.action_space = spaces.Box(-1.0, 1.0, shape=(4,), dtype=np.float32)
        self.observation_space = spaces.Dict(
            {
                "robot": spaces.Box(ROBOT_LOW, ROBOT_HIGH, dtype=np.float32),
                "objects": spaces.Box(-1.0, 1.0, shape=(self.max_objects, 3), dtype=np.float32),
                "object_mask": spaces.MultiBinary(self.max_objects),
                "goal": spaces.Text(MAX_GOAL_LENGTH, min_length=0, charset=GOAL_CHARSET),
            }
        )

    # ---- gymnasium API ---------------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sample the episode for ``seed`` (drawn from the env's generator when None) and reset."""
        super().reset(seed=seed)
        self.world.reset(seed, self.np_random)
        return self._observation(), self._info()

    def step(self, action: np.ndarray) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        """Move the gripper by the scaled displacement and apply the gripper command.

        The displacement is clipped to the world's safety envelope, and the command goes through
        the world's guarded robot like every other motion.
        """
        robot = self.world.world.robot
        limits = robot.limits
        act = np.clip(np.asarray(action, dtype=np.float64), -1.0, 1.0)
        here = np.asarray(robot.robot_state().tcp)
        target = here + act[:3] * STEP_SIZE
        lo = np.array([limits.x[0], limits.y[0], limits.z[0] + 0.01])
        hi = np.array([limits.x[1], limits.y[1], limits.z[1]])
        target = np.clip(target, lo, hi)
        speed = min(MAX_SPEED, limits.max_speed)
        robot.move_tcp((float(target[0]), float(target[1]), float(target[2])), speed=speed)
        if act[3] > 0.5:
            robot.set_gripper(open=True)
        elif act[3] < -0.5 and not robot.robot_state().holding:
            robot.set_gripper(open=False)
        info = self._info()
        return self._observation(), float(info["reward"]), bool(info["is_success"]), False, info

    def render(self) -> np.ndarray | None:
        """An RGB frame of the scene (``render_mode="rgb_array"``)."""
        if self.render_mode != "rgb_array":
            return None
        return self.world.world.scene.render(*self.render_size).rgb

    def close(self) -> None:
        """Release the world."""
        self.world.close()

    # ---- helpers ---------------------------------------------------------------------------------

    def _observation(self) -> dict[str, Any]:
        scene = self.world.world.scene.observe()
        robot = np.clip(
            np.array(
                [*scene.gripper_position, scene.gripper_opening, float(scene.held is not None)],
                dtype=np.float32,
            ),
            ROBOT_LOW,
            ROBOT_HIGH,
        )
        objects, mask = object_positions(scene, self.world.episode, self.max_objects)
        goal = self.world.episode.instruction[:MAX_GOAL_LENGTH]
        return {"robot": robot, "objects": objects, "object_mask": mask, "goal": goal}

    def _info(self) -> dict[str, Any]:
        from codepolicy.success import evaluate

        episode = self.world.episode
        evaluation = evaluate(episode.success, self.world.world.scene.observe())
        return {
            "is_success": evaluation.success,
            "reward": evaluation.reward,
            "explanation": evaluation.explanation,
            "instruction": episode.instruction,
            "object_names": [o.name for o in episode.objects],
            "episode_seed": episode.seed,
        }
