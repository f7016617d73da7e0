"""A fixed pinhole camera looking at the workspace, rendered with PyBullet's TinyRenderer.

The camera stands in front of the table (beyond the workspace's far edge, y < -0.8), high up, and
looks down at the middle of the workspace, like Code as Policies' top-down-ish view. The robot sits
behind the workspace, so a high gripper projects onto the table *beyond* the workspace and hides
little.

Depth is metric: distance along the optical axis, recovered from the OpenGL depth buffer with the
near/far planes. Intrinsics are the usual 3x3 ``K``; extrinsics are world-from-camera 4x4 in the
OpenCV convention (x right, y down, z forward).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from codepolicy.envs.backend import CameraFrame


@dataclass(frozen=True)
class CameraSpec:
    """Where the camera is and how it sees.

    Attributes:
        eye: Camera position, metres.
        target: Point the optical axis passes through.
        up: World direction that appears up in the image.
        fov_y: Vertical field of view, degrees.
        near: Near clipping plane, metres.
        far: Far clipping plane, metres.
    """

    eye: tuple[float, float, float] = (0.0, -1.25, 0.75)
    target: tuple[float, float, float] = (0.0, -0.5, 0.0)
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)
    fov_y: float = 50.0
    near: float = 0.05
    far: float = 5.0


DEFAULT_CAMERA = CameraSpec()

VIDEO_CAMERA = CameraSpec(
    eye=(0.82, -1.78, 1.63),
    target=(0.0, -0.35, 0.25),
    fov_y=40.0,
)
"""The camera of episode videos: front-right, high, framing the whole workspace *and* the arm at
its home pose (the perception camera above crops the arm). Chosen by projecting the workspace
corners and every Panda link at home into a 4:3 image, keeping the top 12% and bottom 10% free
for the caption bars, and taking the pose at 30° azimuth / 40° elevation that shows the workspace
largest."""


def intrinsics(spec: CameraSpec, width: int, height: int) -> np.ndarray:
    """The 3x3 pinhole matrix of ``spec`` at ``width`` x ``height`` pixels (square pixels)."""
    fy = (height / 2) / math.tan(math.radians(spec.fov_y) / 2)
    return np.array([[fy, 0.0, width / 2], [0.0, fy, height / 2], [0.0, 0.0, 1.0]])


def extrinsics(spec: CameraSpec) -> np.ndarray:
    """World-from-camera transform (OpenCV axes: x right, y down, z forward)."""
    eye = np.asarray(spec.eye, dtype=float)
    forward = np.asarray(spec.target, dtype=float) - eye
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, np.asarray(spec.up, dtype=float))
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2], pose[:3, 3] = right, down, forward, eye
    return pose


def render(client: Any, spec: CameraSpec, width: int, height: int) -> CameraFrame:
    """Render ``spec`` in ``client`` with TinyRenderer: RGB uint8 and metric depth float32."""
    pb = client
    view = pb.computeViewMatrix(spec.eye, spec.target, spec.up)
    proj = pb.computeProjectionMatrixFOV(spec.fov_y, width / height, spec.near, spec.far)
    _, _, rgba, depth_buffer, _ = pb.getCameraImage(
        width,
        height,
        viewMatrix=view,
        projectionMatrix=proj,
        renderer=pb.ER_TINY_RENDERER,
        flags=pb.ER_NO_SEGMENTATION_MASK,
    )
    rgb = np.asarray(rgba, dtype=np.uint8).reshape(height, width, 4)[:, :, :3].copy()
    zbuf = np.asarray(depth_buffer, dtype=np.float64).reshape(height, width)
    depth = spec.far * spec.near / (spec.far - (spec.far - spec.near) * zbuf)
    return CameraFrame(
        rgb=rgb,
        depth=depth.astype(np.float32),
        intrinsics=intrinsics(spec, width, height),
        extrinsics=extrinsics(spec),
    )


PERCEPTION_CAMERAS: tuple[CameraSpec, ...] = (
    CameraSpec(eye=(-0.75, -1.15, 0.75), target=(0.0, -0.5, 0.0), fov_y=45.0, near=0.3, far=3.0),
    CameraSpec(eye=(0.75, -1.15, 0.75), target=(0.0, -0.5, 0.0), fov_y=45.0, near=0.3, far=3.0),
    CameraSpec(eye=(-0.8, 0.05, 0.8), target=(0.0, -0.5, 0.0), fov_y=45.0, near=0.3, far=3.0),
    CameraSpec(eye=(0.8, 0.05, 0.8), target=(0.0, -0.5, 0.0), fov_y=45.0, near=0.3, far=3.0),
)
"""Fixed cameras for perception, one at each corner of the table, high and looking at the middle of
the workspace: every vertical face of a block is seen by at least one of them, and the arm hides an
object from at most two. Tighter near/far planes than the video camera give finer depth."""

LIGHT_DIRECTION = (0.4, -0.6, 1.0)
"""Direction towards the light for perception renders (TinyRenderer casts shadows from it)."""


@dataclass(frozen=True)
class SegmentedFrame:
    """A camera frame with the simulator's segmentation buffer.

    Attributes:
        frame: RGB, metric depth and the camera model.
        labels: Per pixel, the index of the named object seen there in ``objects``, or -1 (table,
            robot, floor, nothing).
        objects: ``(name, kind, color)`` of every named object, indexed by ``labels``.
    """

    frame: CameraFrame
    labels: np.ndarray
    objects: tuple[tuple[str, str, str], ...]


def render_view(
    client: Any,
    spec: CameraSpec,
    width: int,
    height: int,
    *,
    shadows: bool = False,
    segmentation: bool = False,
) -> tuple[CameraFrame, np.ndarray | None]:
    """Render ``spec`` for perception: lit from :data:`LIGHT_DIRECTION`, optionally with shadows.

    Returns:
        The frame, and the raw segmentation buffer (PyBullet body id per pixel, -1 for none) when
        ``segmentation`` is set, else None.
    """
    pb = client
    view = pb.computeViewMatrix(spec.eye, spec.target, spec.up)
    proj = pb.computeProjectionMatrixFOV(spec.fov_y, width / height, spec.near, spec.far)
    flags = 0 if segmentation else pb.ER_NO_SEGMENTATION_MASK
    _, _, rgba, depth_buffer, seg = pb.getCameraImage(
        width,
        height,
        viewMatrix=view,
        projectionMatrix=proj,
        renderer=pb.ER_TINY_RENDERER,
        flags=flags,
        shadow=int(shadows),
        lightDirection=LIGHT_DIRECTION,
    )
    rgb = np.asarray(rgba, dtype=np.uint8).reshape(height, width, 4)[:, :, :3].copy()
    zbuf = np.asarray(depth_buffer, dtype=np.float64).reshape(height, width)
    depth = spec.far * spec.near / (spec.far - (spec.far - spec.near) * zbuf)
    frame = CameraFrame(
        rgb=rgb,
        depth=depth.astype(np.float32),
        intrinsics=intrinsics(spec, width, height),
        extrinsics=extrinsics(spec),
    )
    if not segmentation:
        return frame, None
    ids = np.asarray(seg, dtype=np.int64).reshape(height, width)
    body = np.where(ids >= 0, ids & ((1 << 24) - 1), -1)
    return frame, body


def back_project(frame: CameraFrame) -> np.ndarray:
    """World coordinates (H x W x 3, metres) of every pixel's surface point.

    Uses the pinhole model: pixel ``(u, v)``'s centre is at ``(u + 0.5, v + 0.5)``; depth is the
    distance along the optical axis.
    """
    height, width = frame.depth.shape
    k = frame.intrinsics
    u = (np.arange(width, dtype=np.float64) + 0.5 - k[0, 2]) / k[0, 0]
    v = (np.arange(height, dtype=np.float64) + 0.5 - k[1, 2]) / k[1, 1]
    z = frame.depth.astype(np.float64)
    cam = np.stack([u[None, :] * z, v[:, None] * z, z], axis=-1)
    pose = frame.extrinsics
    return np.asarray(cam @ pose[:3, :3].T + pose[:3, 3])
