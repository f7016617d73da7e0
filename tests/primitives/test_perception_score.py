"""Scoring detections: matches in 3-D, misses, false detections and colour confusions."""

from __future__ import annotations

from codepolicy.envs.state import ObjectState, SceneState
from codepolicy.primitives.perception import DetectedObject
from codepolicy.primitives.perception_score import Score, score

CUBE = (0.04, 0.04, 0.04)


def _truth(*objects: ObjectState) -> SceneState:
    return SceneState({o.name: o for o in objects})


def test_the_blocks_of_a_stack_are_matched_by_height() -> None:
    truth = _truth(
        ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), CUBE),
        ObjectState("blue block", "block", "blue", (0.005, -0.5, 0.06), CUBE),
    )
    seen = [
        DetectedObject("blue block", "block", "blue", (0.0, -0.5, 0.061), CUBE),
        DetectedObject("red block", "block", "red", (0.004, -0.5, 0.021), CUBE),
    ]
    result = score(seen, truth)
    assert (result.true_positives, result.false_negatives, result.false_positives) == (2, 0, 0)
    assert max(result.errors) < 0.006


def test_a_wrong_colour_is_a_confusion_a_miss_and_a_false_detection() -> None:
    truth = _truth(ObjectState("pink block", "block", "pink", (0.1, -0.4, 0.02), CUBE))
    seen = [DetectedObject("red block", "block", "red", (0.1, -0.4, 0.02), CUBE)]
    result = score(seen, truth, label="s1:")
    assert result.confusion[("pink", "red")] == 1
    assert result.missed == ["s1:pink block"]
    assert (result.recall, result.precision) == (0.0, 0.0)


def test_an_unseen_object_and_a_phantom_are_counted_and_scores_add_up() -> None:
    truth = _truth(ObjectState("gray bowl", "bowl", "gray", (0.0, -0.6, 0.025), (0.14, 0.14, 0.05)))
    phantom = DetectedObject("gray block", "block", "gray", (0.2, -0.3, 0.02), CUBE)
    total = Score()
    total.add(score([], truth))
    total.add(score([phantom], _truth()))
    assert (total.false_negatives, total.false_positives) == (1, 1)
    assert total.confusion[("gray", "missed")] == 1
