"""Binding scenario variables into success conditions: substitute bound values, then validate.

Scenario variables (declared under ``variables:``) are replaced when an episode is sampled. Quantifier
variables (``forall`` / ``exists`` ``var:``) are in scope only inside their ``where`` / ``check`` and are
left as ``{b}`` for the evaluator.

Example:
    >>> check = {"on": {"object": "{b}", "target": "{bowl}"}}
    >>> cond = {"forall": {"var": "b", "in": "blocks", "check": check}}
    >>> substitute(cond, {"bowl": "red bowl"}, {"bowl": "red bowl"})["forall"]["check"]
    {'on': {'object': '{b}', 'target': 'red bowl'}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codepolicy.scenario.refs import QUANTIFIERS, REF_RE, whole_ref
from codepolicy.success.spec import parse_condition


def substitute(
    data: Any,
    values: Mapping[str, Any],
    texts: Mapping[str, str],
    masked: frozenset[str] = frozenset(),
) -> Any:
    """Replace scenario variables in plain condition data, leaving quantifier variables alone.

    A string that is exactly ``{name}`` becomes the variable's value (which may be a number); a
    reference inside a longer string is replaced by the variable's text.

    Args:
        data: The condition (or any nested part) as plain data.
        values: Bound values by variable name.
        texts: Bound instruction words by variable name.
        masked: Names bound by enclosing quantifiers (not substituted).

    Returns:
        A new structure; ``data`` is not modified.
    """
    if isinstance(data, str):
        name = whole_ref(data)
        if name is not None and name in values and name not in masked:
            return values[name]
        return REF_RE.sub(
            lambda m: (
                texts[m.group(1)]
                if m.group(1) in texts and m.group(1) not in masked
                else m.group(0)
            ),
            data,
        )
    if isinstance(data, Mapping):
        if len(data) == 1:
            ((key, args),) = data.items()
            if (
                key in QUANTIFIERS
                and isinstance(args, Mapping)
                and isinstance(args.get("var"), str)
            ):
                inner = masked | {args["var"]}
                new_args = {
                    k: substitute(v, values, texts, masked if k == "in" else inner)
                    for k, v in args.items()
                }
                return {key: new_args}
        return {k: substitute(v, values, texts, masked) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [substitute(v, values, texts, masked) for v in data]
    return data


def condition_data(condition: Any, *, json: bool = False) -> Any:
    """A condition model as plain data with YAML keys (``in``, ``not``), unset optional parts dropped.

    Args:
        condition: A condition model.
        json: Lists instead of tuples (JSON-compatible data).
    """
    mode = "json" if json else "python"
    return condition.model_dump(mode=mode, by_alias=True, exclude_none=True)


def bind_condition(condition: Any, values: Mapping[str, Any], texts: Mapping[str, str]) -> Any:
    """Substitute scenario variables into a condition model and validate the result.

    Returns:
        A new condition model (see :func:`codepolicy.success.spec.parse_condition`).
    """
    return parse_condition(substitute(condition_data(condition), values, texts))
