"""The kinematic world fails where physics fails: support, blocking, balance, bowls, falling, home."""

from __future__ import annotations

import pytest

from codepolicy.envs import assets
from codepolicy.envs.backend import ObjectSpawn
from codepolicy.envs.frame import BOWL_FLOOR
from codepolicy.envs.kinematic import HOME_TCP as KINEMATIC_HOME
from codepolicy.envs.kinematic import KinematicBackend
from codepolicy.envs.resting import load_on, settle
from codepolicy.envs.roles import World
from codepolicy.envs.state import ObjectState, Vec3
from codepolicy.primitives.context import PrimitiveContext
from codepolicy.primitives.default import grasp, open_gripper, pick_and_place, place
from codepolicy.primitives.errors import GraspMissed

CUBE: Vec3 = (0.04, 0.04, 0.04)


def _world(*spawns: tuple[str, float, float]) -> tuple[KinematicBackend, PrimitiveContext]:
    backend = KinematicBackend()
    backend.reset(
        [ObjectSpawn(name, name.split()[1], name.split()[0], x, y) for name, x, y in spawns]
    )
    return backend, PrimitiveContext.for_world(World.of(backend))


def _tower() -> tuple[KinematicBackend, PrimitiveContext]:
    backend, ctx = _world(
        ("red block", 0.0, -0.5), ("blue block", 0.15, -0.4), ("green block", -0.15, -0.6)
    )
    pick_and_place(ctx, "blue block", "red block")
    pick_and_place(ctx, "green block", "blue block")
    return backend, ctx


def test_a_block_under_another_cannot_be_grasped_and_the_load_is_pushed_off() -> None:
    backend, ctx = _tower()
    assert load_on(backend.observe().objects, "red block") == ["blue block", "green block"]
    with pytest.raises(GraspMissed, match="closed on nothing"):
        grasp(ctx, "red block")
    scene = backend.observe()
    assert scene.held is None
    assert scene["red block"].position == pytest.approx((0.0, -0.5, 0.02))
    # The tower no longer stands: the load was squeezed off the block the fingers closed on.
    assert scene["blue block"].position[2] == pytest.approx(0.02)


def test_the_top_of_a_tower_can_be_taken() -> None:
    backend, ctx = _tower()
    grasp(ctx, "green block")
    assert backend.observe().held == "green block"


def test_removing_the_middle_of_a_stack_drops_the_top_onto_what_is_below() -> None:
    bottom = ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), CUBE)
    middle = ObjectState("blue block", "block", "blue", (0.0, -0.5, 0.06), CUBE)
    top = ObjectState("green block", "block", "green", (0.0, -0.5, 0.10), CUBE)
    objects = {o.name: o for o in (bottom, middle, top)}
    # Taken away (held) the middle no longer supports the top, which lands on the bottom block.
    carried_off = dict(objects, **{"blue block": middle.moved_to((0.2, -0.4, 0.3))})
    rested = settle(carried_off, held="blue block")
    assert rested["green block"].position == pytest.approx((0.0, -0.5, 0.06))
    # Without the bottom block too, it falls to the table.
    del carried_off["red block"]
    assert settle(carried_off, held="blue block")["green block"].position[2] == pytest.approx(0.02)


@pytest.mark.parametrize(
    ("offset", "stays"), [(0.01, True), (0.015, True), (0.02, False), (0.03, False)]
)
def test_a_block_stays_on_another_only_with_its_centre_of_mass_over_it(
    offset: float, stays: bool
) -> None:
    backend, ctx = _world(("red block", 0.0, -0.5), ("blue block", 0.15, -0.4))
    grasp(ctx, "blue block")
    place(ctx, [offset, -0.5])
    blue = backend.observe()["blue block"]
    if stays:
        assert blue.position == pytest.approx((offset, -0.5, 0.06), abs=1e-6)
    else:  # toppled off the side, clear of the red block, onto the table
        assert blue.position[2] == pytest.approx(0.02)
        assert blue.position[0] - 0.0 >= 0.04


def test_a_leaning_tower_topples_when_the_carried_centre_of_mass_leaves_the_base() -> None:
    cube = {"red block": (0.0, 0.02), "blue block": (0.012, 0.06), "green block": (0.024, 0.10)}
    objects = {
        n: ObjectState(n, "block", n.split()[0], (x, -0.5, z), CUBE) for n, (x, z) in cube.items()
    }
    rested = settle(objects, held=None)
    # Each block alone would stay (1.2 cm off), but blue carries green: their centre of mass is
    # 1.8 cm off the red block, beyond its edge less the margin.
    assert rested["blue block"].position[2] == pytest.approx(0.02)


@pytest.mark.parametrize(
    ("offset", "where"),
    [(0.03, "floor"), (0.05, "floor"), (0.06, "rim"), (0.07, "outside"), (0.09, "outside")],
)
def test_a_block_over_a_bowl_slides_in_rests_on_the_rim_or_falls_off(
    offset: float, where: str
) -> None:
    backend, ctx = _world(("red bowl", 0.0, -0.5), ("blue block", 0.15, -0.35))
    grasp(ctx, "blue block")
    place(ctx, [offset, -0.5])
    block, bowl = backend.observe()["blue block"], backend.observe()["red bowl"]
    dx = block.position[0] - bowl.position[0]
    if where == "floor":
        assert block.bottom_z == pytest.approx(bowl.bottom_z + BOWL_FLOOR)
        assert dx + 0.02 <= assets.bowl_profile().inner_bottom_radius + 1e-9
    elif where == "rim":
        assert block.bottom_z == pytest.approx(bowl.top_z)
    else:
        assert block.bottom_z == pytest.approx(0.0)
        assert dx - 0.02 >= bowl.size[0] / 2


def test_a_block_let_go_high_up_is_still_falling_right_after_the_fingers_open() -> None:
    backend, ctx = _world(("red block", 0.1, -0.5))
    grasp(ctx, "red block")
    backend.move_tcp((0.1, -0.5, 0.4))
    open_gripper(ctx)
    falling = backend.observe()["red block"].position[2]
    assert 0.05 < falling < 0.4
    backend.wait(0.5)
    assert backend.observe()["red block"].position[2] == pytest.approx(0.02)


def test_a_bowl_is_taken_by_its_wall_and_carries_what_is_inside() -> None:
    backend, ctx = _world(("red bowl", 0.0, -0.5), ("blue block", 0.15, -0.35))
    pick_and_place(ctx, "blue block", "red bowl")
    grasp(ctx, "red bowl")
    assert backend.observe().held == "red bowl"
    place(ctx, [-0.15, -0.6])
    backend.wait(1.0)  # place() lets go of a full bowl above its contents' height; let it land
    scene = backend.observe()
    assert scene["red bowl"].position[:2] == pytest.approx((-0.15, -0.6), abs=0.01)
    assert scene["blue block"].position[:2] == pytest.approx((-0.15, -0.6), abs=0.03)
    assert scene["blue block"].bottom_z == pytest.approx(BOWL_FLOOR)


def test_home_pose_and_bowl_floor_are_the_physics_worlds() -> None:
    from codepolicy.envs.world import HOME_TCP as PHYSICS_HOME

    kinematic_home = KINEMATIC_HOME
    assert kinematic_home == pytest.approx(PHYSICS_HOME)
    assert KinematicBackend().reset([]).gripper_position == pytest.approx(PHYSICS_HOME)
    assert BOWL_FLOOR == assets.BOWL_FLOOR_THICKNESS
