"""Composition (all / any / not), quantifiers (nested, with ``where``), reward and explanations."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepolicy.envs.state import ObjectState, SceneState
from codepolicy.success import (
    ConditionError,
    SuccessEvaluation,
    describe_condition,
    evaluate,
    parse_condition,
)


def block(color: str, x: float, y: float, z: float = 0.02) -> ObjectState:
    return ObjectState(f"{color} block", "block", color, (x, y, z), (0.04, 0.04, 0.04))


def bowl(color: str, x: float, y: float) -> ObjectState:
    return ObjectState(f"{color} bowl", "bowl", color, (x, y, 0.025), (0.14, 0.14, 0.05))


def scene(*objects: ObjectState) -> SceneState:
    return SceneState(objects={o.name: o for o in objects})


def inside(a: str, c: str) -> dict[str, Any]:
    return {"inside": {"object": a, "container": c}}


BOWLS = (bowl("red", -0.2, -0.4), bowl("blue", 0.0, -0.4), bowl("green", 0.2, -0.4))
IN_BOWL_Z = 0.025

EACH_IN_ITS_BOWL = {
    "forall": {
        "var": "b",
        "in": "blocks",
        "check": {
            "exists": {
                "var": "w",
                "in": "bowls",
                "where": {"same_color": ["{b}", "{w}"]},
                "check": inside("{b}", "{w}"),
            }
        },
    }
}


def sorted_scene(*, green_at: tuple[float, float, float] = (0.2, -0.4, IN_BOWL_Z)) -> SceneState:
    return scene(
        *BOWLS,
        block("red", -0.2, -0.41, IN_BOWL_Z),
        block("blue", 0.01, -0.4, IN_BOWL_Z),
        block("green", *green_at),
    )


# ---- quantifiers --------------------------------------------------------------------------------


def test_every_block_in_the_bowl_of_its_colour() -> None:
    r = evaluate(EACH_IN_ITS_BOWL, sorted_scene())
    assert r.success and r.reward == 1.0
    # `where` filters: only the matching bowl is checked for each block.
    assert [p.text for p in r.predicates] == [
        "inside(red block, red bowl)",
        "inside(blue block, blue bowl)",
        "inside(green block, green bowl)",
    ]
    assert r.predicates[0].bindings == {"b": "red block", "w": "red bowl"}


def test_every_block_in_its_bowl_fails_for_a_misplaced_block() -> None:
    r = evaluate(EACH_IN_ITS_BOWL, sorted_scene(green_at=(0.0, -0.42, IN_BOWL_Z)))
    assert not r.success
    assert 0.5 < r.reward < 1.0
    assert r.failed[0].text == "inside(green block, green bowl)"
    assert "green block is 20.1 cm from the green bowl; needs < 6.0 cm" in r.explanation


def test_exists_with_no_matching_element_is_false_and_explained() -> None:
    s = scene(block("purple", 0, -0.5), *BOWLS)
    r = evaluate(EACH_IN_ITS_BOWL, s)
    assert not r.success
    assert "no element passes the filter (with b = purple block)" in r.explanation


def test_empty_sets() -> None:
    s = scene(*BOWLS)
    forall = {"forall": {"var": "b", "in": "blocks", "check": inside("{b}", "red bowl")}}
    exists = {"exists": {"var": "b", "in": "blocks", "check": inside("{b}", "red bowl")}}
    assert evaluate(forall, s).success and evaluate(forall, s).reward == 1.0
    r = evaluate(exists, s)
    assert not r.success and r.reward == 0.0


def test_where_filter_and_bound_list() -> None:
    s = scene(*BOWLS, block("red", -0.2, -0.4, IN_BOWL_Z), block("blue", 0.3, -0.7))
    cond = {
        "forall": {
            "var": "b",
            "in": ["red block", "blue block"],
            "where": {"same_color": ["{b}", "red bowl"]},
            "check": inside("{b}", "red bowl"),
        }
    }
    r = evaluate(cond, s)
    assert r.success
    assert [p.text for p in r.predicates] == ["inside(red block, red bowl)"]


def test_nested_quantifiers_with_shadowing() -> None:
    cond = {
        "exists": {
            "var": "x",
            "in": "bowls",
            "check": {"forall": {"var": "x", "in": "blocks", "check": inside("{x}", "blue bowl")}},
        }
    }
    s = scene(*BOWLS, block("red", 0.0, -0.4, IN_BOWL_Z))
    assert evaluate(cond, s).success


def test_unbound_variable_outside_its_quantifier() -> None:
    cond = {
        "all": [
            {"forall": {"var": "b", "in": "blocks", "check": inside("{b}", "red bowl")}},
            inside("{b}", "red bowl"),
        ]
    }
    with pytest.raises(ConditionError, match="unbound variable"):
        evaluate(cond, scene(*BOWLS, block("red", 0, -0.5)))


# ---- composition --------------------------------------------------------------------------------


def test_all_any_not() -> None:
    s = scene(*BOWLS, block("red", -0.2, -0.4, IN_BOWL_Z), block("blue", 0.3, -0.7))
    in_red, in_blue = inside("red block", "red bowl"), inside("blue block", "blue bowl")
    both = evaluate({"all": [in_red, in_blue]}, s)
    assert not both.success
    assert both.reward == pytest.approx((1.0 + both.predicates[1].progress) / 2)
    either = evaluate({"any": [in_red, in_blue]}, s)
    assert either.success and either.reward == 1.0
    assert not evaluate({"not": in_red}, s).success
    assert evaluate({"not": in_blue}, s).success
    assert evaluate({"not": in_blue}, s).reward == 1.0


def test_not_reports_the_leaf_as_negated() -> None:
    s = scene(*BOWLS, block("red", -0.2, -0.4, IN_BOWL_Z))
    r = evaluate({"not": inside("red block", "red bowl")}, s)
    leaf = r.predicates[0]
    assert leaf.holds and leaf.negated and not leaf.satisfied
    assert "not inside(red block, red bowl) is required, but red block is inside" in r.explanation
    # Moving the block towards the rim makes progress towards `not`.
    closer = scene(*BOWLS, block("red", -0.2 + 0.05, -0.4, IN_BOWL_Z))
    assert evaluate({"not": inside("red block", "red bowl")}, closer).reward > r.reward


def test_double_negation_and_de_morgan() -> None:
    s = scene(*BOWLS, block("red", -0.2, -0.4, IN_BOWL_Z), block("blue", 0.3, -0.7))
    in_red, in_blue = inside("red block", "red bowl"), inside("blue block", "blue bowl")
    assert evaluate({"not": {"not": in_red}}, s).success
    a = evaluate({"not": {"all": [in_red, in_blue]}}, s)
    b = evaluate({"any": [{"not": in_red}, {"not": in_blue}]}, s)
    assert a.success and b.success and a.reward == b.reward == 1.0


# ---- reward -------------------------------------------------------------------------------------


def test_reward_grows_as_the_block_moves_to_its_bowl() -> None:
    cond = inside("red block", "blue bowl")
    rewards = []
    for i in range(11):
        x = 0.3 - 0.03 * i  # from 30 cm away to the bowl's centre
        rewards.append(evaluate(cond, scene(BOWLS[1], block("red", x, -0.4, IN_BOWL_Z))).reward)
    assert rewards[-1] == 1.0
    successes = [r == 1.0 for r in rewards]
    first = successes.index(True)
    assert all(successes[first:]) and not any(successes[:first])
    assert all(b > a for a, b in itertools.pairwise(rewards[: first + 1]))
    assert all(r <= 0.9 for r in rewards[:first])


def test_reward_grows_with_each_block_placed() -> None:
    far = (0.25, -0.7, 0.02)
    base = evaluate(EACH_IN_ITS_BOWL, scene(*BOWLS, block("red", *far), block("blue", *far)))
    one = evaluate(
        EACH_IN_ITS_BOWL,
        scene(*BOWLS, block("red", -0.2, -0.4, IN_BOWL_Z), block("blue", *far)),
    )
    two = evaluate(
        EACH_IN_ITS_BOWL,
        scene(*BOWLS, block("red", -0.2, -0.4, IN_BOWL_Z), block("blue", 0, -0.4, IN_BOWL_Z)),
    )
    assert base.reward < one.reward < two.reward == 1.0


coord = st.floats(min_value=-0.3, max_value=0.3, allow_nan=False)
height = st.floats(min_value=0.02, max_value=0.2, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(coord, coord, height, coord, coord)
def test_reward_is_one_exactly_on_success(
    x1: float, y1: float, z1: float, x2: float, y2: float
) -> None:
    s = scene(*BOWLS, block("red", x1, y1 - 0.4, z1), block("blue", x2, y2 - 0.4))
    conds: list[dict[str, Any]] = [
        EACH_IN_ITS_BOWL,
        {"not": EACH_IN_ITS_BOWL},
        {
            "any": [
                {"on": {"object": "red block", "target": "blue block"}},
                {"not": inside("blue block", "blue bowl")},
            ]
        },
        {"in_line": {"objects": "objects", "orientation": "horizontal"}},
        {"distinct_locations": {"objects": "blocks", "locations": "locations"}},
        {"stacked": {"objects": "blocks", "order": "any"}},
    ]
    for cond in conds:
        r = evaluate(cond, s)
        assert 0.0 <= r.reward <= 1.0
        assert (r.reward == 1.0) == r.success
        assert all((p.progress == 1.0) == p.holds for p in r.predicates)
        assert all(0.0 <= p.progress <= 1.0 for p in r.predicates)
        assert not math.isnan(r.reward)


# ---- output, explanations, determinism ----------------------------------------------------------


def test_result_is_json_serialisable_and_deterministic() -> None:
    s = sorted_scene(green_at=(0.0, -0.42, IN_BOWL_Z))
    a, b = evaluate(EACH_IN_ITS_BOWL, s), evaluate(parse_condition(EACH_IN_ITS_BOWL), s)
    assert a.model_dump_json() == b.model_dump_json()
    again = SuccessEvaluation.model_validate_json(a.model_dump_json())
    assert again.explanation == a.explanation and again.reward == a.reward
    assert again.tree.children[2].binding == "b = green block"


def test_summary_lists_failures_first_and_caps_long_lists() -> None:
    blocks = [
        block(c, x, -0.7) for c, x in zip(("red", "blue", "green"), (-0.2, 0.0, 0.2), strict=True)
    ]
    placed = [
        block(c, x, -0.4, IN_BOWL_Z)
        for c, x in (("yellow", -0.2), ("orange", 0.0), ("pink", 0.2), ("cyan", 0.0))
    ]
    s = scene(*BOWLS, *blocks, *placed)
    cond = {
        "forall": {
            "var": "b",
            "in": "blocks",
            "check": {"exists": {"var": "w", "in": "bowls", "check": inside("{b}", "{w}")}},
        }
    }
    r = evaluate(cond, s)
    text = r.explanation
    assert text.startswith("Not done: 3 problem(s).")
    assert text.index("red block") < text.index("Satisfied (4):") < text.index("yellow block")
    assert "... and 1 more satisfied" in text
    # For an `exists`, only the closest alternative is reported, not every bowl.
    assert text.count("inside(red block") == 1
    assert "inside(red block, red bowl): red block is 30.0 cm from the red bowl" in text


def test_success_summary() -> None:
    r = evaluate(EACH_IN_ITS_BOWL, sorted_scene())
    assert r.explanation.splitlines()[0] == "Success: the condition holds."
    assert "red block is inside the red bowl (1.0 cm from its centre)" in r.explanation


@pytest.mark.parametrize(
    ("cond", "text"),
    [
        (inside("red block", "blue bowl"), "the red block is inside the blue bowl"),
        (
            {"forall": {"var": "b", "in": "blocks", "check": inside("{b}", "blue bowl")}},
            "every block b is inside the blue bowl",
        ),
        (
            {
                "forall": {
                    "var": "b",
                    "in": "blocks",
                    "where": {"different_color": ["{b}", "red bowl"]},
                    "check": {"left_of": {"object": "{b}", "reference": "red bowl"}},
                }
            },
            "every block b that has a different color from the red bowl is left of the red bowl",
        ),
        (
            EACH_IN_ITS_BOWL,
            "for every block b, for some bowl w such that b has the same color as w: b is inside w",
        ),
        (
            {
                "not": {
                    "any": [
                        inside("red block", "red bowl"),
                        {"at": {"object": "red block", "location": [0.1, -0.5]}},
                    ]
                }
            },
            "not (either the red block is inside the red bowl"
            " or the red block is at (0.10, -0.50))",
        ),
        (
            {"distinct_locations": {"objects": "blocks", "locations": "corners"}},
            "the blocks are each at a different corner",
        ),
        (
            {"in_line": {"objects": ["red block", "blue block"], "orientation": "vertical"}},
            "the red block, the blue block form a vertical line",
        ),
    ],
)
def test_describe_condition(cond: dict[str, Any], text: str) -> None:
    assert describe_condition(parse_condition(cond)) == text
    assert describe_condition(cond) == text
