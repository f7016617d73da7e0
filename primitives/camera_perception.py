"""Perception from rendered RGB-D cameras: ``camera`` (colour segmentation) and ``mask`` (perfect masks).

Both render every perception camera, back-project each pixel's depth to a metric 3-D point with the
camera's real intrinsics and extrinsics, and fit the known object models to the points
(:mod:`codepolicy.primitives.object_fit`). They differ only in how pixels are assigned to objects:

* :class:`CameraPerception` labels pixels by colour (:mod:`codepolicy.primitives.color_classes`),
  splits each colour into spatially connected clusters and decides from shape and depth profile
  whether a cluster is a block, a bowl, or a block in a bowl of its own colour. It sees what the
  cameras see: an object hidden from every camera is not detected.
* :class:`MaskPerception` takes the simulator's segmentation buffer instead (which object each pixel
  shows): perfect masks with real geometry, the tier between privileged and camera perception.

Neither reads object poses from the simulator. They take what they need explicitly: a function that
renders a camera, so any scene that can render (the PyBullet world, a recorded dataset, a real rig)
can serve them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from codepolicy.envs.backend import CameraFrame
from codepolicy.envs.camera import PERCEPTION_CAMERAS, CameraSpec, SegmentedFrame, back_project
from codepolicy.envs.frame import COLORS, object_name
from codepolicy.primitives.color_classes import ColorClassifier
from codepolicy.primitives.object_fit import Fit, Points, clusters, fit_block, fit_bowl, fit_cluster
from codepolicy.primitives.perception import DetectedObject

K = TypeVar("K")

FrameRenderer = Callable[..., CameraFrame]
"""``render(spec, width, height, *, shadows)``: one camera's RGB, metric depth and camera model."""
SegmentedRenderer = Callable[..., SegmentedFrame]
"""``render(spec, width, height, *, shadows)``: the same with the simulator's per-pixel labels."""

TABLE_REGION = ((-0.65, 0.65), (-1.15, 0.15))
"""x and y ranges (metres) where points can belong to objects: the table top."""
ABOVE_TABLE = 0.004
"""Points lower than this above the table are the table itself."""
HORIZONTAL_NZ = 0.97
"""A surface is horizontal where its normal's z component exceeds this."""


@dataclass(frozen=True)
class CameraRig:
    """The perception cameras, the resolution they are rendered at, and whether with shadows
    (colour segmentation ignores them; rendering them roughly doubles the render time)."""

    cameras: tuple[CameraSpec, ...] = PERCEPTION_CAMERAS
    width: int = 320
    height: int = 240
    shadows: bool = False


@dataclass
class Timing:
    """Wall time of the last :meth:`detect` call, seconds: rendering and everything after it."""

    render: float = 0.0
    process: float = 0.0
    calls: int = 0

    @property
    def total(self) -> float:
        """Render plus processing."""
        return self.render + self.process


@dataclass(frozen=True)
class SurfacePoints:
    """Per-pixel world points of one frame, whether each is horizontal, and which are usable."""

    xyz: np.ndarray
    horizontal: np.ndarray
    valid: np.ndarray


def surface_points(frame: CameraFrame, far: float) -> SurfacePoints:
    """Back-project ``frame`` and find the pixels that can belong to objects.

    The table plane (z = 0) is re-estimated from the frame's own table pixels and any small offset
    is removed, as a real camera's extrinsics are refined against the table.
    """
    xyz = back_project(frame)
    (x0, x1), (y0, y1) = TABLE_REGION
    on_table = (xyz[..., 0] > x0) & (xyz[..., 0] < x1) & (xyz[..., 1] > y0) & (xyz[..., 1] < y1)
    table = on_table & (np.abs(xyz[..., 2]) < 0.003)
    if int(table.sum()) > 100:
        xyz[..., 2] -= float(np.median(xyz[..., 2][table]))
    du = np.zeros_like(xyz)
    dv = np.zeros_like(xyz)
    du[:, 1:-1] = xyz[:, 2:] - xyz[:, :-2]
    dv[1:-1, :] = xyz[2:, :] - xyz[:-2, :]
    normal = np.cross(du, dv)
    norm = np.linalg.norm(normal, axis=-1)
    horizontal = np.abs(normal[..., 2]) > HORIZONTAL_NZ * np.maximum(norm, 1e-12)
    valid = on_table & (xyz[..., 2] > ABOVE_TABLE) & (frame.depth < 0.999 * far)
    return SurfacePoints(xyz, horizontal & (norm > 0), valid)


def _detection(color: str, fit: Fit) -> DetectedObject:
    return DetectedObject(
        name=object_name(color, fit.kind),
        kind=fit.kind,
        color=color,
        position=fit.position,
        size=fit.size,
        confidence=round(fit.confidence, 3),
    )


def _ordered(found: dict[str, tuple[DetectedObject, int]]) -> list[DetectedObject]:
    colours = list(COLORS)

    def key(item: DetectedObject) -> tuple[int, int, str]:
        rank = colours.index(item.color) if item.color in colours else len(colours)
        return (0 if item.kind == "block" else 1, rank, item.name)

    return sorted((d for d, _ in found.values()), key=key)


def _keep_best(found: dict[str, tuple[DetectedObject, int]], det: DetectedObject, n: int) -> None:
    """Keep one detection per name: the one backed by more evidence."""
    old = found.get(det.name)
    if old is None or n * det.confidence > old[1] * old[0].confidence:
        found[det.name] = (det, n)


@dataclass
class CameraPerception:
    """Detect blocks and bowls by colour in rendered RGB-D images.

    Args:
        render: Renders one perception camera (e.g. ``TabletopWorld.render_camera``).
        rig: Which cameras, at which resolution.
        classifier: Pixel colour classifier (the ten tabletop colours by default).
        min_confidence: Detections less confident than this are dropped.
        scene_key: Optional: returns a value that changes whenever anything in the scene may have
            moved (the simulator's state bytes); while it stays equal, :meth:`detect` answers from
            its last images instead of rendering again.

    Example:
        >>> from codepolicy.envs.world import TabletopWorld
        >>> from codepolicy.envs.backend import ObjectSpawn
        >>> world = TabletopWorld()
        >>> _ = world.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
        >>> [(d.name, round(d.position[0], 2)) for d in CameraPerception(world.render_camera).detect()]
        [('red block', 0.1)]
        >>> world.close()
    """

    render: FrameRenderer
    rig: CameraRig = field(default_factory=CameraRig)
    classifier: ColorClassifier = field(default_factory=ColorClassifier.for_palette)
    min_confidence: float = 0.05
    timing: Timing = field(default_factory=Timing)
    scene_key: Callable[[], object] | None = None
    _cache: tuple[object, list[DetectedObject]] | None = field(default=None, repr=False)

    def detect(self) -> list[DetectedObject]:
        """Every block and bowl some camera sees, with a confidence, in a stable order."""
        return _cached(self, self._detect_now)

    def _detect_now(self) -> list[DetectedObject]:
        rig = self.rig
        by_color: dict[int, list[Points]] = {}
        render_s = process_s = 0.0
        for index, spec in enumerate(rig.cameras):
            t0 = time.perf_counter()
            frame = self.render(spec, rig.width, rig.height, shadows=rig.shadows)
            t1 = time.perf_counter()
            surface = surface_points(frame, spec.far)
            labels = np.full(surface.valid.shape, -1, dtype=np.int64)
            labels[surface.valid] = self.classifier.classify_pixels(frame.rgb[surface.valid])
            _group_points(surface, labels, index, int, by_color)
            render_s += t1 - t0
            process_s += time.perf_counter() - t1
        t2 = time.perf_counter()
        found: dict[str, tuple[DetectedObject, int]] = {}
        for label, parts in by_color.items():
            color = self.classifier.names[label]
            for cluster in clusters(Points.concat(parts)):
                for fit in fit_cluster(cluster):
                    if fit.confidence >= self.min_confidence:
                        _keep_best(found, _detection(color, fit), fit.n_points)
        process_s += time.perf_counter() - t2
        self.timing = Timing(render_s, process_s, self.timing.calls + 1)
        return _ordered(found)


@dataclass
class MaskPerception:
    """Detect objects from the simulator's segmentation masks, with geometry from rendered depth.

    Args:
        render: Renders one perception camera with per-pixel object labels
            (e.g. ``TabletopWorld.render_segmented``).
        rig: Which cameras, at which resolution.
        scene_key: As for :class:`CameraPerception`.
    """

    render: SegmentedRenderer
    rig: CameraRig = field(default_factory=CameraRig)
    timing: Timing = field(default_factory=Timing)
    scene_key: Callable[[], object] | None = None
    _cache: tuple[object, list[DetectedObject]] | None = field(default=None, repr=False)

    def detect(self) -> list[DetectedObject]:
        """Every object some camera sees, in a stable order."""
        return _cached(self, self._detect_now)

    def _detect_now(self) -> list[DetectedObject]:
        rig = self.rig
        per_object: dict[tuple[str, str, str], list[Points]] = {}
        render_s = process_s = 0.0
        for index, spec in enumerate(rig.cameras):
            t0 = time.perf_counter()
            seg = self.render(spec, rig.width, rig.height, shadows=rig.shadows)
            t1 = time.perf_counter()
            surface = surface_points(seg.frame, spec.far)
            labels = np.where(surface.valid, seg.labels, -1)
            _group_points(surface, labels, index, seg.objects.__getitem__, per_object)
            render_s += t1 - t0
            process_s += time.perf_counter() - t1
        t2 = time.perf_counter()
        found: dict[str, tuple[DetectedObject, int]] = {}
        for (name, kind, color), parts in per_object.items():
            points = _largest(Points.concat(parts))
            if points is None:
                continue
            fit = fit_block(points) if kind == "block" else fit_bowl(points)
            det = _detection(color, fit)
            found[name] = (
                DetectedObject(name, kind, color, det.position, det.size, det.confidence),
                fit.n_points,
            )
        process_s += time.perf_counter() - t2
        self.timing = Timing(render_s, process_s, self.timing.calls + 1)
        return _ordered(found)


def _group_points(
    surface: SurfacePoints,
    labels: np.ndarray,
    camera: int,
    key: Callable[[int], K],
    groups: dict[K, list[Points]],
) -> None:
    """Add the surface points of each label (``-1``: none) to ``groups[key(label)]``."""
    for label in np.unique(labels[labels >= 0]):
        mask = labels == label
        groups.setdefault(key(int(label)), []).append(
            Points(surface.xyz[mask], surface.horizontal[mask], np.full(int(mask.sum()), camera))
        )


def _cached(
    perception: CameraPerception | MaskPerception,
    compute: Callable[[], list[DetectedObject]],
) -> list[DetectedObject]:
    """``compute()``, or the last answer when the scene key says nothing has changed since."""
    key = perception.scene_key() if perception.scene_key is not None else None
    cache = perception._cache
    if key is not None and cache is not None and cache[0] == key:
        perception.timing = Timing(0.0, 0.0, perception.timing.calls + 1)
        return list(cache[1])
    found = compute()
    if key is not None:
        perception._cache = (key, found)
    return list(found)


def _largest(points: Points) -> Points | None:
    """The biggest spatially connected part of an object's points (drops specks seen past edges)."""
    groups: Sequence[Points] = clusters(points)
    return max(groups, key=len) if groups else None
