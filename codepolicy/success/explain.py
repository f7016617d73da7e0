"""Human text for conditions and evaluation results.

:func:`describe_condition` turns a condition (bound or not) into one compact English sentence;
:func:`summarize` turns an evaluated tree into the feedback shown to the model: what blocks success
first, then what already holds, with long lists capped.

Example:
    >>> from codepolicy.success.spec import parse_condition
    >>> describe_condition(parse_condition({"forall": {"var": "b", "in": "blocks",
    ...     "check": {"inside": {"object": "{b}", "container": "blue bowl"}}}}))
    'every block b is inside the blue bowl'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from codepolicy.envs.frame import ON_BOWL_XY_TOLERANCE
from codepolicy.success import spec as S
from codepolicy.success.geometry import cm
from codepolicy.success.results import ConditionResult, PredicateResult

MAX_FAILURES_LISTED = 5
MAX_SUCCESSES_LISTED = 3

_VARIABLE = re.compile(r"^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")
_NOUNS = {"blocks": "block", "bowls": "bowl", "objects": "object"}


# ---- describing conditions -----------------------------------------------------------------------


def _ref(ref: str) -> str:
    """An object reference in prose: ``{b}`` reads as ``b``, a name as ``the red block``."""
    match = _VARIABLE.match(ref.strip())
    return match.group(1) if match else f"the {ref}"


_subject = _ref


def _set(ref: str | Sequence[str]) -> str:
    if isinstance(ref, str):
        match = _VARIABLE.match(ref.strip())
        if match:
            return match.group(1)
        return f"the {ref}"
    return ", ".join(_ref(r) for r in ref)


def _location(ref: Any) -> str:
    if isinstance(ref, str):
        match = _VARIABLE.match(ref.strip())
        return match.group(1) if match else f"the {ref}"
    return f"({float(ref[0]):.2f}, {float(ref[1]):.2f})"


def _locations(ref: Any) -> str:
    if isinstance(ref, str):
        group = {"corners": "corner", "sides": "side", "locations": "named location"}.get(ref)
        return f"a different {group}" if group else f"a different one of {_location(ref)}"
    return "a different one of " + ", ".join(_location(r) for r in ref)


def _leaf(node: BaseModel) -> str | None:
    if isinstance(node, S.On):
        return f"{_subject(node.on.object)} is on {_ref(node.on.target)}"
    if isinstance(node, S.Inside):
        return f"{_subject(node.inside.object)} is inside {_ref(node.inside.container)}"
    if isinstance(node, S.At):
        tol = (
            ""
            if node.at.tolerance == ON_BOWL_XY_TOLERANCE
            else f" (within {cm(node.at.tolerance)})"
        )
        return f"{_subject(node.at.object)} is at {_location(node.at.location)}{tol}"
    if isinstance(node, S.Stacked):
        how = "bottom to top" if node.stacked.order == "given" else "in any order"
        return f"{_set(node.stacked.objects)} are stacked in one tower ({how})"
    if isinstance(node, S.InLine):
        orient = node.in_line.orientation
        kind = "" if orient == "any" else f"{orient} "
        return f"{_set(node.in_line.objects)} form a {kind}line"
    if isinstance(node, S.LeftOf | S.RightOf | S.Above | S.Below):
        key = S.predicate_name(node)
        rel: S.RelationArgs = getattr(node, key)
        word = {"left_of": "left of", "right_of": "right of"}.get(key, key)
        margin = f" by more than {cm(rel.margin)}" if rel.margin > 0 else ""
        return f"{_subject(rel.object)} is {word} {_ref(rel.reference)}{margin}"
    if isinstance(node, S.Near):
        n = node.near
        return f"{_subject(n.object)} is within {cm(n.distance)} of {_ref(n.reference)}"
    if isinstance(node, S.Offset):
        o = node.offset
        dx = cm(o.dx, signed=True) if isinstance(o.dx, float | int) else o.dx
        dy = cm(o.dy, signed=True) if isinstance(o.dy, float | int) else o.dy
        return f"{_subject(o.object)} is offset by ({dx}, {dy}) from {_ref(o.reference)}"
    if isinstance(node, S.DistinctLocations):
        d = node.distinct_locations
        return f"{_set(d.objects)} are each at {_locations(d.locations)}"
    if isinstance(node, S.SameColor):
        a, b = node.same_color
        return f"{_subject(a)} has the same color as {_ref(b)}"
    if isinstance(node, S.DifferentColor):
        a, b = node.different_color
        return f"{_subject(a)} has a different color from {_ref(b)}"
    return None


def _quantified(node: S.ForAll | S.Exists) -> str:
    q = node.forall if isinstance(node, S.ForAll) else node.exists
    word = "every" if isinstance(node, S.ForAll) else "some"
    noun = _NOUNS.get(q.in_, "element") if isinstance(q.in_, str) else "element"
    scope = "" if isinstance(q.in_, str) and q.in_ in _NOUNS else f" of {_set(q.in_)}"
    head = f"{word} {noun} {q.var}{scope}"
    check = _describe(q.check, nested=True)
    inline = True  # "every block b that ... is ..." reads well only when b is each clause's subject
    if q.where is not None:
        where = _describe(q.where, nested=True)
        inline = where.startswith(f"{q.var} ")
        head += f" that {where[len(q.var) + 1 :]}" if inline else f" such that {where}"
    if inline and check.startswith(f"{q.var} "):
        return f"{head} {check[len(q.var) + 1 :]}"
    return _for(head, check)


def _for(head: str, check: str) -> str:
    return f"for {head}, {check}" if check.startswith("for ") else f"for {head}: {check}"


def _describe(node: BaseModel, nested: bool = False) -> str:
    leaf = _leaf(node)
    if leaf is not None:
        return leaf
    if isinstance(node, S.All | S.AnyOf):
        items = node.all if isinstance(node, S.All) else node.any
        joiner = " and " if isinstance(node, S.All) else " or "
        parts = [_describe(c, nested=True) for c in items]
        if len(parts) == 1:
            return parts[0]
        text = joiner.join(parts)
        if isinstance(node, S.AnyOf):
            text = "either " + text
        return f"({text})" if nested else text
    if isinstance(node, S.Not):
        return f"not ({_describe(node.not_)})"
    if isinstance(node, S.ForAll | S.Exists):
        text = _quantified(node)
        return f"({text})" if nested and (" and " in text or " or " in text) else text
    return repr(node)


def describe_condition(condition: BaseModel | Any) -> str:
    """A compact English description, e.g. ``"the red block is on the blue bowl"``."""
    if not isinstance(condition, BaseModel):
        condition = S.parse_condition(condition)
    return _describe(condition)


# ---- summarising results -------------------------------------------------------------------------


Issue = int | str  # a leaf index, or a free-text problem (e.g. an empty `exists`)


def blocking_issues(node: ConditionResult, want: bool = True) -> list[Issue]:
    """The leaves (or notes) keeping ``node`` from being ``want`` (a disjunction: its closest)."""
    if node.holds == want:
        return []
    if node.predicate_index is not None:
        return [node.predicate_index]
    if node.kind == "not":
        return blocking_issues(node.children[0], not want)
    conjunction = node.kind in ("all", "forall")
    if conjunction == want:  # every child has to be `want`
        return [i for child in node.children for i in blocking_issues(child, want)]
    if not node.children:
        return [f"{node.text}: {node.note}" if node.note else node.text]
    best = max(node.children, key=lambda c: c.progress if want else c.progress_to_false)
    return blocking_issues(best, want)


def _leaf_line(p: PredicateResult) -> str:
    if p.negated and not p.satisfied:
        return f"not {p.text} is required, but {p.explanation}"
    return f"{'not ' if p.negated else ''}{p.text}: {p.explanation}"


def summarize(tree: ConditionResult, leaves: Sequence[PredicateResult]) -> str:
    """Plain-English feedback: the failing checks first, then (capped) the satisfied ones."""
    satisfied = [p for p in leaves if p.satisfied]
    lines: list[str] = []
    if tree.holds:
        lines.append("Success: the condition holds.")
    else:
        issues: list[Issue] = []
        for issue in blocking_issues(tree):
            if issue not in issues:
                issues.append(issue)
        texts = [f"- {i}" if isinstance(i, str) else f"- {_leaf_line(leaves[i])}" for i in issues]
        lines.append(f"Not done: {len(issues)} problem(s).")
        lines.extend(texts[:MAX_FAILURES_LISTED])
        if len(texts) > MAX_FAILURES_LISTED:
            lines.append(f"- ... and {len(texts) - MAX_FAILURES_LISTED} more failing")
    if satisfied:
        lines.append(f"Satisfied ({len(satisfied)}):")
        lines.extend(f"- {_leaf_line(p)}" for p in satisfied[:MAX_SUCCESSES_LISTED])
        if len(satisfied) > MAX_SUCCESSES_LISTED:
            lines.append(f"- ... and {len(satisfied) - MAX_SUCCESSES_LISTED} more satisfied")
    return "\n".join(lines)
