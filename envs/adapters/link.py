"""The one connection to a third-party env that an adapter's robot and scene share.

:class:`EnvLink` owns the env, its latest observation and the step count. :meth:`EnvLink.step` is
the only place an action reaches the env, and every step first passes the safety guard, checked in
the env's own coordinates against the spec's workspace: the end-effector target of the step must lie
inside it and its speed under the limit, otherwise :class:`~codepolicy.primitives.errors.SafetyStop`
ends the program before the env moves.

The per-step path is plain Python floats (three-vectors are faster as floats than as numpy arrays):
the end effector and the finger opening are read once per observation, the guard compares floats,
and one float32 action array is built per step.

Resets are exact when the spec names the env's state snapshot (``snapshot``): the first reset with a
seed saves the simulator's state right after the env's own reset (after ``prepare``, e.g. PyBullet's
collision detection, so the snapshot holds the contact caches too), and every later reset with that
seed restores it instead of resetting again, so two episodes with one seed on a reused world step
bit-identical physics. (panda-gym's own reset teleports bodies and keeps the contact caches of the
previous episode, so a reused world otherwise repeats a motion only to about a millimetre.)
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from codepolicy.envs.adapters.loading import make_env, resolve
from codepolicy.envs.adapters.spec import AdapterSpec
from codepolicy.envs.adapters.transform import FrameTransform, make_float_reader
from codepolicy.envs.backend import MAX_SPEED
from codepolicy.envs.safety import SafetyLimits

SNAPSHOTS = 64
"""Most reset snapshots kept per world (the oldest is dropped first)."""


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
        self._box = (*frame.workspace_x, *frame.workspace_y, *frame.workspace_z)
        self._max_step = MAX_SPEED * spec.step_seconds
        self._inv_scale = 1.0 / spec.action_scale
        self.action_size = int(np.prod(self.env.action_space.shape))
        self._ee = make_float_reader(spec.ee_position)
        self._width = make_float_reader(spec.gripper.width) if spec.gripper is not None else None
        self._objects = [make_float_reader(obj.position) for obj in spec.objects]
        info_key = spec.success.removeprefix("info.")
        self._info_key = info_key if info_key != spec.success else None
        self._success = None if self._info_key else resolve(self.env, spec.success)
        self._ee_offset = spec.ee_offset if any(spec.ee_offset) else None
        self._seed_call = resolve(self.env, spec.seed_call) if spec.seed_call else None
        self._width_scale = spec.gripper.width_scale if spec.gripper is not None else 1.0
        self.info: Mapping[str, Any] = {}
        self._snapshot = spec.snapshot
        self._snapshots: OrderedDict[int, tuple[Any, dict[str, np.ndarray]]] = OrderedDict()
        self.obs: dict[str, np.ndarray] = {}
        self.steps = 0
        self.version = 0
        """Counts observations taken: names the current one (for caches)."""
        self.ee_now: tuple[float, ...] = (0.0, 0.0, 0.0)
        """End-effector position now, env coordinates (read once per observation)."""
        self.width_now = 0.0
        """Finger opening now, metres (0 for an env without a gripper command)."""
        self._listener: tuple[Callable[[], None], int] | None = None
        self.reset(0)  # a valid observation from the start (observe and render work at once)

    def reset(self, seed: int) -> None:
        """Reset the env with ``seed`` (the env draws its own layout; a snapshot of this seed's
        reset makes it exact, see the module doc), then hold still until nothing moves (at most
        ``settle_steps`` steps: some envs drop objects from above the table)."""
        seed = int(seed)
        saved = self._snapshots.get(seed) if self._snapshot is not None else None
        if saved is not None:  # restore instead of resetting again: the env's reset is not exact
            resolve(self.env, self._snapshot.restore)(saved[0])  # type: ignore[union-attr]
            self._snapshots.move_to_end(seed)
            obs = {key: value.copy() for key, value in saved[1].items()}
        else:
            if self._seed_call is not None:
                self._seed_call(seed)
            obs, _ = self.env.reset(seed=seed)
            obs = _as_dict(obs)
            if self._snapshot is not None:
                if self._snapshot.prepare is not None:
                    resolve(self.env, self._snapshot.prepare)()
                state = resolve(self.env, self._snapshot.save)()
                self._snapshots[seed] = (state, {key: value.copy() for key, value in obs.items()})
                if len(self._snapshots) > SNAPSHOTS:
                    _, (oldest, _) = self._snapshots.popitem(last=False)
                    if self._snapshot.remove is not None:
                        resolve(self.env, self._snapshot.remove)(oldest)
        self.info = {}
        self._observed(obs)
        self.steps = 0
        for _ in range(self.spec.settle_steps):
            before = self.positions()
            self.step((0.0, 0.0, 0.0), 0.0)
            if _largest_change(before, self.positions()) < 0.001:
                break
        self.steps = 0

    def _observed(self, obs: dict[str, np.ndarray]) -> None:
        """Take a new observation, reading the end effector and the fingers once."""
        self.obs = obs
        self.version += 1
        if self._ee_offset is None:
            self.ee_now = self._ee(obs)
        else:
            (x, y, z), (ox, oy, oz) = self._ee(obs), self._ee_offset
            self.ee_now = (x + ox, y + oy, z + oz)
        self.width_now = self._width(obs)[0] * self._width_scale if self._width is not None else 0.0

    def ee(self) -> np.ndarray:
        """End-effector position, env coordinates."""
        return np.array(self.ee_now)

    def width(self) -> float:
        """Finger opening, metres (0 for an env without a gripper command)."""
        return self.width_now

    def positions(self) -> list[float]:
        """The end effector's and every object's coordinates, env frame, one flat list."""
        out = list(self.ee_now)
        for read in self._objects:
            out.extend(read(self.obs))
        return out

    def read(self, reader: Callable[[Any], Any]) -> Any:
        """Apply a reader to the latest observation."""
        return reader(self.obs)

    def step(self, displacement: Sequence[float], grip: float) -> None:
        """One env step moving the end effector by ``displacement`` (env metres) with gripper
        command ``grip`` in [-1, 1], after the safety check.

        Raises:
            SafetyStop: the step's target leaves the env's workspace or is too fast.
        """
        dx, dy, dz = float(displacement[0]), float(displacement[1]), float(displacement[2])
        ex, ey, ez = self.ee_now
        x, y, z = ex + dx, ey + dy, ez + dz
        x0, x1, y0, y1, z0, z1 = self._box
        if not (
            x0 <= x <= x1
            and y0 <= y <= y1
            and z0 <= z <= z1
            and dx * dx + dy * dy + dz * dz <= self._max_step * self._max_step
        ):  # the same bounds (NaN fails them too): let the guard say what is wrong
            self.limits.check(
                (x, y, z), math.sqrt(dx * dx + dy * dy + dz * dz) / self.spec.step_seconds
            )
        k = self._inv_scale
        values = [_clip(dx * k), _clip(dy * k), _clip(dz * k)]
        if self.action_size > 3:
            values.append(_clip(grip))
            values.extend([0.0] * (self.action_size - 4))
        obs, _, _, _, self.info = self.env.step(np.array(values, dtype=np.float32))
        self._observed(obs if isinstance(obs, dict) else _as_dict(obs))
        self.steps += 1
        if self._listener is not None and self.steps % self._listener[1] == 0:
            self._listener[0]()

    def set_listener(self, callback: Callable[[], None] | None, every_steps: int = 1) -> None:
        """Call ``callback()`` every ``every_steps`` env steps (video); None switches it off."""
        self._listener = None if callback is None else (callback, max(1, every_steps))

    def env_success(self) -> bool:
        """The env's own success signal for the current observation."""
        if self._info_key is not None:
            return bool(self.info.get(self._info_key, False))
        assert self._success is not None
        value = self._success(self.obs["achieved_goal"], self.obs["desired_goal"])
        return bool(np.asarray(value).all())

    @property
    def sim_time(self) -> float:
        """Simulated seconds since the last reset."""
        return self.steps * self.spec.step_seconds

    def close(self) -> None:
        """Close the env."""
        self.env.close()


def _as_dict(obs: Any) -> dict[str, np.ndarray]:
    """An observation as a dict: a flat array becomes ``{"observation": array}``."""
    return obs if isinstance(obs, Mapping) else {"observation": np.asarray(obs)}  # type: ignore[return-value]


def _clip(value: float) -> float:
    return -1.0 if value < -1.0 else (1.0 if value > 1.0 else value)


def _largest_change(before: list[float], after: list[float]) -> float:
    """The largest coordinate change between two :meth:`EnvLink.positions` readings."""
    return max(abs(a - b) for a, b in zip(after, before, strict=True))
