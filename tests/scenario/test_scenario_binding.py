"""Substituting scenario variables into conditions; quantifier variables stay for the evaluator."""

from __future__ import annotations

import pytest

from codepolicy.scenario.binding import bind_condition, substitute
from codepolicy.scenario.refs import template_fields
from codepolicy.success.spec import parse_condition


def test_quantifier_variables_are_left_alone() -> None:
    cond = {
        "forall": {
            "var": "b",
            "in": "blocks",
            "check": {"at": {"object": "{b}", "location": "{location}"}},
        }
    }
    out = substitute(cond, {"location": "top side", "b": "red block"}, {"location": "top side"})
    assert out["forall"]["check"]["at"] == {"object": "{b}", "location": "top side"}


def test_numbers_are_substituted_as_numbers() -> None:
    cond = parse_condition(
        {"offset": {"object": "{block}", "reference": "{bowl}", "dx": "{dx}", "dy": "{dy}"}}
    )
    bound = bind_condition(
        cond, {"block": "red block", "bowl": "blue bowl", "dx": -0.1, "dy": 0.0}, {}
    )
    assert bound.offset.dx == -0.1 and bound.offset.reference == "blue bowl"


def test_partial_references_use_texts() -> None:
    assert substitute("the {color} block", {"color": "x"}, {"color": "red"}) == "the red block"
    assert substitute("{unknown}", {}, {}) == "{unknown}"


def test_nested_quantifiers_scope() -> None:
    cond = {
        "exists": {
            "var": "w",
            "in": ["{bowl}", "{w}"],  # `in` is evaluated outside the quantifier
            "check": {"on": {"object": "{w}", "target": "{bowl}"}},
        }
    }
    out = substitute(cond, {"bowl": "red bowl", "w": "X"}, {})
    assert out["exists"]["in"] == ["red bowl", "X"]
    assert out["exists"]["check"]["on"] == {"object": "{w}", "target": "red bowl"}


def test_template_fields() -> None:
    assert template_fields("put the {block} on the {target}") == ["block", "target"]
    for bad in ("put the {} here", "the {block.name}", "the {block!r}", "the {block", "the {0}"):
        with pytest.raises(ValueError):
            template_fields(bad)
