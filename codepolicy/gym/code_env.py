"""Code as the action: a gymnasium environment whose action is a whole program.

One ``step`` runs one program (text) in the sandbox against the episode's world and returns the
dense reward; the observation is the feedback text plus the world state. This is the interface for
training a code-writing model with reinforcement learning: the policy emits programs, the
environment answers with exactly the feedback a planner would get.

Example:
    >>> env = CodeAsActionEnv("pick-place", backend="kinematic")
    >>> obs, info = env.reset(seed=0)
    >>> program = f"pick_and_place({info['variables']['block']!r}, {info['variables']['target']!r})"
    >>> obs, reward, terminated, truncated, info = env.step(program)
    >>> reward, terminated, info["status"]
    (1.0, True, 'success')
"""

from __future__ import annotations

import string
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from codepolicy.gym.episode_world import EpisodeWorld
from codepolicy.gym.tabletop_env import object_positions

MAX_PROGRAM_CHARS = 8000
MAX_FEEDBACK_CHARS = 8000
TEXT_CHARSET = frozenset(string.printable)


class CodeAsActionEnv(gym.Env[dict[str, Any], str]):
    """A scenario where each action is a Python program run in the sandbox.

    Args:
        scenario: A shipped scenario name or a scenario file path.
        backend: ``"physics"`` or ``"kinematic"``.
        profile: Primitive profile programs may use (``"default"``, ``"cap"``, a plugin's).
        perception: Perception kind of the primitives and the feedback (``"privileged"``, ...).
        max_programs: Programs per episode before truncation.
        continue_from_current: Each program starts from the scene the last one left
            (``False``: every step resets to the episode's start).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}  # noqa: RUF012 (gymnasium API)

    def __init__(
        self,
        scenario: str = "stack-blocks",
        backend: str = "physics",
        profile: str = "default",
        max_programs: int = 3,
        continue_from_current: bool = True,
        render_mode: str | None = "rgb_array",
        perception: str = "privileged",
    ) -> None:
        from codepolicy.pipeline import RunSettings

        self.settings = RunSettings(backend=backend, profile=profile, perception=perception)
        self.settings.check()
        self.world = EpisodeWorld(scenario, backend)
        self._pipeline: Any = None
        self.max_programs = max_programs
        self.continue_from_current = continue_from_current
        self.render_mode = render_mode
        self.max_objects = self.world.max_objects
        self._programs = 0
        self._text = ""
        self.action_space = spaces.Text(MAX_PROGRAM_CHARS, min_length=0, charset=TEXT_CHARSET)
        self.observation_space = spaces.Dict(
            {
                "instruction": spaces.Text(512, min_length=0, charset=TEXT_CHARSET),
                "feedback": spaces.Text(MAX_FEEDBACK_CHARS, min_length=0, charset=TEXT_CHARSET),
                "objects": spaces.Box(-1.0, 1.0, shape=(self.max_objects, 3), dtype=np.float32),
                "object_mask": spaces.MultiBinary(self.max_objects),
            }
        )

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sample the episode for ``seed`` and reset the world; the feedback starts as the scene."""
        super().reset(seed=seed)
        from codepolicy.pipeline import Pipeline

        self.world.reset(seed, self.np_random)
        if self._pipeline is None:
            self._pipeline = Pipeline(self.settings, world=self.world.world)
        lines = self._pipeline.executor.scene_lines(self.world.world, self.world.episode.seed)
        self._programs = 0
        self._text = "Scene now:\n" + "\n".join(f"  {line}" for line in lines)
        episode = self.world.episode
        return self._observation(), {
            "instruction": episode.instruction,
            "variables": dict(episode.variables),
            "episode_seed": episode.seed,
        }

    def step(self, action: str) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        """Run the program ``action``; reward is the task's dense reward after it."""
        episode = self.world.episode
        program = str(action)[:MAX_PROGRAM_CHARS]
        feedback = self._pipeline.execute(episode, program, reset=not self.continue_from_current)
        self._programs += 1
        self._text = feedback.to_text()
        info = {
            "status": feedback.status.value,
            "success": feedback.success,
            "executable": feedback.executable,
            "explanation": feedback.explanation,
            "primitive_calls": len(feedback.steps),
        }
        truncated = not feedback.success and self._programs >= self.max_programs
        return self._observation(), float(feedback.reward), feedback.success, truncated, info

    def render(self) -> np.ndarray | None:
        """An RGB frame of the scene."""
        if self.render_mode != "rgb_array":
            return None
        return self.world.world.scene.render(320, 240).rgb

    def close(self) -> None:
        """Release the world."""
        self.world.close()

    def _observation(self) -> dict[str, Any]:
        episode = self.world.episode
        objects, mask = object_positions(
            self.world.world.scene.observe(), episode, self.max_objects
        )
        text = "".join(c for c in self._text if c in TEXT_CHARSET)[:MAX_FEEDBACK_CHARS]
        instruction = episode.instruction[:512]
        return {
            "instruction": instruction,
            "feedback": text,
            "objects": objects,
            "object_mask": mask,
        }
