"""Perception: how primitives, prompts and feedback learn what is on the table.

Nothing above the world reads ground truth except the success judge. Primitives (release and travel
heights, "what is under the gripper"), the scene text of prompts and the scene part of feedback all
ask a :class:`Perception` for detections. Perception kinds register by name in :data:`PERCEPTION`
(and from the ``codepolicy.perception`` entry-point group); the pipeline takes the kind as a
parameter (``privileged`` by default):

- ``privileged``: the scene's ground truth, exactly (needs a scene with ground truth).
- ``noisy``: ground truth with seeded Gaussian noise on x and y (option ``noise_std``, metres).
- ``mask``, ``camera``: rendered RGB-D perception cameras (:mod:`codepolicy.primitives.
  camera_perception`); ``aruco``: ArUco markers on the block tops
  (:mod:`codepolicy.primitives.aruco_perception`), bowls from the camera kind.
- ``operator``: the objects of an operator-confirmed scene file (a real robot's ``--scene-file``;
  no ground truth, positions as the operator wrote them: :mod:`codepolicy.robot.operator`,
  registered through our own ``codepolicy.perception`` entry point, since robot sits above).

A kind is a factory ``factory(world, *, seed, **options) -> Perception``; camera-based kinds render
``world.scene.render(...)`` and never touch a primitive or a program.

Example:
    >>> from codepolicy.envs.backend import make_world
    >>> from codepolicy.envs.roles import ObjectSpawn
    >>> world = make_world("kinematic")
    >>> _ = world.scene.reset([ObjectSpawn("red block", "block", "red", 0.0, -0.5)])
    >>> [d.name for d in make_perception("privileged", world).detect()]
    ['red block']
    >>> noisy = make_perception("noisy", world, seed=1, noise_std=0.01)
    >>> round(abs(noisy.detect()[0].position[0]), 3) > 0
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from codepolicy.envs.errors import NoGroundTruth
from codepolicy.envs.roles import RobotState, Scene, World
from codepolicy.envs.state import BoxExtent, ObjectState, SceneState
from codepolicy.errors import ConfigError
from codepolicy.registry import Registry

DEFAULT_NOISE_STD = 0.005
"""Position noise of the ``noisy`` kind when no ``noise_std`` is given, metres."""


@dataclass(frozen=True)
class DetectedObject(BoxExtent):
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


@runtime_checkable
class Perception(Protocol):
    """Source of object detections for primitives, prompts and feedback."""

    def detect(self) -> list[DetectedObject]:
        """Every object currently detected, in a stable order."""
        ...


PerceptionFactory = Callable[..., Perception]
"""``factory(world, *, seed, **options)`` → a :class:`Perception`."""

PERCEPTION: Registry[PerceptionFactory] = Registry("perception kind", group="codepolicy.perception")
"""Perception kinds by name; third-party ones load from the ``codepolicy.perception`` group."""


class PrivilegedPerception:
    """Reads object poses from the scene's ground truth, with optional seeded position noise.

    Args:
        scene: The scene to observe; it must have ground truth.
        noise_std: Standard deviation of Gaussian noise added to x and y, metres (0 = exact).
        seed: Seed of the noise generator, so noisy runs are reproducible.

    Raises:
        NoGroundTruth: the scene has none (a real table): choose a camera-based kind.
    """

    def __init__(self, scene: Scene, noise_std: float = 0.0, seed: int = 0) -> None:
        if not getattr(scene, "has_ground_truth", True):
            raise NoGroundTruth(
                "privileged perception reads ground truth, which this scene cannot report; "
                "choose a perception kind that uses the camera"
            )
        self._scene = scene
        self._noise_std = noise_std
        self._rng = np.random.default_rng(seed)

    def detect(self) -> list[DetectedObject]:
        """Every object in the scene (privileged: nothing is ever occluded)."""
        scene = self._scene.observe()
        detections = []
        for obj in scene.objects.values():
            x, y, z = obj.position
            if self._noise_std > 0:
                dx, dy = self._rng.normal(0.0, self._noise_std, size=2)
                x, y = x + float(dx), y + float(dy)
            sx, sy, sz = obj.size
            detections.append(
                DetectedObject(obj.name, obj.kind, obj.color, (x, y, z), (sx, sy, sz))
            )
        return detections


@PERCEPTION.register("privileged")
def _privileged(world: World, *, seed: int = 0, **options: Any) -> Perception:
    if options:
        raise ConfigError(f"perception 'privileged' takes no options, got: {', '.join(options)}")
    return PrivilegedPerception(world.scene, 0.0, seed)


@PERCEPTION.register("noisy")
def _noisy(
    world: World, *, seed: int = 0, noise_std: float = DEFAULT_NOISE_STD, **options: Any
) -> Perception:
    if options:
        raise ConfigError(f"perception 'noisy' takes only noise_std, got: {', '.join(options)}")
    if not (isinstance(noise_std, (int, float)) and 0 <= noise_std <= 0.1):
        raise ConfigError(f"noise_std must be a number of metres in [0, 0.1], got {noise_std!r}")
    return PrivilegedPerception(world.scene, float(noise_std), seed)


def make_perception(kind: str, world: World, *, seed: int = 0, **options: Any) -> Perception:
    """Perception of kind ``kind`` for ``world``, seeded.

    Raises:
        ConfigError: unknown kind (naming the known ones) or bad options.
    """
    return PERCEPTION.get(kind)(world, seed=seed, **options)


def perceived_scene(detections: list[DetectedObject], state: RobotState) -> SceneState:
    """The scene as perception and the robot see it (what prompts and feedback describe)."""
    objects = {d.name: ObjectState(d.name, d.kind, d.color, d.position, d.size) for d in detections}
    return SceneState(
        objects=objects,
        gripper_position=state.tcp,
        gripper_opening=state.gripper_opening,
        held=state.held,
        sim_time=state.sim_time,
    )


def _camera_kind(kind: str) -> PerceptionFactory:
    """A camera-based kind of :mod:`codepolicy.primitives.perception_kinds` as a registry entry
    (options: ``width``, ``height``, ``shadows`` of the camera rig)."""

    def factory(world: World, *, seed: int = 0, **options: Any) -> Perception:
        from codepolicy.primitives.perception_kinds import make_perception as make_kind
        from codepolicy.primitives.perception_kinds import rig_from_options

        try:
            scene: Any = world.scene
            return make_kind(kind, scene, seed=seed, rig=rig_from_options(kind, options))
        except ValueError as exc:  # PerceptionUnavailable, bad options
            raise ConfigError(str(exc)) from None

    return factory


for _kind in ("mask", "camera", "aruco"):
    PERCEPTION.register(_kind, _camera_kind(_kind))
