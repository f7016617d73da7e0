"""The default primitives on the kinematic backend: results, validation errors and typed failures."""

from __future__ import annotations

import numpy as np
import pytest

from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.roles import ObjectSpawn, World
from codepolicy.primitives import default as P
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.errors import (
    AlreadyHolding,
    InvalidArgument,
    NotHolding,
    OutOfWorkspace,
    UnknownLocation,
    UnknownObject,
)

SCENE = [
    ObjectSpawn("red block", "block", "red", 0.1, -0.5),
    ObjectSpawn("blue block", "block", "blue", -0.1, -0.4),
    ObjectSpawn("green bowl", "bowl", "green", 0.0, -0.65),
]


@pytest.fixture
def ctx() -> PrimitiveContext:
    backend = KinematicBackend()
    backend.reset(SCENE)
    return PrimitiveContext.for_world(World.of(backend))


def test_perceive_lists_every_object_with_pose_size_and_colour(ctx: PrimitiveContext) -> None:
    found = {d.name: d for d in P.perceive(ctx)}
    assert set(found) == {"red block", "blue block", "green bowl"}
    assert found["red block"].color == "red"
    assert found["red block"].position == pytest.approx((0.1, -0.5, 0.02))
    assert found["green bowl"].size[0] == pytest.approx(0.14)


def test_unknown_object_error_lists_the_known_names(ctx: PrimitiveContext) -> None:
    with pytest.raises(UnknownObject) as err:
        P.get_object_position(ctx, "red blok")
    assert "did you mean 'red block'" in str(err.value)
    assert "blue block" in str(err.value) and "green bowl" in str(err.value)


def test_position_outside_workspace_error_gives_the_bounds(ctx: PrimitiveContext) -> None:
    with pytest.raises(OutOfWorkspace) as err:
        P.move_to(ctx, [0.5, -0.5, 0.2])
    assert "x in [-0.3, 0.3]" in str(err.value) and "y in [-0.8, -0.2]" in str(err.value)


def test_unknown_location_lists_the_locations(ctx: PrimitiveContext) -> None:
    with pytest.raises(UnknownLocation) as err:
        P.get_location(ctx, "top corner")
    assert "top left corner" in str(err.value)


def test_move_to_returns_where_the_gripper_really_is(ctx: PrimitiveContext) -> None:
    reached = P.move_to(ctx, np.array([0.0, -0.5, 0.2]))
    assert isinstance(reached, np.ndarray)
    assert reached.tolist() == pytest.approx([0.0, -0.5, 0.2])
    assert P.get_gripper_position(ctx).tolist() == pytest.approx([0.0, -0.5, 0.2])


def test_grasp_lifts_and_place_stacks(ctx: PrimitiveContext) -> None:
    P.grasp(ctx, "red block")
    assert P.holding(ctx) == "red block"
    assert P.get_object_position(ctx, "red block")[2] > 0.1
    rest = P.place(ctx, "blue block")
    assert P.holding(ctx) is None
    assert rest.tolist() == pytest.approx([-0.1, -0.4, 0.06], abs=1e-3)


def test_pick_and_place_into_bowl_and_onto_location(ctx: PrimitiveContext) -> None:
    P.pick_and_place(ctx, "red block", "green bowl")
    in_bowl = P.get_object_position(ctx, "red block")
    # In the bowl's first free slot: on its floor, ~2.6 cm from the centre towards the robot.
    assert in_bowl[0] == pytest.approx(0.0, abs=2e-3)
    assert -0.65 + 0.02 < in_bowl[1] < -0.65 + 0.03
    assert in_bowl[2] < 0.05
    P.pick_and_place(ctx, "blue block", "top left corner")
    assert P.get_object_position(ctx, "blue block")[:2].tolist() == pytest.approx([-0.25, -0.25])


def test_place_without_holding_and_grasp_while_holding_fail_clearly(ctx: PrimitiveContext) -> None:
    with pytest.raises(NotHolding):
        P.place(ctx, "middle")
    P.grasp(ctx, "red block")
    with pytest.raises(AlreadyHolding):
        P.grasp(ctx, "blue block")


def test_a_bowl_is_grasped_by_its_wall(ctx: PrimitiveContext) -> None:
    # As on physics (grasp_pose takes a bowl by its wall); the kinematic world models that too.
    P.grasp(ctx, "green bowl")
    assert P.holding(ctx) == "green bowl"


def test_say_is_recorded(ctx: PrimitiveContext) -> None:
    P.say(ctx, "done")
    assert ctx.said == ["done"]


def test_argument_types_are_validated_by_the_registry() -> None:
    with pytest.raises(InvalidArgument) as err:
        P.DEFAULT.get("grasp").validate_args([3], {})
    assert "argument 'name' must be str" in str(err.value)
    with pytest.raises(InvalidArgument):
        P.DEFAULT.get("grasp").validate_args([], {})
    assert P.DEFAULT.get("place").validate_args([np.array([0.1, -0.5])], {}) == {
        "target": [0.1, -0.5]
    }


def test_default_api_names_are_exactly_the_documented_ones() -> None:
    assert P.DEFAULT.names() == [
        "perceive",
        "get_object_names",
        "get_object_position",
        "get_location",
        "move_to",
        "open_gripper",
        "close_gripper",
        "grasp",
        "place",
        "pick_and_place",
        "holding",
        "get_gripper_position",
        "say",
    ]
    for spec in P.DEFAULT:
        assert spec.doc, f"{spec.name} needs a docstring: prompts are generated from it"
