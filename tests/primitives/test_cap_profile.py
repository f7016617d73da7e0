"""The Code-as-Policies profile follows CaP's tabletop semantics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import ObjectSpawn, World
from codepolicy.errors import ConfigError
from codepolicy.primitives import cap, cap_lmps
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import ModelRequired, UnknownObject
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
    # CaP maps the unit square onto the square between the corners, not the whole workspace.
    assert cap.denormalize_xy(ctx, [0.0, 0.0]).tolist() == pytest.approx([-0.25, -0.75])
    assert cap.denormalize_xy(ctx, [1.0, 1.0]).tolist() == pytest.approx([0.25, -0.25])
    assert cap.denormalize_xy(ctx, [0, 1]).tolist() == pytest.approx(
        list(cap.get_obj_pos(ctx, "top left corner"))
    )
    many = cap.denormalize_xy(ctx, [[0.5, 0.5], [1.0, 0.5]])
    assert many.shape == (2, 2) and np.allclose(many, [[0.0, -0.5], [0.25, -0.5]])
    assert cap.get_corner_name(ctx, [-0.29, -0.79]) == "bottom left corner"
    assert cap.get_side_name(ctx, [0.0, -0.22]) == "top side"


def test_bbox_and_colour(ctx: PrimitiveContext) -> None:
    lo, hi = cap.get_bbox(ctx, "red block")  # CaP's shape: ((min x, y, z), (max x, y, z))
    assert lo == pytest.approx((0.08, -0.52, 0.0)) and hi == pytest.approx((0.12, -0.48, 0.04))
    color = cap.get_color(ctx, "red block")
    assert color is not None
    r, g, b, a = color
    assert r > g and r > b and a == 1.0
    assert cap.get_color(ctx, "pink banana") == cap.get_color(ctx, "pink bowl")  # from the name
    assert cap.get_color(ctx, "banana") is None
    assert cap.is_obj_visible(ctx, "blue bowl") and not cap.is_obj_visible(ctx, "pink bowl")


def test_put_first_on_second_with_name_and_xy(ctx: PrimitiveContext) -> None:
    cap.put_first_on_second(ctx, "red block", "blue bowl")
    # Into the bowl, in its first free slot (place() leaves room for more blocks).
    x, y = cap.get_obj_pos(ctx, "red block").tolist()
    assert 0.02 < math.dist((x, y), (-0.15, -0.6)) < 0.03
    cap.put_first_on_second(ctx, "red block", np.array([0.2, -0.3]))  # type: ignore[arg-type]
    assert cap.get_obj_pos(ctx, "red block").tolist() == pytest.approx([0.2, -0.3])


def test_profiles_are_selected_by_name() -> None:
    assert "put_first_on_second" in get_profile("cap")
    assert "grasp" in get_profile("default")
    with pytest.raises(
        ConfigError, match="unknown profile 'voxposer'; choose one of: default, cap"
    ):
        get_profile("voxposer")


def test_cap_name_aliases(ctx: PrimitiveContext) -> None:
    assert cap.clean_name("the_small_red_square") == "red block"
    assert cap.get_obj_pos(ctx, "blue circle").tolist() == pytest.approx([-0.15, -0.6])
    assert cap.is_obj_visible(ctx, "the small red block")


def test_pick_by_position_and_stack_in_order(ctx: PrimitiveContext) -> None:
    cap.put_first_on_second(ctx, [0.1, -0.5], "top right corner")  # type: ignore[arg-type]
    assert cap.get_obj_pos(ctx, "red block").tolist() == pytest.approx([0.25, -0.25])
    with pytest.raises(UnknownObject, match="no object within 5 cm"):
        cap.put_first_on_second(ctx, [0.0, -0.3], "middle")  # type: ignore[arg-type]


def test_helper_lmps_need_a_model(ctx: PrimitiveContext) -> None:
    with pytest.raises(ModelRequired, match="parse_position needs a model: pass --model"):
        cap.CAP.get("parse_position").impl(ctx, "the middle")
    assert all(name in cap.CAP for name in cap_lmps.HELPER_NAMES)
    assert "stack_objects_in_order" in cap.CAP
