"""Colour classification is invariant to shading and rejects near-grey things that are not objects."""

from __future__ import annotations

import numpy as np
import pytest

from codepolicy.envs.assets import TABLE_RGBA
from codepolicy.envs.frame import COLORS
from codepolicy.primitives.color_classes import ColorClassifier


def _pixels(rgb: tuple[float, ...], scales: list[float]) -> np.ndarray:
    return np.array([[np.round(np.asarray(rgb[:3]) * 255 * s) for s in scales]], dtype=np.uint8)


@pytest.mark.parametrize("color", list(COLORS))
def test_every_palette_colour_is_recognised_lit_shaded_and_in_shadow(color: str) -> None:
    classifier = ColorClassifier.for_palette()
    scales = [1.0, 0.85, 0.6, 0.4, 0.3]  # full light down to ambient-only shadow
    labels = classifier.classify(_pixels(COLORS[color], scales))
    assert [classifier.names[i] for i in labels[0]] == [color] * len(scales)


@pytest.mark.parametrize("neutral", [(1.0, 1.0, 1.0), TABLE_RGBA[:3], (0.3, 0.3, 0.35)])
def test_robot_white_table_and_dark_grey_are_not_called_a_colour(neutral: tuple) -> None:
    classifier = ColorClassifier.for_palette()
    labels = classifier.classify(_pixels(neutral, [1.0, 0.7, 0.45]))
    assert (labels == -1).all()


def test_too_dark_pixels_are_left_unlabelled() -> None:
    classifier = ColorClassifier.for_palette()
    assert classifier.classify(_pixels(COLORS["red"], [0.05]))[0, 0] == -1


def test_gray_gets_a_narrow_radius_because_the_table_is_close() -> None:
    classifier = ColorClassifier.for_palette()
    radii = dict(zip(classifier.names, classifier.radii(), strict=True))
    assert radii["gray"] < radii["red"]
