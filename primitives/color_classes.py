"""Shading-invariant colour classification of camera pixels into the tabletop palette.

A diffuse surface lit by a white light, in sunlight or in shadow, reflects its albedo scaled by how
much light reaches it: the pixel is ``s * albedo`` for some brightness ``s``. Dividing a pixel by its
channel sum removes ``s`` and leaves its *chromaticity* ``(r, g) / (r + g + b)``, the same for the lit
side, the shaded side and the shadowed part of an object. Each pixel is labelled with the palette
colour whose chromaticity is nearest, if it is near enough; neutral references (white robot links,
the table) compete too, so near-grey pixels that belong to them are rejected rather than called
"gray".

Example:
    >>> import numpy as np
    >>> rgb = np.array([[[255, 87, 89], [128, 44, 45], [255, 255, 255]]], dtype=np.uint8)
    >>> classifier = ColorClassifier.for_palette()
    >>> [classifier.names[i] if i >= 0 else None for i in classifier.classify(rgb)[0]]
    ['red', 'red', None]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from codepolicy.envs.assets import TABLE_RGBA
from codepolicy.envs.frame import COLORS

NEUTRAL_REFERENCES: tuple[tuple[float, float, float], ...] = ((1.0, 1.0, 1.0), TABLE_RGBA[:3])
"""Albedos of things that are not objects but look nearly grey: white robot links, the table."""


def chromaticity(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(r, g)`` chromaticity (H x W x 2) and channel sum (H x W) of a uint8 or float image."""
    values = rgb.astype(np.float32)
    total = values.sum(axis=-1)
    chroma = values[..., :2] / np.maximum(total, 1.0)[..., None]
    return chroma, total


@dataclass(frozen=True)
class ColorClassifier:
    """Nearest-chromaticity classifier with a rejection distance.

    Attributes:
        names: Colour names, indexed by the labels :meth:`classify` returns.
        references: Chromaticity of each colour (N x 2).
        neutrals: Chromaticities that reject a pixel when they are nearest (M x 2).
        max_distance: Largest chromaticity distance a pixel may have to its colour; each colour
            also stays within half the distance to its nearest other reference. The rendered
            palette colours scatter by about 0.002; the closest pair (gray and the table) is 0.009
            apart.
        min_brightness: Darker pixels (channel sum) are left unlabelled: their chromaticity is too
            coarse after 8-bit quantisation.
    """

    names: tuple[str, ...]
    references: np.ndarray
    neutrals: np.ndarray
    max_distance: float = 0.012
    min_brightness: float = 45.0

    @classmethod
    def for_palette(
        cls,
        palette: Mapping[str, Sequence[float]] = COLORS,
        neutrals: Sequence[Sequence[float]] = NEUTRAL_REFERENCES,
    ) -> ColorClassifier:
        """A classifier for ``palette`` (name -> RGB(A) albedo in [0, 1])."""

        def chroma_of(rgb: Sequence[float]) -> list[float]:
            r, g, b = (float(v) for v in rgb[:3])
            total = r + g + b
            return [r / total, g / total]

        names = tuple(palette)
        refs = np.array([chroma_of(palette[n]) for n in names], dtype=np.float32)
        neutral = np.array([chroma_of(n) for n in neutrals], dtype=np.float32).reshape(-1, 2)
        return cls(names=names, references=refs, neutrals=neutral)

    def radii(self) -> np.ndarray:
        """Acceptance radius of each colour: ``max_distance`` or half the gap to its nearest
        other reference (another colour or a neutral), whichever is smaller."""
        others = np.concatenate([self.references, self.neutrals])
        gaps = np.linalg.norm(self.references[:, None, :] - others[None, :, :], axis=-1)
        gaps[np.arange(len(self.names)), np.arange(len(self.names))] = np.inf
        return np.asarray(np.minimum(self.max_distance, gaps.min(axis=1) / 2))

    def classify(self, rgb: np.ndarray) -> np.ndarray:
        """Label every pixel of an H x W x 3 image: index into :attr:`names`, or -1."""
        return self.classify_pixels(rgb.reshape(-1, 3)).reshape(rgb.shape[:2])

    def classify_pixels(self, pixels: np.ndarray) -> np.ndarray:
        """Label N x 3 pixels: index into :attr:`names`, or -1."""
        chroma, total = chromaticity(pixels)
        flat = chroma.reshape(-1, 2)
        dist = np.linalg.norm(flat[:, None, :] - self.references[None, :, :], axis=-1)
        best = dist.argmin(axis=1)
        best_dist = dist[np.arange(flat.shape[0]), best]
        ok = (best_dist <= self.radii()[best]) & (total.reshape(-1) >= self.min_brightness)
        if self.neutrals.size:
            neutral = np.linalg.norm(flat[:, None, :] - self.neutrals[None, :, :], axis=-1).min(1)
            ok &= neutral > best_dist
        return np.where(ok, best, -1).astype(np.int64)
