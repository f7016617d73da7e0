"""Perception kinds by name: ``privileged``, ``noisy``, ``mask`` and ``camera``.

:func:`make_perception` builds one for a backend. Camera-based kinds need a world that renders the
perception cameras (the PyBullet world's ``render_camera`` / ``render_segmented``); asking for one
on a world that cannot render them is a :class:`PerceptionUnavailable` error that says so.

Example:
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> make_perception("camera", KinematicBackend())
    Traceback (most recent call last):
    ...
    codepolicy.primitives.perception_kinds.PerceptionUnavailable: perception 'camera' needs ...
"""

from __future__ import annotations

from typing import Any

from codepolicy.envs.backend import Backend
from codepolicy.primitives.camera_perception import CameraPerception, CameraRig, MaskPerception
from codepolicy.primitives.perception import Perception, PrivilegedPerception

PERCEPTION_KINDS = ("privileged", "noisy", "mask", "camera")
"""Every perception kind, from most to least help."""
DEFAULT_NOISE_STD = 0.005
"""Position noise of the ``noisy`` kind, metres."""


class PerceptionUnavailable(ValueError):
    """The chosen perception kind cannot run on this world (it does not render cameras)."""


def rendering_world(backend: Any) -> Any:
    """The object that renders perception cameras behind ``backend`` (through wrappers), or None.

    A backend offers them either itself or through its ``world`` attribute; guards and other
    wrappers are looked through via ``inner`` / ``unwrapped``.
    """
    seen: set[int] = set()
    current = backend
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, getattr(current, "world", None)):
            if candidate is not None and callable(getattr(candidate, "render_camera", None)):
                return candidate
        current = getattr(current, "inner", None) or getattr(current, "unwrapped", None)
    return None


def make_perception(
    kind: str,
    backend: Backend,
    *,
    seed: int = 0,
    noise_std: float = DEFAULT_NOISE_STD,
    rig: CameraRig | None = None,
) -> Perception:
    """A perception of the given kind on ``backend``.

    Args:
        kind: One of :data:`PERCEPTION_KINDS`.
        backend: The world to perceive.
        seed: Seed of the ``noisy`` kind's noise.
        noise_std: The ``noisy`` kind's position noise, metres.
        rig: Cameras and resolution of the camera-based kinds.

    Raises:
        ValueError: unknown kind, naming the known ones.
        PerceptionUnavailable: a camera-based kind on a world that renders no perception cameras.
    """
    if kind == "privileged":
        return PrivilegedPerception(backend)
    if kind == "noisy":
        return PrivilegedPerception(backend, noise_std=noise_std, seed=seed)
    if kind not in PERCEPTION_KINDS:
        raise ValueError(f"unknown perception '{kind}'; known kinds: {', '.join(PERCEPTION_KINDS)}")
    world = rendering_world(backend)
    if world is None:
        raise PerceptionUnavailable(
            f"perception '{kind}' needs a world that renders cameras (the physics backend); "
            f"the '{getattr(backend, 'name', type(backend).__name__)}' backend does not"
        )
    rig = rig or CameraRig()
    if kind == "camera":
        return CameraPerception(world.render_camera, rig)
    return MaskPerception(world.render_segmented, rig)
