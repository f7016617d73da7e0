"""The one connection to a third-party env that an adapter's robot and scene share.

:class:`EnvLink` owns the env, its latest observation and the step count. :meth:`EnvLink.step` is
the only place an action reaches the env, and every step first passes the safety guard, checked in
the env's own coordinates against the spec's workspace: the end-effector target of the step must lie
inside it and its speed under the limit, otherwise :class:`~codepolicy.primitives.errors.SafetyStop`
ends the program before the env moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
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
        self._low = np.array([frame.workspace_x[0], frame.workspace_y[0], frame.workspace_z[0]])
        self._high = np.array([frame.workspace_x[1], frame.workspace_y[1], frame.workspace_z[1]])
        self.action_size = int(np.prod(self.env.action_space.shape))
        self._ee = make_reader(spec.ee_position)
        self._width = make_reader(spec.gripper.width) if spec.gripper is not None else None
        self._objects = [make_reader(obj.position) for obj in spec.objects]
        self._success = resolve(self.env, spec.success)
        self.obs: dict[str, np.ndarray] = {}
        self.steps = 0
        self.version = 0
        """Counts observations taken: names the current one (for caches)."""
        self._ee_now = np.zeros(3)
        self._width_now = 0.0
        self._listener: tuple[Callable[[], None], int] | None = None
        self.reset(0)  # a valid observation from the start (observe and render work at once)

    def reset(self, seed: int) -> None:
        """Reset the env with ``seed`` (the env draws its own layout), then hold still until nothing
        moves (at most ``settle_steps`` steps: some envs drop objects from above the table)."""
        obs, _ = self.env.reset(seed=int(seed))
        self._observed(obs)
        self.steps = 0
        for _ in range(self.spec.settle_steps):
            before = self.positions()
            self.step(np.zeros(3), 0.0)
            if float(np.max(np.abs(self.positions() - before))) < 0.001:
                break
        self.steps = 0

    def _observed(self, obs: dict[str, np.ndarray]) -> None:
        """Take a new observation, reading the end effector and the fingers once."""
        self.obs = obs
        self.version += 1
        self._ee_now = self._ee(obs)
        self._width_now = float(self._width(obs)[0]) if self._width is not None else 0.0

    def ee(self) -> np.ndarray:
        """End-effector position, env coordinates."""
        return self._ee_now.copy()

    def width(self) -> float:
        """Finger opening, metres (0 for an env without a gripper command)."""
        return self._width_now

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
        target = self._ee_now + displacement
        speed = math.hypot(*displacement) / spec.step_seconds
        inside = bool(((self._low <= target) & (target <= self._high)).all())
        if not (inside and speed <= MAX_SPEED):  # the same bounds: let the guard say what is wrong
            self.limits.check((float(target[0]), float(target[1]), float(target[2])), speed)
        action = np.zeros(self.action_size, dtype=np.float32)
        action[:3] = displacement / spec.action_scale
        if self.action_size > 3:
            action[3] = grip
        np.clip(action, -1.0, 1.0, out=action)
        self._observed(self.env.step(action)[0])
        self.steps += 1
        if self._listener is not None and self.steps % self._listener[1] == 0:
            self._listener[0]()

    def set_listener(self, callback: Callable[[], None] | None, every_steps: int = 1) -> None:
        """Call ``callback()`` every ``every_steps`` env steps (video); None switches it off."""
        self._listener = None if callback is None else (callback, max(1, every_steps))

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
