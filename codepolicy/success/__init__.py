"""Declarative success conditions: the language, evaluation, explanations and dense reward.

Example:
    >>> from codepolicy.envs.state import ObjectState, SceneState
    >>> red = ObjectState("red block", "block", "red", (0.1, -0.5, 0.02), (0.04, 0.04, 0.04))
    >>> bowl = ObjectState("blue bowl", "bowl", "blue", (0.1, -0.5, 0.025), (0.14, 0.14, 0.05))
    >>> scene = SceneState(objects={o.name: o for o in (red, bowl)})
    >>> evaluate({"inside": {"object": "red block", "container": "blue bowl"}}, scene).reward
    1.0
"""

from codepolicy.success.evaluate import LOCATION_GROUPS, evaluate, is_success
from codepolicy.success.explain import blocking_issues, describe_condition, summarize
from codepolicy.success.results import (
    ConditionError,
    ConditionResult,
    PredicateResult,
    SuccessEvaluation,
)
from codepolicy.success.spec import PREDICATES, SET_NAMES, parse_condition, predicate_name

__all__ = [
    "LOCATION_GROUPS",
    "PREDICATES",
    "SET_NAMES",
    "ConditionError",
    "ConditionResult",
    "PredicateResult",
    "SuccessEvaluation",
    "blocking_issues",
    "describe_condition",
    "evaluate",
    "is_success",
    "parse_condition",
    "predicate_name",
    "summarize",
]
