"""Perception kinds by name: ``privileged``, ``noisy``, ``mask``, ``camera`` and ``aruco``.

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
from codepolicy.errors import ConfigError
from codepolicy.primitives.aruco_perception import ARUCO_RIG, ArucoPerception
from codepolicy.primitives.camera_perception import CameraPerception, CameraRig, MaskPerception
from codepolicy.primitives.perception import Perception, PrivilegedPerception

PERCEPTION_KINDS = ("privileged", "noisy", "mask", "camera", "aruco")
"""Every perception kind: from most to least help, then ``aruco`` (markers on the blocks, for
real labs: :mod:`codepolicy.primitives.aruco_perception`)."""
DEFAULT_NOISE_STD = 0.005
"""Position noise of the ``noisy`` kind, metres."""


class PerceptionUnavailable(ConfigError):
    """The chosen perception kind cannot run on this world (it does not render cameras)."""


def rendering_world(backend: Any) -> Any:
    """The object that renders perception cameras behind ``backend``, or None.

    A backend offers them itself or through its ``world`` (the PyBullet world) or ``scene`` (a
    world's scene role) attribute, at any depth; guards and other wrappers are looked through via
    ``inner`` / ``unwrapped``.
    """
    seen: set[int] = set()
    frontier = [backend]
    while frontier:
        current = frontier.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if callable(getattr(current, "render_camera", None)):
            return current
        frontier.extend(
            getattr(current, attr, None) for attr in ("world", "scene", "inner", "unwrapped")
        )
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

    Camera-based kinds render again only when the world's state has changed since their last
    call (its ``state_bytes``, when it has them): primitives ask several times per call.

    Args:
        kind: One of :data:`PERCEPTION_KINDS`.
        backend: The world to perceive.
        seed: Seed of the ``noisy`` kind's noise.
        noise_std: The ``noisy`` kind's position noise, metres.
        rig: Cameras and resolution of the camera-based kinds.

    Raises:
        ConfigError: unknown kind, naming the known ones.
        PerceptionUnavailable: a camera-based kind on a world that renders no perception cameras.
    """
    if kind == "privileged":
        return PrivilegedPerception(getattr(backend, "scene", backend))
    if kind == "noisy":
        return PrivilegedPerception(
            getattr(backend, "scene", backend), noise_std=noise_std, seed=seed
        )
    if kind not in PERCEPTION_KINDS:
        raise ConfigError(
            f"unknown perception '{kind}'; known kinds: {', '.join(PERCEPTION_KINDS)}"
        )
    world = rendering_world(backend)
    if world is None:
        raise PerceptionUnavailable(
            f"perception '{kind}' needs a world that renders cameras (the physics backend); "
            f"the '{getattr(backend, 'name', type(backend).__name__)}' backend does not"
        )
    key = getattr(world, "state_bytes", None)
    if kind == "aruco":
        return _aruco(world, rig or ARUCO_RIG, key)
    rig = rig or CameraRig()
    if kind == "camera":
        return CameraPerception(world.render_camera, rig, scene_key=key)
    return MaskPerception(world.render_segmented, rig, scene_key=key)


def _aruco(world: Any, rig: CameraRig, key: Any) -> Perception:
    """The aruco kind on a world that can mark its blocks, bowls from the camera kind."""
    mark = getattr(world, "mark_blocks", None)
    if not callable(mark):
        raise PerceptionUnavailable(
            "perception 'aruco' needs a world that puts ArUco markers on its blocks "
            "(the physics backend)"
        )
    try:
        markers = mark()
    except ValueError as exc:
        raise PerceptionUnavailable(f"perception 'aruco': {exc}") from None
    fallback = CameraPerception(world.render_camera, CameraRig(), scene_key=key)
    return ArucoPerception(world.render_camera, markers, rig, fallback, scene_key=key)


def rig_from_options(kind: str, options: dict[str, Any]) -> CameraRig:
    """A :class:`CameraRig` from a kind's options (``width``, ``height``, ``shadows``).

    Raises:
        ConfigError: an unknown option or a bad value, naming it.
    """
    unknown = sorted(set(options) - {"width", "height", "shadows"})
    if unknown:
        raise ConfigError(
            f"perception '{kind}' takes only width, height and shadows, got: {', '.join(unknown)}"
        )
    rig = ARUCO_RIG if kind == "aruco" else CameraRig()
    width, height = options.get("width", rig.width), options.get("height", rig.height)
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or isinstance(value, bool) or not 32 <= value <= 4096:
            raise ConfigError(
                f"perception '{kind}': {name} must be pixels in [32, 4096], got {value!r}"
            )
    shadows = options.get("shadows", rig.shadows)
    if not isinstance(shadows, bool):
        raise ConfigError(f"perception '{kind}': shadows must be true or false, got {shadows!r}")
    return CameraRig(rig.cameras, width, height, shadows)


def camera_kind(world: Any, *, seed: int = 0, **options: Any) -> Perception:
    """Factory of the ``camera`` kind in the perception-registry form ``(world, *, seed, **options)``
    (``world`` is a world with a scene role, or a backend)."""
    return make_perception("camera", world, seed=seed, rig=rig_from_options("camera", options))


def mask_kind(world: Any, *, seed: int = 0, **options: Any) -> Perception:
    """Factory of the ``mask`` kind in the perception-registry form (see :func:`camera_kind`)."""
    return make_perception("mask", world, seed=seed, rig=rig_from_options("mask", options))


def aruco_kind(world: Any, *, seed: int = 0, **options: Any) -> Perception:
    """Factory of the ``aruco`` kind in the perception-registry form (see :func:`camera_kind`)."""
    return make_perception("aruco", world, seed=seed, rig=rig_from_options("aruco", options))
