"""The Code-as-Policies profile follows CaP's tabletop semantics."""

from __future__ import annotations

import numpy as np
import pytest

from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import ObjectSpawn, World
from codepolicy.errors import ConfigError
from codepolicy.primitives import cap
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.profiles import get_profile


@pytest.fixture
def ctx() -> PrimitiveContext:
    backend = KinematicBackend()
    backend.reset(
        [
            ObjectSpawn("red block", "block", "red", 0.1, -0.5),
            ObjectSpawn("blue bowl", "bowl", "blue", -0.15, -0.6),
        ]
    )
    return PrimitiveContext.for_world(World.of(backend))


def test_positions_are_2d_and_accept_location_names(ctx: PrimitiveContext) -> None:
    assert cap.get_obj_pos(ctx, "red block").tolist() == pytest.approx([0.1, -0.5])
    assert cap.get_obj_pos(ctx, "the top left corner").tolist() == pytest.approx([-0.25, -0.25])


def test_denormalize_and_corner_side_names(ctx: PrimitiveContext) -> None:
    assert cap.denormalize_xy(ctx, [0.0, 0.0]).tolist() == pytest.approx([-0.3, -0.8])
    assert cap.denormalize_xy(ctx, [1.0, 1.0]).tolist() == pytest.approx([0.3, -0.2])
    assert cap.get_corner_name(ctx, [-0.29, -0.79]) == "bottom left corner"
    assert cap.get_side_name(ctx, [0.0, -0.22]) == "top side"


def test_bbox_and_colour(ctx: PrimitiveContext) -> None:
    assert cap.get_bbox(ctx, "red block") == pytest.approx((0.08, -0.52, 0.12, -0.48))
    r, g, b, a = cap.get_color(ctx, "red block")
    assert r > g and r > b and a == 1.0
    assert cap.is_obj_visible(ctx, "blue bowl") and not cap.is_obj_visible(ctx, "pink bowl")


def test_put_first_on_second_with_name_and_xy(ctx: PrimitiveContext) -> None:
    cap.put_first_on_second(ctx, "red block", "blue bowl")
    assert cap.get_obj_pos(ctx, "red block").tolist() == pytest.approx([-0.15, -0.6])
    cap.put_first_on_second(ctx, "red block", np.array([0.2, -0.3]))  # type: ignore[arg-type]
    assert cap.get_obj_pos(ctx, "red block").tolist() == pytest.approx([0.2, -0.3])


def test_profiles_are_selected_by_name() -> None:
    assert "put_first_on_second" in get_profile("cap")
    assert "grasp" in get_profile("default")
    with pytest.raises(
        ConfigError, match="unknown profile 'voxposer'; choose one of: default, cap"
    ):
        get_profile("voxposer")
