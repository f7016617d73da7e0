"""A labelled top-down drawing of a scene, for videos of worlds without a renderer (kinematic).

The workspace is seen from above with the robot's side ("top") up, as in the instructions: left is
negative x. Every object carries its name; stacked blocks are drawn lowest first and slightly
offset so a tower shows its layers; the gripper is drawn as two fingers whose spread is the
opening; its height and what it holds are written under the table.
"""

from __future__ import annotations

import cv2
import numpy as np

from codepolicy.envs.frame import COLORS, LOCATIONS, WORKSPACE_X, WORKSPACE_Y
from codepolicy.envs.state import ObjectState, SceneState

TABLE = (214, 206, 188)
GRID = (196, 188, 170)
INK = (40, 40, 40)
FONT = cv2.FONT_HERSHEY_SIMPLEX
LAYER_SHIFT = 0.006
"""How far (metres, up-left) each block layer above the table is drawn from the one below."""


class _Canvas:
    """Maps table metres to pixels, leaving room for caption bars at the top and bottom."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.width, self.height = size
        top, bottom = 0.13 * self.height, 0.11 * self.height
        pad = 0.05
        self.x0, x1 = WORKSPACE_X[0] - pad, WORKSPACE_X[1] + pad
        y0, self.y1 = WORKSPACE_Y[0] - pad, WORKSPACE_Y[1] + pad
        self.scale = min(self.width / (x1 - self.x0), (self.height - top - bottom) / (self.y1 - y0))
        self.ox = (self.width - (x1 - self.x0) * self.scale) / 2
        self.oy = top
        self.image = np.full((self.height, self.width, 3), 235, dtype=np.uint8)

    def px(self, x: float, y: float) -> tuple[int, int]:
        return (
            round(self.ox + (x - self.x0) * self.scale),
            round(self.oy + (self.y1 - y) * self.scale),
        )

    def length(self, metres: float) -> int:
        return max(1, round(metres * self.scale))


def _rgb(color: str) -> tuple[int, int, int]:
    r, g, b, _ = COLORS.get(color, (0.5, 0.5, 0.5, 1.0))
    return (int(r * 255), int(g * 255), int(b * 255))


def _label(image: np.ndarray, text: str, at: tuple[int, int], scale: float) -> None:
    """Dark text with a light halo, centred on ``at``."""
    (w, h), _ = cv2.getTextSize(text, FONT, scale, 1)
    org = (int(at[0] - w / 2), int(at[1] + h / 2))
    cv2.putText(image, text, org, FONT, scale, (250, 250, 250), 3, cv2.LINE_AA)
    cv2.putText(image, text, org, FONT, scale, INK, 1, cv2.LINE_AA)


class _Labels:
    """Places labels next to their objects without covering one another (greedy, first fit)."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.taken: list[tuple[int, int, int, int]] = []

    def place(self, image: np.ndarray, text: str, anchor: tuple[int, int], reach: int) -> None:
        """Draw ``text`` below, above, right or left of ``anchor`` (``reach`` pixels away)."""
        (w, h), _ = cv2.getTextSize(text, FONT, self.scale, 1)
        ax, ay = anchor
        candidates = [
            (ax, ay + reach + h),
            (ax, ay - reach - h),
            (ax + reach + w // 2 + 4, ay),
            (ax - reach - w // 2 - 4, ay),
            (ax, ay + reach + 3 * h),
            (ax, ay - reach - 3 * h),
        ]
        for cx, cy in candidates:
            box = (cx - w // 2 - 2, cy - h // 2 - 2, cx + w // 2 + 2, cy + h // 2 + 2)
            if not any(_overlap(box, other) for other in self.taken):
                break
        self.taken.append(box)
        _label(image, text, (cx, cy), self.scale)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _draw_table(c: _Canvas) -> None:
    a, b = c.px(WORKSPACE_X[0], WORKSPACE_Y[1]), c.px(WORKSPACE_X[1], WORKSPACE_Y[0])
    cv2.rectangle(c.image, a, b, TABLE, thickness=-1)
    for x, y in LOCATIONS.values():
        cv2.drawMarker(c.image, c.px(x, y), GRID, cv2.MARKER_CROSS, c.length(0.03), 1)
    small = 0.38 * c.height / 480
    _label(c.image, "robot side (top)", (c.width // 2, max(8, a[1] - c.length(0.02))), small)


def _draw_object(c: _Canvas, obj: ObjectState) -> tuple[tuple[int, int], int]:
    color = _rgb(obj.color)
    if obj.kind == "bowl":
        centre = c.px(obj.position[0], obj.position[1])
        radius = c.length(obj.size[0] / 2)
        floor = tuple(int(v * 0.55 + 255 * 0.45) for v in color)
        cv2.circle(c.image, centre, radius, floor, thickness=-1, lineType=cv2.LINE_AA)
        cv2.circle(c.image, centre, radius, color, c.length(0.012), cv2.LINE_AA)
        return centre, radius
    layer = max(0.0, obj.bottom_z) / max(obj.size[2], 1e-6)
    shift = LAYER_SHIFT * round(layer)
    centre = c.px(obj.position[0] - shift, obj.position[1] + shift)
    half = c.length(obj.size[0] / 2)
    shadow = tuple(int(v * 0.6) for v in color)
    cv2.rectangle(
        c.image,
        (centre[0] - half + 2, centre[1] - half + 2),
        (centre[0] + half + 2, centre[1] + half + 2),
        shadow,
        -1,
    )
    cv2.rectangle(
        c.image,
        (centre[0] - half, centre[1] - half),
        (centre[0] + half, centre[1] + half),
        color,
        -1,
    )
    cv2.rectangle(
        c.image, (centre[0] - half, centre[1] - half), (centre[0] + half, centre[1] + half), INK, 1
    )
    return centre, half


def _draw_gripper(c: _Canvas, scene: SceneState, labels: _Labels) -> None:
    x, y, z = scene.gripper_position
    centre = c.px(x, y)
    spread = c.length(max(scene.gripper_opening, 0.004) / 2 + 0.006)
    finger = c.length(0.02)
    for side in (-1, 1):
        fx = centre[0] + side * spread
        cv2.line(c.image, (fx, centre[1] - finger), (fx, centre[1] + finger), INK, 3, cv2.LINE_AA)
    cv2.line(
        c.image,
        (centre[0] - spread, centre[1]),
        (centre[0] + spread, centre[1]),
        INK,
        1,
        cv2.LINE_AA,
    )
    text = f"gripper height {z:.2f} m" + (f", holding the {scene.held}" if scene.held else "")
    (w, h), _ = cv2.getTextSize(text, FONT, labels.scale, 1)
    corner = c.px(WORKSPACE_X[0], WORKSPACE_Y[0])
    _label(c.image, text, (corner[0] + w // 2, corner[1] + h + 6), labels.scale)


def draw_scene(scene: SceneState, size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """The scene from above with every object named and the gripper drawn.

    Args:
        scene: What to draw.
        size: (width, height) in pixels.

    Returns:
        RGB uint8 image, height x width x 3.

    Example:
        >>> from codepolicy.envs.state import ObjectState, SceneState
        >>> block = ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), (0.04, 0.04, 0.04))
        >>> draw_scene(SceneState(objects={block.name: block}), (320, 240)).shape
        (240, 320, 3)
    """
    c = _Canvas(size)
    _draw_table(c)
    labels = _Labels(0.4 * c.height / 480)
    anchors: list[tuple[str, tuple[int, int], int]] = []
    order = sorted(scene.objects.values(), key=lambda o: (o.kind != "bowl", o.bottom_z))
    for obj in order:
        anchors.append((obj.name, *_draw_object(c, obj)))
    _draw_gripper(c, scene, labels)
    for name, at, reach in reversed(anchors):  # blocks first: they sit on top
        labels.place(c.image, name, at, reach)
    return c.image
