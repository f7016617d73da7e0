"""Scoring detections against ground truth: matches, misses, false detections, errors, confusions.

A ground-truth object is *found* when a detection of the same kind lies within
:data:`MATCH_RADIUS` of it (in 3-D, so the blocks of a stack are told apart); the nearest such
detection is its match (each detection matches at most one object). A match with the wrong colour
is a colour confusion: that object is missed and the detection is a false one, since recall and
precision are by name (colour and kind), the way a program asks for objects.

Example:
    >>> from codepolicy.envs.state import ObjectState, SceneState
    >>> from codepolicy.primitives.perception import DetectedObject
    >>> red = ObjectState("red block", "block", "red", (0, -0.5, 0.02), (0.04,) * 3)
    >>> truth = SceneState({"red block": red})
    >>> seen = [DetectedObject("red block", "block", "red", (0.003, -0.5, 0.02), (0.04,) * 3)]
    >>> s = score(seen, truth)
    >>> s.true_positives, s.false_negatives, round(s.errors[0], 3)
    (1, 0, 0.003)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from codepolicy.envs.state import SceneState
from codepolicy.primitives.perception import DetectedObject

MATCH_RADIUS = 0.04
"""Largest distance (metres) between an object's centre and the detection that finds it."""


@dataclass
class Score:
    """Counts over one or more scenes.

    Attributes:
        true_positives: Objects found under their own name.
        false_negatives: Objects not found under their own name.
        false_positives: Detections that found no object under their own name.
        errors: 3-D position error of every true positive, metres.
        confusion: (true colour, detected colour or "missed") -> count, over every object.
        missed: Names of objects not found, with the scene label they were missed in.
    """

    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    errors: list[float] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Accumulate another score into this one."""
        self.true_positives += other.true_positives
        self.false_negatives += other.false_negatives
        self.false_positives += other.false_positives
        self.errors += other.errors
        self.confusion.update(other.confusion)
        self.missed += other.missed

    @property
    def recall(self) -> float:
        """Found objects over all objects (1.0 for no objects)."""
        total = self.true_positives + self.false_negatives
        return self.true_positives / total if total else 1.0

    @property
    def precision(self) -> float:
        """Correct detections over all detections (1.0 for no detections)."""
        total = self.true_positives + self.false_positives
        return self.true_positives / total if total else 1.0


def score(detections: Sequence[DetectedObject], truth: SceneState, label: str = "") -> Score:
    """Score one scene's detections against its ground truth (see the module doc)."""
    result = Score()
    used: set[int] = set()
    for obj in truth.objects.values():
        best, best_d = None, MATCH_RADIUS
        for i, det in enumerate(detections):
            if i in used or det.kind != obj.kind:
                continue
            d = math.dist(det.position, obj.position)
            if d <= best_d:
                best, best_d = i, d
        if best is None:
            result.confusion[(obj.color, "missed")] += 1
        else:
            used.add(best)
            result.confusion[(obj.color, detections[best].color)] += 1
        if best is not None and detections[best].name == obj.name:
            result.true_positives += 1
            result.errors.append(math.dist(detections[best].position, obj.position))
        else:
            result.false_negatives += 1
            result.missed.append(f"{label}{obj.name}" if label else obj.name)
    result.false_positives = len(detections) - result.true_positives
    return result
