"""From labelled 3-D surface points to metric object poses: blocks, bowls, and both at once.

Points come from back-projected depth of several cameras (see :mod:`codepolicy.envs.camera`), each with
a flag saying whether the surface there is horizontal. The fits use what the objects are known to be:

* A **block** is a 4 cm cube standing on something. Its vertical faces project onto the edges of its
  footprint, so the minimum-area rectangle around every visible point's xy is the footprint, even when
  the top is hidden (the lower block of a stack) or the bottom is hidden (a block in a bowl). Its
  centre is 2 cm below the highest point seen.
* A **bowl** is a round rim 14 cm across. The convex hull of its points lies on the rim; a circle of
  the known radius fitted to the hull (dropping hull points far inside it, which an occluder cuts
  off) gives the centre.
* **Which is which**: a bowl is wider than any block, and it has a low horizontal floor inside its
  rim; a block has none. A block in a bowl of its own colour shows as points well inside the rim
  and high above the floor (the flared inner wall is farther out); a block touching the bowl from
  outside as points beyond the rim. Neither moves the rim's hull, so the bowl is fitted first and
  they are split off by their distance from its centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from codepolicy.envs.frame import BLOCK_SIZE, BOWL_DIAMETER, BOWL_HEIGHT

CELL = 0.005
"""Raster cell for clustering points in the table plane, metres."""
GRID_ORIGIN = (-0.7, -1.2)
GRID_SHAPE = (280, 280)
"""Rows (y) and columns (x) of the clustering raster: 1.4 m x 1.4 m around the workspace."""
MIN_POINTS = 12
"""Fewer points than this (over all cameras) are not an object."""
BLOCK_MAX_SIDE = 0.075
"""A cluster whose footprint is longer than this is not a single block."""
BOWL_MIN_SIDE = 0.09
"""A cluster whose footprint is at least this long contains a bowl."""
FLOOR_MAX_Z = 0.02
"""Horizontal points below this height inside a cluster are a bowl's floor."""
INNER_RADIUS = 0.052
"""Points of a bowl's colour this close to its centre and above its floor are a block in it (the
flared inner wall is farther out at every height above the floor)."""
RIM_BAND = 0.012
"""A bowl's rim is fitted to its points at most this far below its highest point (the floor and the
lower walls are inside the rim and only blur the hull)."""
IN_BOWL_MIN_Z = 0.025
"""Only points above this height inside a bowl are taken for a block in it (well above the floor)."""
BLOCK_IN_BOWL_MIN_TOP = 0.035
"""A block in a bowl reaches at least this high (its top is ~4.6 cm; the floor 0.6 cm)."""


@dataclass(frozen=True)
class Points:
    """Labelled surface points of one object or cluster.

    Attributes:
        xyz: N x 3 world points, metres.
        horizontal: N booleans: the surface normal there is (nearly) vertical.
        camera: N camera indices (which view saw the point).
    """

    xyz: np.ndarray
    horizontal: np.ndarray
    camera: np.ndarray

    def __len__(self) -> int:
        return int(self.xyz.shape[0])

    def take(self, keep: np.ndarray) -> Points:
        """The subset selected by a boolean mask or index array."""
        return Points(self.xyz[keep], self.horizontal[keep], self.camera[keep])

    @staticmethod
    def concat(parts: list[Points]) -> Points:
        """All points of several sets."""
        if not parts:
            return Points(np.zeros((0, 3)), np.zeros(0, bool), np.zeros(0, np.int64))
        return Points(
            np.concatenate([p.xyz for p in parts]),
            np.concatenate([p.horizontal for p in parts]),
            np.concatenate([p.camera for p in parts]),
        )


@dataclass(frozen=True)
class Fit:
    """One fitted object.

    Attributes:
        kind: ``"block"`` or ``"bowl"``.
        position: Centre of the object's bounding box, metres.
        size: Extent along x, y, z, metres (the known model's, turned by the fitted yaw).
        confidence: In [0, 1]: how well the points agree with the model and how many views saw it.
        n_points: Points the fit used.
    """

    kind: str
    position: tuple[float, float, float]
    size: tuple[float, float, float]
    confidence: float
    n_points: int


def clusters(points: Points) -> list[Points]:
    """Split points into spatially connected groups (gaps under ~1 cm in the table plane join)."""
    if len(points) == 0:
        return []
    col = np.floor((points.xyz[:, 0] - GRID_ORIGIN[0]) / CELL).astype(np.int64)
    row = np.floor((points.xyz[:, 1] - GRID_ORIGIN[1]) / CELL).astype(np.int64)
    inside = (row >= 0) & (row < GRID_SHAPE[0]) & (col >= 0) & (col < GRID_SHAPE[1])
    occupied = np.zeros(GRID_SHAPE, np.uint8)
    occupied[row[inside], col[inside]] = 1
    joined = cv2.dilate(occupied, np.ones((3, 3), np.uint8))
    _, labels = cv2.connectedComponents(joined, connectivity=8)
    point_label = np.where(
        inside, labels[row.clip(0, GRID_SHAPE[0] - 1), col.clip(0, GRID_SHAPE[1] - 1)], 0
    )
    groups = []
    for label in np.unique(point_label[point_label > 0]):
        group = points.take(point_label == label)
        if len(group) >= MIN_POINTS:
            groups.append(group)
    return groups


def _rect(xy: np.ndarray) -> tuple[tuple[float, float], tuple[float, float], float]:
    (cx, cy), (w, h), angle = cv2.minAreaRect(xy.astype(np.float32))
    return (float(cx), float(cy)), (float(w), float(h)), float(angle)


def _in_rect(
    xy: np.ndarray, center: tuple[float, float], size: tuple[float, float], angle: float
) -> np.ndarray:
    """Which points lie inside the rotated rectangle (OpenCV's minAreaRect convention)."""
    a = math.radians(angle)
    axes = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    local = (xy - np.asarray(center)) @ axes.T
    return np.asarray((np.abs(local[:, 0]) <= size[0] / 2) & (np.abs(local[:, 1]) <= size[1] / 2))


def _views(points: Points) -> int:
    return len(np.unique(points.camera))


def _top(points: Points) -> float:
    """Height of the highest surface seen (robust to a stray point)."""
    z = points.xyz[:, 2]
    return float(np.percentile(z, 98)) if len(z) >= 50 else float(z.max())


def fit_block(points: Points) -> Fit:
    """Fit a 4 cm cube to the points (see the module doc)."""
    (cx, cy), (w, h), angle = _rect(points.xyz[:, :2])
    top = _top(points)
    yaw = math.radians(angle)
    c, s = abs(math.cos(yaw)), abs(math.sin(yaw))
    half = BLOCK_SIZE / 2
    size = (BLOCK_SIZE * (c + s), BLOCK_SIZE * (c + s), BLOCK_SIZE)
    shape_error = max(abs(w - BLOCK_SIZE), abs(h - BLOCK_SIZE))
    confidence = math.exp(-max(0.0, shape_error - 0.004) / 0.01) * min(1.0, _views(points) / 2)
    return Fit("block", (cx, cy, top - half), size, confidence, len(points))


def _circle_fixed_radius(xy: np.ndarray, radius: float, start: np.ndarray) -> np.ndarray:
    """Least-squares centre of a circle of known ``radius`` through ``xy`` (Gauss-Newton)."""
    center = start.astype(np.float64)
    for _ in range(20):
        delta = xy - center
        dist = np.maximum(np.linalg.norm(delta, axis=1), 1e-9)
        residual = dist - radius
        jac = -delta / dist[:, None]
        step, *_ = np.linalg.lstsq(jac, -residual, rcond=None)
        center = center + step
        if float(np.linalg.norm(step)) < 1e-6:
            break
    return center


def fit_bowl(points: Points) -> Fit:
    """Fit a bowl's rim circle to the points (see the module doc)."""
    radius = BOWL_DIAMETER / 2
    top = _top(points)
    high = points.xyz[:, 2] >= top - RIM_BAND
    xy = points.xyz[high if high.sum() >= 3 else slice(None), :2].astype(np.float64)
    center = xy.mean(axis=0)
    used = xy
    for tolerance in (0.015, 0.008, 0.005, 0.005):
        near = np.linalg.norm(xy - center, axis=1) <= radius + tolerance
        used = xy[near] if near.sum() >= 3 else xy
        hull = cv2.convexHull(used.astype(np.float32)).reshape(-1, 2).astype(np.float64)
        rim = hull[np.abs(np.linalg.norm(hull - center, axis=1) - radius) <= tolerance]
        if len(rim) < 3:
            rim = hull
        center = _circle_fixed_radius(rim, radius, center)
    bottom = max(0.0, top - BOWL_HEIGHT)
    dist = np.linalg.norm(used - center, axis=1)
    spread = float(np.percentile(dist, 99)) if len(dist) else 0.0
    shape_error = abs(spread - radius)
    confidence = math.exp(-max(0.0, shape_error - 0.005) / 0.01) * min(1.0, _views(points) / 2)
    return Fit(
        "bowl",
        (float(center[0]), float(center[1]), bottom + BOWL_HEIGHT / 2),
        (BOWL_DIAMETER, BOWL_DIAMETER, BOWL_HEIGHT),
        confidence,
        len(used),
    )


def _has_floor(points: Points) -> bool:
    low = points.horizontal & (points.xyz[:, 2] < FLOOR_MAX_Z)
    return int(low.sum()) >= MIN_POINTS


def _split_bowl(points: Points) -> list[Fit]:
    """A bowl-sized cluster: the bowl, a block inside it, and blocks touching it from outside."""
    bowl = fit_bowl(points)
    xy = points.xyz[:, :2]
    z = points.xyz[:, 2]
    r = np.linalg.norm(xy - np.asarray(bowl.position[:2]), axis=1)
    fits = []
    inside = points.take((r < INNER_RADIUS) & (z > IN_BOWL_MIN_Z))
    if len(inside) >= 2 * MIN_POINTS and float(inside.xyz[:, 2].max()) > BLOCK_IN_BOWL_MIN_TOP:
        fits.append(fit_block(inside))
    outside = points.take(r > BOWL_DIAMETER / 2 + 0.012)
    for group in clusters(outside):
        if len(group) >= 2 * MIN_POINTS:
            fits.append(fit_block(group))
    rim = points.take((r <= BOWL_DIAMETER / 2 + 0.012) & ((r >= INNER_RADIUS) | (z <= FLOOR_MAX_Z)))
    fits.append(fit_bowl(rim) if len(rim) >= MIN_POINTS else bowl)
    return fits


def fit_cluster(points: Points, kind: str | None = None) -> list[Fit]:
    """Fit the objects of one colour cluster: a block, a bowl, or a bowl and a block.

    Args:
        points: One spatially connected cluster of one colour.
        kind: The kind when it is known (perfect masks); None to decide from shape and depth.
    """
    _, (w, h), _ = _rect(points.xyz[:, :2])
    longest = max(w, h)
    if kind == "block" or (kind is None and longest <= BLOCK_MAX_SIDE and not _has_floor(points)):
        return [fit_block(points)]
    if kind is None and longest < BOWL_MIN_SIDE and not _has_floor(points):
        return [fit_block(points)]
    if kind is None:
        return _split_bowl(points)
    return [fit_bowl(points)]
