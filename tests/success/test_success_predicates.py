"""Each leaf predicate, true and false, on hand-built scenes; thresholds at their boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from codepolicy.envs.frame import LOCATIONS
from codepolicy.envs.state import ObjectState, SceneState
from codepolicy.success import ConditionError, SuccessEvaluation, evaluate

BOWL_Z = 0.025


def block(color: str, x: float, y: float, z: float = 0.02) -> ObjectState:
    return ObjectState(f"{color} block", "block", color, (x, y, z), (0.04, 0.04, 0.04))


def bowl(color: str, x: float, y: float) -> ObjectState:
    return ObjectState(f"{color} bowl", "bowl", color, (x, y, BOWL_Z), (0.14, 0.14, 0.05))


def scene(*objects: ObjectState) -> SceneState:
    return SceneState(objects={o.name: o for o in objects})


def check(cond: dict[str, Any], *objects: ObjectState) -> SuccessEvaluation:
    result = evaluate(cond, scene(*objects))
    assert len(result.predicates) >= 1
    assert (result.reward == 1.0) == result.success
    return result


def on(a: str, t: str) -> dict[str, Any]:
    return {"on": {"object": a, "target": t}}


# ---- on / inside --------------------------------------------------------------------------------


@pytest.mark.parametrize(("dx", "holds"), [(0.0, True), (0.059, True), (0.061, False)])
def test_on_bowl_xy_threshold(dx: float, holds: bool) -> None:
    r = check(on("red block", "blue bowl"), block("red", dx, -0.5, 0.025), bowl("blue", 0, -0.5))
    assert r.success is holds
    assert r.predicates[0].holds is holds
    assert f"{dx * 100:.1f} cm" in r.predicates[0].explanation


def test_on_bowl_explanation_numbers() -> None:
    r = check(on("red block", "blue bowl"), block("red", 0.092, -0.5), bowl("blue", 0, -0.5))
    assert r.predicates[0].explanation == "red block is 9.2 cm from the blue bowl; needs < 6.0 cm"
    assert r.predicates[0].text == "on(red block, blue bowl)"
    ok = check(
        on("red block", "blue bowl"), block("red", 0.021, -0.5, 0.025), bowl("blue", 0, -0.5)
    )
    assert ok.predicates[0].explanation == "red block is on the blue bowl (2.1 cm from its centre)"


def test_on_bowl_fails_when_held_in_the_air() -> None:
    r = check(on("red block", "blue bowl"), block("red", 0.0, -0.5, 0.25), bowl("blue", 0, -0.5))
    assert not r.success
    assert "above the blue bowl's rim" in r.predicates[0].explanation
    assert "18.0 cm" in r.predicates[0].explanation  # bottom 0.23 - rim 0.05


def test_on_bowl_fails_when_under_it() -> None:
    raised = ObjectState("blue bowl", "bowl", "blue", (0.0, -0.5, 0.065), (0.14, 0.14, 0.05))
    r = check(on("red block", "blue bowl"), block("red", 0.0, -0.5), raised)
    assert not r.success
    assert "under the blue bowl" in r.predicates[0].explanation


@pytest.mark.parametrize(("dx", "holds"), [(0.0, True), (0.039, True), (0.041, False)])
def test_on_block_xy_threshold(dx: float, holds: bool) -> None:
    r = check(on("red block", "blue block"), block("red", dx, -0.5, 0.06), block("blue", 0, -0.5))
    assert r.success is holds


@pytest.mark.parametrize(
    ("z", "holds", "words"),
    [
        (0.06, True, "is on the blue block"),
        (0.07, True, "is on the blue block"),
        (0.08, False, "above the blue block's top"),
        (0.02, False, "not on top of the blue block"),
    ],
)
def test_on_block_needs_the_right_height(z: float, holds: bool, words: str) -> None:
    r = check(on("red block", "blue block"), block("red", 0.0, -0.5, z), block("blue", 0, -0.5))
    assert r.success is holds
    assert words in r.predicates[0].explanation


def test_on_itself_is_false() -> None:
    r = check(on("red block", "red block"), block("red", 0.0, -0.5))
    assert not r.success
    assert "itself" in r.predicates[0].explanation


@pytest.mark.parametrize(("dy", "holds"), [(0.059, True), (0.061, False)])
def test_inside_xy_threshold(dy: float, holds: bool) -> None:
    cond = {"inside": {"object": "red block", "container": "blue bowl"}}
    r = check(cond, block("red", 0.0, -0.5 + dy, 0.025), bowl("blue", 0, -0.5))
    assert r.success is holds


def test_inside_needs_to_be_below_the_rim() -> None:
    cond = {"inside": {"object": "red block", "container": "blue bowl"}}
    r = check(cond, block("red", 0.0, -0.5, 0.08), bowl("blue", 0, -0.5))  # bottom 6 cm > rim 5
    assert not r.success
    assert "1.0 cm above the blue bowl's rim" in r.predicates[0].explanation


# ---- at -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dx", "holds"), [(0.059, True), (0.061, False)])
def test_at_named_location_threshold(dx: float, holds: bool) -> None:
    x, y = LOCATIONS["top left corner"]
    r = check(
        {"at": {"object": "red block", "location": "top left corner"}}, block("red", x + dx, y)
    )
    assert r.success is holds
    assert r.predicates[0].text == "at(red block, top left corner)"


def test_at_point_and_custom_tolerance() -> None:
    cond = {"at": {"object": "red block", "location": [0.1, -0.4], "tolerance": 0.02}}
    assert check(cond, block("red", 0.115, -0.4)).success
    r = check(cond, block("red", 0.125, -0.4))
    assert not r.success
    assert "2.5 cm from the point (0.10, -0.40); needs < 2.0 cm" in r.predicates[0].explanation


def test_at_requires_resting() -> None:
    cond = {"at": {"object": "red block", "location": "middle"}}
    r = check(cond, block("red", 0.0, -0.5, 0.2))
    assert not r.success
    assert "not resting" in r.predicates[0].explanation
    stacked = check(cond, block("red", 0.0, -0.5, 0.06), block("blue", 0.01, -0.5))
    assert stacked.success, stacked.explanation
    in_bowl = check(cond, block("red", 0.0, -0.5, 0.03), bowl("blue", 0.0, -0.5))
    assert in_bowl.success, in_bowl.explanation


def test_at_accepts_aliases_and_object_names() -> None:
    assert check(
        {"at": {"object": "red block", "location": "center"}}, block("red", 0, -0.5)
    ).success
    cond = {"at": {"object": "red block", "location": "blue bowl"}}
    assert check(cond, block("red", 0.3, -0.5, 0.025), bowl("blue", 0.3, -0.5)).success


# ---- arrangements -------------------------------------------------------------------------------


def tower(*xs: float) -> list[ObjectState]:
    colors = ["red", "blue", "green", "yellow"]
    return [block(colors[i], x, -0.5, 0.02 + 0.04 * i) for i, x in enumerate(xs)]


def test_stacked_given_order() -> None:
    objs = tower(0.0, 0.01, 0.0)
    cond = {"stacked": {"objects": ["red block", "blue block", "green block"]}}
    assert check(cond, *objs).success
    wrong = {"stacked": {"objects": ["blue block", "red block", "green block"]}}
    r = check(wrong, *objs)
    assert not r.success
    assert "0 of 2 levels" in r.predicates[0].explanation


def test_stacked_any_order_sorts_by_height() -> None:
    objs = tower(0.0, 0.01, 0.0)
    cond = {"stacked": {"objects": ["green block", "red block", "blue block"], "order": "any"}}
    r = check(cond, *objs)
    assert r.success
    assert r.predicates[0].text == "stacked(red block, blue block, green block)"
    assert not check(cond, *tower(0.0, 0.05, 0.0)).success  # blue 5 cm off red


def test_stacked_on_a_bowl_and_trivial_cases() -> None:
    cond = {"stacked": {"objects": ["blue bowl", "red block"]}}
    assert check(cond, bowl("blue", 0, -0.5), block("red", 0.01, -0.5, 0.025)).success
    assert check({"stacked": {"objects": ["red block"]}}, block("red", 0, -0.5)).success


def row(points: list[tuple[float, float]]) -> list[ObjectState]:
    colors = ["red", "blue", "green", "yellow"]
    return [block(colors[i], x, y) for i, (x, y) in enumerate(points)]


@pytest.mark.parametrize(
    ("points", "orientation", "holds"),
    [
        ([(-0.1, -0.5), (0.0, -0.51), (0.1, -0.5)], "horizontal", True),
        ([(-0.1, -0.5), (0.0, -0.51), (0.1, -0.5)], "vertical", False),
        ([(0.0, -0.4), (0.01, -0.5), (0.0, -0.6)], "vertical", True),
        ([(0.0, -0.4), (0.1, -0.5), (0.2, -0.6)], "diagonal", True),
        ([(0.0, -0.4), (0.1, -0.5), (0.2, -0.6)], "horizontal", False),
        ([(0.0, -0.4), (0.1, -0.5), (0.2, -0.6)], "any", True),
        ([(-0.1, -0.5), (0.0, -0.5 + 0.029 * 1.5), (0.1, -0.5)], "horizontal", True),
        ([(-0.1, -0.5), (0.0, -0.5 + 0.031 * 1.5), (0.1, -0.5)], "horizontal", False),
        ([(-0.1, -0.5), (-0.08, -0.5), (0.1, -0.5)], "horizontal", False),  # 2 cm spacing
    ],
)
def test_in_line(points: list[tuple[float, float]], orientation: str, holds: bool) -> None:
    cond = {"in_line": {"objects": "blocks", "orientation": orientation}}
    r = check(cond, *row(points))
    assert r.success is holds, r.explanation


def test_in_line_explains_the_worst_object() -> None:
    cond = {"in_line": {"objects": "blocks", "orientation": "horizontal"}}
    r = check(cond, *row([(-0.1, -0.5), (0.0, -0.6), (0.1, -0.5)]))
    assert "blue block is 6.7 cm off the best-fit line; needs < 3.0 cm" in r.explanation


def test_in_line_unknown_orientation() -> None:
    with pytest.raises(ConditionError, match="sideways"):
        evaluate({"in_line": {"objects": "blocks", "orientation": "sideways"}}, scene())


@pytest.mark.parametrize(
    ("key", "dx", "dy", "margin", "holds"),
    [
        ("left_of", -0.01, 0.0, 0.0, True),
        ("left_of", 0.01, 0.0, 0.0, False),
        ("left_of", -0.049, 0.0, 0.05, False),
        ("left_of", -0.051, 0.0, 0.05, True),
        ("right_of", 0.051, 0.0, 0.05, True),
        ("right_of", -0.2, 0.0, 0.0, False),
        ("above", 0.0, 0.02, 0.0, True),  # larger y = towards the top side
        ("above", 0.0, -0.02, 0.0, False),
        ("below", 0.0, -0.02, 0.0, True),
        ("below", 0.0, 0.02, 0.0, False),
    ],
)
def test_relations(key: str, dx: float, dy: float, margin: float, holds: bool) -> None:
    cond = {key: {"object": "red block", "reference": "blue block", "margin": margin}}
    r = check(cond, block("red", dx, -0.5 + dy), block("blue", 0.0, -0.5))
    assert r.success is holds


def test_relation_explanation() -> None:
    cond = {"left_of": {"object": "red block", "reference": "blue block"}}
    r = check(cond, block("red", 0.2, -0.5), block("blue", 0.0, -0.5))
    assert r.predicates[0].explanation == (
        "red block is 20.0 cm right of the blue block; must be left of it"
    )


@pytest.mark.parametrize(("d", "holds"), [(0.099, True), (0.101, False)])
def test_near(d: float, holds: bool) -> None:
    cond = {"near": {"object": "red block", "reference": "blue bowl", "distance": 0.1}}
    assert check(cond, block("red", d, -0.5), bowl("blue", 0.0, -0.5)).success is holds


@pytest.mark.parametrize(("x", "holds"), [(0.129, True), (0.131, False), (-0.1, False)])
def test_offset(x: float, holds: bool) -> None:
    cond = {"offset": {"object": "red block", "reference": "blue block", "dx": 0.1, "dy": 0.0}}
    r = check(cond, block("red", x, -0.5), block("blue", 0.0, -0.5))
    assert r.success is holds
    assert "from the wanted (+10.0 cm, +0.0 cm)" in r.predicates[0].explanation


def test_offset_with_unbound_string_is_an_error() -> None:
    cond = {"offset": {"object": "red block", "reference": "blue block", "dx": "{dx}", "dy": 0.0}}
    with pytest.raises(ConditionError, match="dx"):
        evaluate(cond, scene(block("red", 0, -0.5), block("blue", 0, -0.5)))


def test_distinct_locations() -> None:
    (x1, y1), (x2, y2) = LOCATIONS["top left corner"], LOCATIONS["bottom right corner"]
    cond = {"distinct_locations": {"objects": "blocks", "locations": "corners"}}
    assert check(cond, block("red", x1, y1), block("blue", x2 + 0.02, y2)).success
    same = check(cond, block("red", x1, y1), block("blue", x1 + 0.01, y1 + 0.01))
    assert not same.success
    assert "from the nearest free location" in same.explanation
    explicit = {"distinct_locations": {"objects": "blocks", "locations": ["middle", [0.2, -0.3]]}}
    assert check(explicit, block("red", 0.2, -0.3), block("blue", 0.0, -0.5)).success
    too_many = {"distinct_locations": {"objects": "blocks", "locations": ["middle"]}}
    r = check(too_many, block("red", 0.0, -0.5), block("blue", 0.0, -0.5))
    assert not r.success
    assert "2 objects but only 1 locations" in r.explanation


def test_colors() -> None:
    objs = (block("red", 0, -0.5), bowl("red", 0.2, -0.5), bowl("blue", -0.2, -0.5))
    assert check({"same_color": ["red block", "red bowl"]}, *objs).success
    assert not check({"same_color": ["red block", "blue bowl"]}, *objs).success
    assert check({"different_color": ["red block", "blue bowl"]}, *objs).success
    r = check({"different_color": ["red block", "red bowl"]}, *objs)
    assert not r.success
    assert r.predicates[0].explanation == "red block is red and the red bowl is red"


# ---- errors -------------------------------------------------------------------------------------


def test_unknown_names_raise_clear_errors() -> None:
    s = scene(block("red", 0, -0.5), bowl("blue", 0, -0.5))
    with pytest.raises(
        ConditionError, match=r"unknown object 'purple block'.*red block, blue bowl"
    ):
        evaluate(on("purple block", "blue bowl"), s)
    with pytest.raises(ConditionError, match=r"unknown location 'moon'.*top left corner"):
        evaluate({"at": {"object": "red block", "location": "moon"}}, s)
    with pytest.raises(ConditionError, match="unknown object set 'cubes'"):
        evaluate({"stacked": {"objects": "cubes"}}, s)
    with pytest.raises(ConditionError, match=r"unbound variable '\{b\}'"):
        evaluate(on("{b}", "blue bowl"), s)
    with pytest.raises(ConditionError, match="invalid condition"):
        evaluate({"hover": {"object": "red block"}}, s)


def test_names_are_matched_leniently() -> None:
    s = scene(block("red", 0, -0.5, 0.025), bowl("blue", 0, -0.5))
    assert evaluate(on("Red  Block", "blue bowl"), s).success


def test_location_groups_and_variables_as_locations() -> None:
    x, y = LOCATIONS["top side"]
    cond = {"distinct_locations": {"objects": "blocks", "locations": ["corners", "top side"]}}
    assert check(cond, block("red", x, y), block("blue", -0.25, -0.75)).success
    at_own_bowl = {
        "forall": {
            "var": "b",
            "in": "blocks",
            "check": {
                "exists": {
                    "var": "w",
                    "in": "bowls",
                    "check": {"at": {"object": "{b}", "location": "{w}", "tolerance": 0.03}},
                }
            },
        }
    }
    r = check(at_own_bowl, block("red", 0.2, -0.3, 0.025), bowl("blue", 0.21, -0.3))
    assert r.success
    assert r.predicates[0].text == "at(red block, blue bowl)"


def test_python_models_are_accepted() -> None:
    from codepolicy.success import spec

    cond = spec.On(on=spec.PairArgs(object="red block", target="blue bowl"))
    assert evaluate(cond, scene(block("red", 0, -0.5, 0.025), bowl("blue", 0, -0.5))).success
