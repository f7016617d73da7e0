"""Cheap snapshots of a world during an episode, turned into pictures only when a video is kept.

Rendering a frame with PyBullet's TinyRenderer costs ~80 ms at 480x360; reading every body's pose
costs well under a millisecond. So a recorder keeps poses while the episode runs and renders them
afterwards, and only for videos it keeps (``bench --video failures`` discards successes unrendered).

Two kinds of snapshot source:

* :class:`PoseSource` for the PyBullet tabletop: joint angles and body poses, replayed into the same
  client at render time (its state is saved and restored around the replay).
* :class:`SceneSource` for any other backend with ``observe()`` (the kinematic world, adapters): the
  :class:`~codepolicy.envs.state.SceneState`, drawn as a labelled schematic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from codepolicy.envs.camera import VIDEO_CAMERA, CameraSpec, render
from codepolicy.envs.state import SceneState


@dataclass(frozen=True)
class Snapshot:
    """One instant of an episode.

    Attributes:
        sim_time: The backend's clock (seconds since its last reset).
        n_objects: Objects in the scene (0: nothing worth showing yet).
        state: Source-specific data (poses, or a scene state).
    """

    sim_time: float
    n_objects: int
    state: Any


class SnapshotSource(Protocol):
    """Takes snapshots now and renders them later."""

    smooth: bool
    """Whether consecutive snapshots are far apart in time and need in-between frames."""

    def take(self) -> Snapshot:
        """A snapshot of the world now."""
        ...

    def render(self, snapshots: list[Snapshot], size: tuple[int, int]) -> list[np.ndarray]:
        """RGB uint8 images (height x width x 3) of ``snapshots``, in order."""
        ...


class PoseSource:
    """Snapshots of a :class:`~codepolicy.envs.world.TabletopWorld` as raw joint and body poses.

    Args:
        world: The world to read; it must still hold the same bodies when :meth:`render` runs.
        camera: The camera the frames are rendered with.
    """

    smooth = False

    def __init__(self, world: Any, camera: CameraSpec = VIDEO_CAMERA) -> None:
        self.world = world
        self.camera = camera

    def take(self) -> Snapshot:
        """Every object's base pose and every robot joint's angle."""
        pb, world = self.world.client, self.world
        bodies = []
        for name in world.names:
            body = world.body_id(name)
            pos, orn = pb.getBasePositionAndOrientation(body)
            bodies.append((body, (*pos, *orn)))
        robot = world.robot.body
        joints = [s[0] for s in pb.getJointStates(robot, range(pb.getNumJoints(robot)))]
        return Snapshot(world.sim_time, len(bodies), (robot, tuple(joints), tuple(bodies)))

    def render(self, snapshots: list[Snapshot], size: tuple[int, int]) -> list[np.ndarray]:
        """Replay each snapshot's poses and render it; the world is left exactly as it was."""
        pb = self.world.client
        saved = pb.saveState()
        images = []
        try:
            n_bodies = pb.getNumBodies()
            for snap in snapshots:
                robot, joints, bodies = snap.state
                for j, angle in enumerate(joints):
                    pb.resetJointState(robot, j, angle)
                for body, pose in bodies:
                    if body < n_bodies:
                        pb.resetBasePositionAndOrientation(body, pose[:3], pose[3:])
                images.append(render(pb, self.camera, size[0], size[1]).rgb)
        finally:
            pb.restoreState(saved)
            pb.removeState(saved)
        return images


class SceneSource:
    """Snapshots of any backend with ``observe()``, drawn as a labelled top-down schematic.

    Args:
        backend: Anything with ``observe() -> SceneState``.
    """

    smooth = True

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def take(self) -> Snapshot:
        """The observed scene."""
        scene: SceneState = self.backend.observe()
        return Snapshot(scene.sim_time, len(scene.objects), scene)

    def render(self, snapshots: list[Snapshot], size: tuple[int, int]) -> list[np.ndarray]:
        """The schematic of each scene."""
        from codepolicy.runner.schematic import draw_scene

        return [draw_scene(s.state, size) for s in snapshots]


def source_for(backend: Any, camera: CameraSpec = VIDEO_CAMERA) -> SnapshotSource:
    """The cheapest faithful snapshot source for ``backend``.

    A backend holding a PyBullet tabletop (``backend.world``) is replayed and rendered with the
    video camera; any other backend is drawn from what it observes.
    """
    from codepolicy.envs.world import TabletopWorld

    world = getattr(backend, "world", None)
    if isinstance(world, TabletopWorld):
        return PoseSource(world, camera)
    return SceneSource(backend)


def interpolate(a: SceneState, b: SceneState, t: float) -> SceneState:
    """The scene a fraction ``t`` of the way from ``a`` to ``b`` (objects and gripper move linearly).

    Objects only in ``b`` appear at once; what is held follows ``b``.
    """
    from dataclasses import replace

    def mix(p: tuple[float, ...], q: tuple[float, ...]) -> tuple[float, float, float]:
        v = [pi + (qi - pi) * t for pi, qi in zip(p, q, strict=True)]
        return (v[0], v[1], v[2])

    objects = {}
    for name, obj in b.objects.items():
        start = a.objects.get(name)
        objects[name] = obj if start is None else obj.moved_to(mix(start.position, obj.position))
    return replace(
        b,
        objects=objects,
        gripper_position=mix(a.gripper_position, b.gripper_position),
        gripper_opening=a.gripper_opening + (b.gripper_opening - a.gripper_opening) * t,
        held=a.held if t < 1.0 else b.held,
        sim_time=a.sim_time + (b.sim_time - a.sim_time) * t,
    )
