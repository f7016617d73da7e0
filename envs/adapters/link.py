"""The one connection to a third-party env that an adapter's robot and scene share.

:class:`EnvLink` owns the env, its latest observation and the step count. :meth:`EnvLink.step` is
the only place an action reaches the env, and every step first passes the safety guard, checked in
the env's own coordinates against the spec's workspace: the end-effector target of the step must lie
inside it and its speed under the limit, otherwise :class:`~codepolicy.primitives.errors.SafetyStop`
ends the program before the env moves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from codepolicy.envs.adapters.loading import make_env, resolve
from codepolicy.envs.adapters.spec import AdapterSpec
from codepolicy.envs.adapters.transform import FrameTransform, make_reader
from codepolicy.envs.backend import MAX_SPEED
from codepolicy.envs.safety import SafetyLimits


class EnvLink:
    """An env made from a spec, stepped only through the safety guard.

    Args:
        spec: The adapter spec.
        env: An already made env (for tests and benchmarks); made from the spec when None.
    """

    def __init__(self, spec: AdapterSpec, env: Any = None) -> None:
        self.spec = spec
        self.env = env if env is not None else make_env(spec)
        self.transform = FrameTransform(spec.frame.origin, spec.frame.yaw_deg)
        frame = spec.frame
        self.limits = SafetyLimits(
            x=frame.workspace_x, y=frame.workspace_y, z=frame.workspace_z, max_speed=MAX_SPEED
        )
        self.action_size = int(np.prod(self.env.action_space.shape))
        self._ee = make_reader(spec.ee_position)
        self._width = make_reader(spec.gripper.width) if spec.gripper is not None else None
        self._objects = [make_reader(obj.position) for obj in spec.objects]
        self._success = resolve(self.env, spec.success)
        self.obs: dict[str, np.ndarray] = {}
        self.steps = 0

    def reset(self, seed: int) -> None:
        """Reset the env with ``seed`` (the env draws its own layout) and idle ``settle_steps``."""
        obs, _ = self.env.reset(seed=int(seed))
        self.obs, self.steps = obs, 0
        for _ in range(self.spec.settle_steps):
            self.step(np.zeros(3), 0.0)
        self.steps = 0

    def ee(self) -> np.ndarray:
        """End-effector position, env coordinates."""
        return self._ee(self.obs)

    def width(self) -> float:
        """Finger opening, metres (0 for an env without a gripper command)."""
        return float(self._width(self.obs)[0]) if self._width is not None else 0.0

    def positions(self) -> np.ndarray:
        """The end effector and every object's position, env coordinates, stacked (n × 3)."""
        return np.array([self.ee(), *(read(self.obs) for read in self._objects)])

    def read(self, reader: Any) -> np.ndarray:
        """Apply a reader to the latest observation."""
        return reader(self.obs)

    def step(self, displacement: np.ndarray, grip: float) -> None:
        """One env step moving the end effector by ``displacement`` (env metres) with gripper
        command ``grip`` in [-1, 1], after the safety check.

        Raises:
            SafetyStop: the step's target leaves the env's workspace or is too fast.
        """
        spec = self.spec
        target = self.ee() + displacement
        speed = float(np.linalg.norm(displacement)) / spec.step_seconds
        self.limits.check((float(target[0]), float(target[1]), float(target[2])), max(speed, 1e-9))
        action = np.zeros(self.action_size, dtype=np.float32)
        action[:3] = np.clip(displacement / spec.action_scale, -1.0, 1.0)
        if self.action_size > 3:
            action[3] = np.clip(grip, -1.0, 1.0)
        self.obs = self.env.step(action)[0]
        self.steps += 1

    def env_success(self) -> bool:
        """The env's own success signal for the current observation."""
        value = self._success(self.obs["achieved_goal"], self.obs["desired_goal"])
        return bool(np.asarray(value).all())

    @property
    def sim_time(self) -> float:
        """Simulated seconds since the last reset."""
        return self.steps * self.spec.step_seconds

    def close(self) -> None:
        """Close the env."""
        self.env.close()
