"""API tiers: what each profile lets a program drive the robot with."""

from __future__ import annotations

from codepolicy.primitives.profiles import get_profile
from codepolicy.primitives.tiers import LOW, MACRO, QUERIES, TIERS


def test_tiers_are_profiles_and_primitive_is_the_default() -> None:
    assert list(TIERS) == ["macro", "primitive", "low"]
    assert get_profile("primitive") is get_profile("default")
    assert get_profile("low") is LOW


def test_every_tier_can_look_but_each_drives_the_robot_differently() -> None:
    for tier in TIERS.values():
        assert set(QUERIES) <= set(tier.names())
    assert set(MACRO.names()) - set(QUERIES) == {"pick_and_place"}
    assert set(LOW.names()) - set(QUERIES) == {
        "move_to",
        "open_gripper",
        "close_gripper",
        "get_gripper_position",
    }
    assert "grasp" not in LOW and "place" not in LOW and "pick_and_place" not in LOW
