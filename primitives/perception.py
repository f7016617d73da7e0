"""Perception: how primitives learn what is on the table.

Primitives ask a :class:`Perception` for detections and never read a simulator directly. Today's
implementation, :class:`PrivilegedPerception`, reads the backend's scene state (optionally with seeded
Gaussian noise); a camera-based implementation (OpenCV on rendered RGB-D) can replace it behind the
same two methods without touching any primitive or program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from codepolicy.envs.backend import Backend


@dataclass(frozen=True)
class DetectedObject:
    """One detected object, as a program sees it.

    Attributes:
        name: Spoken name, e.g. ``"red block"``.
        kind: ``"block"`` or ``"bowl"``.
        color: Colour name.
        position: Centre of the object, metres (x, y, z).
        size: Extent along x, y, z, metres.
        confidence: How sure perception is of this detection, in [0, 1] (1 for ground truth).
    """

    name: str
    kind: str
    color: str
    position: tuple[float, float, float]
    size: tuple[float, float, float]
    confidence: float = 1.0


class Perception(Protocol):
    """Source of object detections for primitives."""

    def detect(self) -> list[DetectedObject]:
        """Every object currently visible, in a stable order."""
        ...


class PrivilegedPerception:
    """Reads object poses from the backend's state, with optional seeded position noise.

    Args:
        backend: The world to observe.
        noise_std: Standard deviation of Gaussian noise added to x and y, metres (0 = exact).
        seed: Seed of the noise generator, so noisy runs are reproducible.

    Example:
        >>> from codepolicy.envs.kinematic import KinematicBackend
        >>> from codepolicy.envs.backend import ObjectSpawn
        >>> backend = KinematicBackend()
        >>> _ = backend.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.5)])
        >>> [d.name for d in PrivilegedPerception(backend).detect()]
        ['red block']
    """

    def __init__(self, backend: Backend, noise_std: float = 0.0, seed: int = 0) -> None:
        self._backend = backend
        self._noise_std = noise_std
        self._rng = np.random.default_rng(seed)

    def detect(self) -> list[DetectedObject]:
        """Every object in the scene (privileged: nothing is ever occluded)."""
        scene = self._backend.observe()
        detections = []
        for obj in scene.objects.values():
            x, y, z = obj.position
            if self._noise_std > 0:
                dx, dy = self._rng.normal(0.0, self._noise_std, size=2)
                x, y = x + float(dx), y + float(dy)
            detections.append(
                DetectedObject(obj.name, obj.kind, obj.color, (x, y, z), tuple(obj.size))  # type: ignore[arg-type]
            )
        return detections
