"""The map between an env's own coordinates and the tabletop frame, and readers of observations.

Programs, primitives, success predicates and feedback all speak the tabletop frame (metres, table at
z = 0, the workspace in front of the robot at negative y). An adapter maps each env's coordinates
onto it with a turn about z and a shift, so one program runs unchanged in our world and in others'.

Example:
    >>> t = FrameTransform(origin=(-0.5, 0.0, 0.0), yaw_deg=-90)
    >>> [round(v, 3) for v in t.to_ours((0.0, 0.1, 0.02))]
    [0.1, -0.5, 0.02]
    >>> [round(float(v), 3) for v in t.to_env(t.to_ours((0.3, -0.2, 0.1)))]
    [0.3, -0.2, 0.1]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from codepolicy.envs.adapters.spec import READER_PATTERN
from codepolicy.envs.state import Vec3


@dataclass(frozen=True)
class FrameTransform:
    """``ours = R(yaw) · (env − origin)`` and back.

    Attributes:
        origin: The env point that becomes our origin.
        yaw_deg: Rotation about z from the env's axes to ours, degrees.
    """

    origin: Vec3
    yaw_deg: float = 0.0

    @cached_property
    def _cos_sin(self) -> tuple[float, float]:
        yaw = math.radians(self.yaw_deg)
        return math.cos(yaw), math.sin(yaw)

    def to_ours(self, p: np.ndarray | tuple[float, ...]) -> Vec3:
        """A point in env coordinates, in the tabletop frame."""
        c, s = self._cos_sin
        x, y, z = (float(p[i]) - self.origin[i] for i in range(3))
        return (c * x - s * y, s * x + c * y, z)

    def to_env(self, p: np.ndarray | tuple[float, ...]) -> np.ndarray:
        """A point in the tabletop frame, in env coordinates."""
        c, s = self._cos_sin
        x, y, z = float(p[0]), float(p[1]), float(p[2])
        return np.array(
            [c * x + s * y + self.origin[0], -s * x + c * y + self.origin[1], z + self.origin[2]]
        )


ObsReader = Callable[[Mapping[str, np.ndarray]], np.ndarray]


def make_reader(text: str) -> ObsReader:
    """A function reading ``key[i]``, ``key[i:j]`` or ``sum(key[i:j])`` from an observation dict.

    Raises:
        ValueError: the expression is not one of those forms.
    """
    match = READER_PATTERN.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a reader (key[i], key[i:j] or sum(key[i:j]))")
    key, start = match["key"], int(match["start"])
    stop = int(match["stop"]) if match["stop"] is not None else start + 1
    total = match["sum"] is not None

    def read(obs: Mapping[str, np.ndarray]) -> np.ndarray:
        values = np.asarray(obs[key][start:stop], dtype=float)
        if len(values) != stop - start:
            raise ValueError(f"{text}: the observation's '{key}' has only {len(obs[key])} numbers")
        return np.array([values.sum()]) if total else values

    return read


FloatReader = Callable[[Mapping[str, np.ndarray]], tuple[float, ...]]


def make_float_reader(text: str) -> FloatReader:
    """Like :func:`make_reader`, but the numbers come back as a tuple of Python floats (the
    per-step path: cheaper than a small numpy array for what follows).

    Raises:
        ValueError: the expression is not a reader; when reading, the observation is too short.
    """
    match = READER_PATTERN.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a reader (key[i], key[i:j] or sum(key[i:j]))")
    key, start = match["key"], int(match["start"])
    stop = int(match["stop"]) if match["stop"] is not None else start + 1
    total, size = match["sum"] is not None, stop - start

    def read(obs: Mapping[str, np.ndarray]) -> tuple[float, ...]:
        values = obs[key][start:stop].tolist()
        if len(values) != size:
            raise ValueError(f"{text}: the observation's '{key}' has only {len(obs[key])} numbers")
        return (float(sum(values)),) if total else tuple(values)

    return read
