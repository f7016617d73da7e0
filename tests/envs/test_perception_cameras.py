"""Perception cameras: back-projected depth lands on the true surfaces; segmentation names objects."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.camera import PERCEPTION_CAMERAS, back_project
from codepolicy.envs.world import TabletopWorld


@pytest.fixture(scope="module")
def world() -> Iterator[TabletopWorld]:
    w = TabletopWorld()
    w.reset(
        [
            ObjectSpawn("red block", "block", "red", 0.1, -0.45),
            ObjectSpawn("blue bowl", "bowl", "blue", -0.12, -0.6),
        ]
    )
    yield w
    w.close()


@pytest.mark.parametrize("index", range(len(PERCEPTION_CAMERAS)))
def test_back_projected_points_lie_on_the_table_and_the_block(
    world: TabletopWorld, index: int
) -> None:
    seg = world.render_segmented(PERCEPTION_CAMERAS[index], 320, 240)
    points = back_project(seg.frame)
    names = [name for name, _, _ in seg.objects]
    block = points[seg.labels == names.index("red block")]
    assert len(block) > 50
    assert abs(block[:, 2].max() - 0.04) < 0.004  # the top face, 4 cm up
    assert np.all(np.abs(block[:, :2] - (0.1, -0.45)) < 0.024)  # the 4 cm footprint, +- 4 mm
    table = points[(seg.labels == -1) & (np.abs(points[..., 0]) < 0.3) & (points[..., 1] > -0.8)]
    assert abs(float(np.median(table[:, 2]))) < 0.003


def test_segmentation_labels_index_the_named_objects_only(world: TabletopWorld) -> None:
    seg = world.render_segmented(PERCEPTION_CAMERAS[0], 160, 120)
    assert [name for name, _, _ in seg.objects] == ["red block", "blue bowl"]
    assert set(np.unique(seg.labels)) == {-1, 0, 1}  # table, robot and floor are -1


def test_plain_render_matches_the_segmented_one(world: TabletopWorld) -> None:
    plain = world.render_camera(PERCEPTION_CAMERAS[1], 160, 120)
    seg = world.render_segmented(PERCEPTION_CAMERAS[1], 160, 120)
    assert np.array_equal(plain.rgb, seg.frame.rgb)
    assert np.allclose(plain.depth, seg.frame.depth)
