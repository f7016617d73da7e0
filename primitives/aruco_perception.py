"""The ``aruco`` perception kind: blocks found by the ArUco markers on their tops.

This is how many real labs track objects: each block carries a printed marker
(:mod:`codepolicy.envs.marker_mesh`: 4x4 bits, ids by a fixed marker table), a few fixed cameras
look at the table, and a detector finds the markers' corners. Here every perception camera is
rendered, markers are detected with :class:`cv2.aruco.ArucoDetector` (sub-pixel corners), and
each marker's pose is estimated with :func:`cv2.solvePnP` (``SOLVEPNP_IPPE_SQUARE``, the real
intrinsics, the marker's printed size). A marker seen by two or more cameras is placed where the
rays through its centre meet (least squares), which is far more precise than one camera's
distance estimate from a 20-pixel square; seen by one camera, its solvePnP position is used. The
block's centre is half a block below the marker's centre. Ids outside the marker table are
ignored. Nothing but RGB images and the camera models is read: no depth, no masks, no poses.

Bowls carry no marker. They — and blocks whose marker no camera sees (the lower block of a stack,
a block in the gripper) — come from the colour-based ``camera`` kind run on the same world, when
a ``fallback`` perception is given (the registered kind does this); fallback detections of
blocks count half as confident. Without a fallback, bowls and unseen blocks are simply not seen.

Example:
    >>> from codepolicy.envs.world import TabletopWorld
    >>> from codepolicy.envs.backend import ObjectSpawn
    >>> world = TabletopWorld()
    >>> _ = world.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    >>> seen = ArucoPerception(world.render_camera, world.mark_blocks()).detect()
    >>> [(d.name, round(d.position[0], 2), round(d.position[1], 2)) for d in seen]
    [('red block', 0.1, -0.5)]
    >>> world.close()
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np

from codepolicy.envs.assets import BLOCK_SIZE
from codepolicy.envs.backend import CameraFrame
from codepolicy.envs.marker_mesh import ARUCO_DICTIONARY, MARKER_FRACTION, MarkedBlock
from codepolicy.primitives.camera_perception import CameraRig, FrameRenderer, Timing
from codepolicy.primitives.perception import DetectedObject, Perception

ARUCO_RIG = CameraRig(width=960, height=720)
"""The aruco kind's default cameras and resolution: a 3.2 cm marker is ~25 px across at 960x720
from the corner cameras (all markers of a test scene decode), at 640x480 about half are missed."""
MARKER_SIZE = MARKER_FRACTION * BLOCK_SIZE
"""Side of a printed marker's black square, metres."""
FALLBACK_CONFIDENCE = 0.5
"""Factor on the confidence of blocks that only the fallback perception found."""


@dataclass(frozen=True)
class MarkerView:
    """One marker as one camera saw it: its centre's viewing ray and its solvePnP position."""

    marker: int
    origin: np.ndarray
    direction: np.ndarray
    position: np.ndarray


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    dictionary = cv2.aruco.getPredefinedDictionary(ARUCO_DICTIONARY)
    return cv2.aruco.ArucoDetector(dictionary, params)


def _object_points() -> np.ndarray:
    h = MARKER_SIZE / 2  # corner order of the detector: top left, top right, bottom right, left
    return np.array([[-h, h, 0], [h, h, 0], [h, -h, 0], [-h, -h, 0]], dtype=np.float64)


def marker_views(frame: CameraFrame, detector: cv2.aruco.ArucoDetector) -> list[MarkerView]:
    """Every marker in ``frame``: its centre's ray and solvePnP position, in world coordinates."""
    gray = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2GRAY)
    corners, ids, _ = detector.detectMarkers(gray)
    if ids is None:
        return []
    k = np.array(frame.intrinsics, dtype=np.float64)
    k[0, 2] -= 0.5  # OpenCV puts pixel centres at integers; our camera model at half pixels
    k[1, 2] -= 0.5
    pose = np.asarray(frame.extrinsics, dtype=np.float64)
    eye = pose[:3, 3]
    views = []
    for quad, marker in zip(corners, ids.ravel(), strict=True):
        points = quad.reshape(4, 2).astype(np.float64)
        ok, _, tvec = cv2.solvePnP(
            _object_points(), points, k, None, flags=cv2.SOLVEPNP_IPPE_SQUARE
        )
        if not ok:
            continue
        centre_px = points.mean(axis=0)
        ray = np.linalg.solve(k, np.array([centre_px[0], centre_px[1], 1.0]))
        direction = pose[:3, :3] @ (ray / np.linalg.norm(ray))
        position = pose[:3, :3] @ tvec.ravel() + eye
        views.append(MarkerView(int(marker), eye, direction, position))
    return views


def triangulate(views: list[MarkerView]) -> np.ndarray:
    """The point nearest to every view's ray (least squares); one view: its solvePnP position."""
    if len(views) == 1:
        return views[0].position
    a = np.zeros((3, 3))
    b = np.zeros(3)
    for view in views:
        projector = np.eye(3) - np.outer(view.direction, view.direction)
        a += projector
        b += projector @ view.origin
    return np.asarray(np.linalg.lstsq(a, b, rcond=None)[0])


@dataclass
class ArucoPerception:
    """Detect marked blocks by their ArUco markers in rendered RGB images.

    Args:
        render: Renders one perception camera (e.g. ``TabletopWorld.render_camera``).
        markers: Marker id -> the block carrying it (``TabletopWorld.mark_blocks()``).
        rig: Which cameras, at which resolution (:data:`ARUCO_RIG` by default).
        fallback: Perception for bowls and for blocks no marker was seen of (None: not seen).
        scene_key: As for :class:`~codepolicy.primitives.camera_perception.CameraPerception`.
    """

    render: FrameRenderer
    markers: Mapping[int, MarkedBlock]
    rig: CameraRig = ARUCO_RIG
    fallback: Perception | None = None
    scene_key: Callable[[], object] | None = None
    timing: Timing = field(default_factory=Timing)
    _detector: cv2.aruco.ArucoDetector = field(default_factory=_detector, repr=False)
    _cache: tuple[object, list[DetectedObject]] | None = field(default=None, repr=False)

    def detect(self) -> list[DetectedObject]:
        """Every marked block some camera sees, then the fallback's bowls and missed blocks."""
        key = self.scene_key() if self.scene_key is not None else None
        if key is not None and self._cache is not None and self._cache[0] == key:
            self.timing = Timing(0.0, 0.0, self.timing.calls + 1)
            return list(self._cache[1])
        found = self._markers_seen()
        if self.fallback is not None:
            found += self._from_fallback({d.name for d in found})
        if key is not None:
            self._cache = (key, found)
        return list(found)

    def _markers_seen(self) -> list[DetectedObject]:
        by_marker: dict[int, list[MarkerView]] = {}
        render_s = process_s = 0.0
        for spec in self.rig.cameras:
            t0 = time.perf_counter()
            frame = self.render(spec, self.rig.width, self.rig.height, shadows=self.rig.shadows)
            t1 = time.perf_counter()
            for view in marker_views(frame, self._detector):
                if view.marker in self.markers:
                    by_marker.setdefault(view.marker, []).append(view)
            render_s += t1 - t0
            process_s += time.perf_counter() - t1
        found = []
        cameras = max(1, len(self.rig.cameras))
        for marker in sorted(by_marker):
            views = by_marker[marker]
            x, y, z = (float(v) for v in triangulate(views))
            block = self.markers[marker]
            found.append(
                DetectedObject(
                    name=block.name,
                    kind="block",
                    color=block.color,
                    position=(x, y, z - BLOCK_SIZE / 2),
                    size=(BLOCK_SIZE, BLOCK_SIZE, BLOCK_SIZE),
                    confidence=round(min(1.0, 0.5 + 0.5 * len(views) / cameras), 3),
                )
            )
        self.timing = Timing(render_s, process_s, self.timing.calls + 1)
        return found

    def _from_fallback(self, seen: set[str]) -> list[DetectedObject]:
        assert self.fallback is not None
        marked = {block.name for block in self.markers.values()}
        out = []
        for d in self.fallback.detect():
            if d.kind == "bowl" and d.name not in marked:
                out.append(d)
            elif d.kind == "block" and d.name in marked and d.name not in seen:
                confidence = round(d.confidence * FALLBACK_CONFIDENCE, 3)
                out.append(DetectedObject(d.name, d.kind, d.color, d.position, d.size, confidence))
        return out
