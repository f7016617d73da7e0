"""Caption bars drawn on video frames: the instruction at the top, the current step at the bottom."""

from __future__ import annotations

import textwrap

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_SIMPLEX


def _fit(text: str, width: int, scale: float) -> list[str]:
    """Wrap ``text`` into at most two lines that fit ``width`` pixels (the last one shortened)."""
    (char_w, _), _ = cv2.getTextSize("n", FONT, scale, 1)
    per_line = max(10, int((width - 16) / max(char_w, 1)))
    lines = textwrap.wrap(text, per_line) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), per_line, placeholder=" ...")]
    return lines


def _bar(
    image: np.ndarray, lines: list[str], top: bool, scale: float, tint: tuple[int, ...]
) -> None:
    h = image.shape[0]
    (_, line_h), base = cv2.getTextSize("Ag", FONT, scale, 1)
    step = line_h + base + 4
    bar_h = step * len(lines) + 8
    y0 = 0 if top else h - bar_h
    region = image[y0 : y0 + bar_h].astype(np.float32)
    region = region * 0.35 + np.asarray(tint, dtype=np.float32) * 0.65
    image[y0 : y0 + bar_h] = region.astype(np.uint8)
    for i, line in enumerate(lines):
        y = y0 + 4 + line_h + i * step
        cv2.putText(image, line, (8, y), FONT, scale, (255, 255, 255), 1, cv2.LINE_AA)


def caption(image: np.ndarray, instruction: str | None, step: str | None) -> np.ndarray:
    """A copy of ``image`` with the instruction on a dark bar at the top and ``step`` at the bottom.

    Example:
        >>> frame = np.zeros((240, 320, 3), dtype=np.uint8)
        >>> out = caption(frame, "put the red block in the green bowl", "step 1: grasp('red block')")
        >>> out.shape, bool(out[2:20].any()), bool(frame.any())
        ((240, 320, 3), True, False)
    """
    out = np.ascontiguousarray(image[..., :3], dtype=np.uint8).copy()
    w = out.shape[1]
    scale = 0.5 * w / 640
    if instruction:
        _bar(out, _fit(instruction, w, scale), True, scale, (25, 35, 60))
    if step:
        _bar(out, _fit(step, w, scale), False, scale, (20, 20, 20))
    return out
