"""Evaluate a bound success condition on a :class:`SceneState`: truth, dense reward, explanations.

The condition is *bound*: scenario variables are already substituted. Strings are object names,
the sets ``blocks`` / ``bowls`` / ``objects``, location names from
:data:`codepolicy.envs.frame.LOCATIONS` (or the groups ``corners`` / ``sides`` / ``locations``),
and, inside ``forall`` / ``exists`` only, quantifier variables ``{b}``.

Reward: a leaf's progress is 1.0 when it holds and at most 0.9 otherwise, growing as it gets
closer; ``all`` / ``forall`` average their children, ``any`` / ``exists`` take the best, ``not``
uses its child's progress towards being false. So the reward is exactly 1.0 iff the task succeeds.

Only object poses are read (not ``SceneState.held`` or the gripper), so the same condition judges
the physics world, the kinematic backend and a real robot alike; a block still held in the air fails
``on`` / ``inside`` / ``at`` by its height. Semantics: :mod:`codepolicy.success.predicates`.

Example:
    >>> from codepolicy.envs.state import ObjectState, SceneState
    >>> red = ObjectState("red block", "block", "red", (0.0, -0.5, 0.02), (0.04, 0.04, 0.04))
    >>> bowl = ObjectState("blue bowl", "bowl", "blue", (0.1, -0.5, 0.025), (0.14, 0.14, 0.05))
    >>> scene = SceneState(objects={o.name: o for o in (red, bowl)})
    >>> result = evaluate({"on": {"object": "red block", "target": "blue bowl"}}, scene)
    >>> result.success, round(result.reward, 2)
    (False, 0.78)
    >>> result.predicates[0].explanation
    'red block is 10.0 cm from the blue bowl; needs < 6.0 cm'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from codepolicy.envs.frame import CORNERS, LOCATIONS, SIDES
from codepolicy.envs.state import ObjectState, SceneState
from codepolicy.success import predicates as P
from codepolicy.success import spec as S
from codepolicy.success.explain import describe_condition, summarize
from codepolicy.success.results import (
    ConditionError,
    ConditionResult,
    PredicateResult,
    SuccessEvaluation,
)

GRIPPER = "gripper"
"""A reference to the gripper's tool centre point, usable wherever an object is (when no object
has that name), e.g. ``near: {object: gripper, reference: target, distance: 0.05, dims: xyz}``."""
_VARIABLE = re.compile(r"^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")
LOCATION_GROUPS: dict[str, dict[str, tuple[float, float]]] = {
    "corners": dict(CORNERS),
    "sides": dict(SIDES),
    "locations": dict(LOCATIONS),
}
_LOCATION_ALIASES = {"center": "middle", "centre": "middle", "the middle": "middle"}
_ORIENTATIONS = {
    "horizontal": "horizontal",
    "row": "horizontal",
    "x": "horizontal",
    "vertical": "vertical",
    "column": "vertical",
    "y": "vertical",
    "diagonal": "diagonal",
    "any": "any",
}
_SET_KINDS = {"blocks": "block", "bowls": "bowl", "objects": None}
Location = tuple[str, tuple[float, float]]


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _xy_label(point: Sequence[float]) -> str:
    return f"point ({float(point[0]):.2f}, {float(point[1]):.2f})"


class _Evaluator:
    """One evaluation: resolves names against the scene and records leaf results in order."""

    def __init__(self, scene: SceneState) -> None:
        self.scene = scene
        self.leaves: list[PredicateResult] = []
        self._silent = 0  # > 0 while evaluating a quantifier's `where` filter
        self._by_norm = {_norm(name): name for name in scene.objects}

    # ---- name resolution -----------------------------------------------------------------------

    def _variable(self, ref: str, env: Mapping[str, str]) -> str | None:
        match = _VARIABLE.match(ref.strip())
        if match is None:
            return None
        var = match.group(1)
        if var not in env:
            bound = ", ".join(sorted(env)) or "none"
            raise ConditionError(
                f"unbound variable {ref!r}: quantifier variables in scope are {bound} "
                "(scenario variables must be substituted before evaluation)"
            )
        return env[var]

    def _known_objects(self) -> str:
        return ", ".join(self.scene.objects) or "(the scene is empty)"

    def obj(self, ref: str, env: Mapping[str, str]) -> ObjectState:
        """The object a reference names (a literal name or a quantifier variable)."""
        name = self._variable(ref, env) or ref
        if name in self.scene.objects:
            return self.scene.objects[name]
        if name == GRIPPER:
            return ObjectState(GRIPPER, GRIPPER, "gray", self.scene.gripper_position, (0, 0, 0))
        found = self._by_norm.get(_norm(name))
        if found is None:
            raise ConditionError(f"unknown object {name!r}; known objects: {self._known_objects()}")
        return self.scene.objects[found]

    def objects(self, ref: str | Sequence[str], env: Mapping[str, str]) -> list[ObjectState]:
        """The objects a set reference stands for, in scene (or list) order, without repeats."""
        if isinstance(ref, str):
            bound = self._variable(ref, env)
            key = _norm(bound or ref)
            if key in _SET_KINDS:
                kind = _SET_KINDS[key]
                return [o for o in self.scene.objects.values() if kind is None or o.kind == kind]
            if bound is None and key not in self._by_norm:
                raise ConditionError(
                    f"unknown object set {ref!r}; use one of {', '.join(_SET_KINDS)}, "
                    f"a list, or an object name ({self._known_objects()})"
                )
            return [self.obj(ref, env)]
        out: list[ObjectState] = []
        for item in ref:
            o = self.obj(item, env)
            if all(o.name != seen.name for seen in out):
                out.append(o)
        return out

    def location(self, ref: str | Sequence[float], env: Mapping[str, str]) -> Location:
        """A named location, an [x, y] point, or (leniently) an object's position."""
        if not isinstance(ref, str):
            if len(ref) != 2:
                raise ConditionError(f"a location point needs [x, y], got {list(ref)!r}")
            return _xy_label(ref), (float(ref[0]), float(ref[1]))
        name = self._variable(ref, env) or ref
        key = _LOCATION_ALIASES.get(_norm(name), _norm(name))
        for loc_name, point in LOCATIONS.items():
            if _norm(loc_name) == key:
                return loc_name, point
        if key in self._by_norm:
            o = self.scene.objects[self._by_norm[key]]
            return o.name, (o.position[0], o.position[1])
        raise ConditionError(
            f"unknown location {name!r}; known locations: {', '.join(LOCATIONS)} "
            f"(or an [x, y] point, or an object name)"
        )

    def locations(self, ref: str | Sequence[Any], env: Mapping[str, str]) -> list[Location]:
        items: Sequence[Any] = [ref] if isinstance(ref, str) else ref
        out: list[Location] = []
        for item in items:
            group = LOCATION_GROUPS.get(_norm(item)) if isinstance(item, str) else None
            found = list(group.items()) if group is not None else [self.location(item, env)]
            out.extend(loc for loc in found if loc not in out)
        return out

    # ---- nodes ---------------------------------------------------------------------------------

    def node(self, cond: BaseModel, env: dict[str, str], negated: bool) -> ConditionResult:
        if isinstance(cond, S.All | S.AnyOf):
            items = cond.all if isinstance(cond, S.All) else cond.any
            kids = [self.node(c, env, negated) for c in items]
            return _combine(S.predicate_name(cond), describe_condition(cond), kids)
        if isinstance(cond, S.Not):
            child = self.node(cond.not_, env, not negated)
            return ConditionResult(
                kind="not",
                text=describe_condition(cond),
                holds=not child.holds,
                progress=child.progress_to_false,
                progress_to_false=child.progress,
                children=[child],
            )
        if isinstance(cond, S.ForAll | S.Exists):
            return self._quantifier(cond, env, negated)
        return self._leaf(cond, env, negated)

    def _quantifier(
        self, cond: S.ForAll | S.Exists, env: dict[str, str], negated: bool
    ) -> ConditionResult:
        q = cond.forall if isinstance(cond, S.ForAll) else cond.exists
        members = self.objects(q.in_, env)
        note = ""
        if q.where is not None:
            self._silent += 1
            try:
                where = q.where
                members = [
                    o for o in members if self.node(where, {**env, q.var: o.name}, False).holds
                ]
            finally:
                self._silent -= 1
            note = f"{len(members)} element(s) pass the filter"
        kids = [
            self.node(q.check, {**env, q.var: o.name}, negated).model_copy(
                update={"binding": f"{q.var} = {o.name}"}
            )
            for o in members
        ]
        kind = S.predicate_name(cond)
        if not kids:
            scope = ", ".join(f"{k} = {v}" for k, v in env.items())
            note = "no element" + (" passes the filter" if q.where is not None else " in the set")
            note += f" (with {scope})" if scope else ""
        return _combine(kind, describe_condition(cond), kids, note)

    def _leaf(self, cond: BaseModel, env: dict[str, str], negated: bool) -> ConditionResult:
        key = S.predicate_name(cond)
        text, out = self._check(cond, env)
        index = -1
        if not self._silent:
            index = len(self.leaves)
            self.leaves.append(
                PredicateResult(
                    index=index,
                    predicate=key,
                    text=text,
                    holds=out.holds,
                    progress=out.progress,
                    explanation=out.explanation,
                    negated=negated,
                    bindings=dict(env),
                )
            )
        return ConditionResult(
            kind=key,
            text=text,
            holds=out.holds,
            progress=out.progress,
            progress_to_false=out.anti_progress,
            predicate_index=index if index >= 0 else None,
        )

    def _check(self, cond: BaseModel, env: dict[str, str]) -> tuple[str, P.LeafOutcome]:
        o = self.obj
        if isinstance(cond, S.On | S.Inside):
            if isinstance(cond, S.On):
                a, t = o(cond.on.object, env), o(cond.on.target, env)
                return f"on({a.name}, {t.name})", P.on(a, t)
            a, t = o(cond.inside.object, env), o(cond.inside.container, env)
            return f"inside({a.name}, {t.name})", P.inside(a, t)
        if isinstance(cond, S.At):
            a = o(cond.at.object, env)
            label, point = self.location(cond.at.location, env)
            out = P.at(a, point, label, cond.at.tolerance, self.scene)
            return f"at({a.name}, {label})", out
        if isinstance(cond, S.Stacked):
            objs = self.objects(cond.stacked.objects, env)
            if cond.stacked.order == "any":
                objs = sorted(objs, key=lambda x: (x.bottom_z, x.name))
            return f"stacked({', '.join(x.name for x in objs)})", P.stacked(objs)
        if isinstance(cond, S.InLine):
            args = cond.in_line
            objs = self.objects(args.objects, env)
            orientation = _ORIENTATIONS.get(_norm(args.orientation))
            if orientation is None:
                raise ConditionError(
                    f"unknown in_line orientation {args.orientation!r}; "
                    "use horizontal, vertical, diagonal or any"
                )
            out = P.in_line(objs, orientation, args.tolerance, args.min_spacing)
            return f"in_line({', '.join(x.name for x in objs)}; {orientation})", out
        if isinstance(cond, S.LeftOf | S.RightOf | S.Above | S.Below):
            key = S.predicate_name(cond)
            rel: S.RelationArgs = getattr(cond, key)
            a, r = o(rel.object, env), o(rel.reference, env)
            return f"{key}({a.name}, {r.name})", P.relation(key, a, r, rel.margin)
        if isinstance(cond, S.Near):
            a, r = o(cond.near.object, env), o(cond.near.reference, env)
            out = P.near(a, r, cond.near.distance, cond.near.dims)
            return f"near({a.name}, {r.name})", out
        if isinstance(cond, S.Offset):
            args2 = cond.offset
            a, r = o(args2.object, env), o(args2.reference, env)
            dx, dy = _number(args2.dx, "dx"), _number(args2.dy, "dy")
            text = f"offset({a.name}, {r.name}, dx={dx:+.2f}, dy={dy:+.2f})"
            return text, P.offset(a, r, dx, dy, args2.tolerance)
        if isinstance(cond, S.DistinctLocations):
            args3 = cond.distinct_locations
            objs = self.objects(args3.objects, env)
            locs = self.locations(args3.locations, env)
            text = f"distinct_locations({', '.join(x.name for x in objs)})"
            return text, P.distinct_locations(objs, locs, args3.tolerance)
        if isinstance(cond, S.SameColor | S.DifferentColor):
            key = S.predicate_name(cond)
            pair = cond.same_color if isinstance(cond, S.SameColor) else cond.different_color
            a, b = o(pair[0], env), o(pair[1], env)
            return f"{key}({a.name}, {b.name})", P.same_color(a, b, isinstance(cond, S.SameColor))
        raise ConditionError(f"cannot evaluate condition node {cond!r}")


def _number(value: float | str, field: str) -> float:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise ConditionError(
                f"offset {field} must be a number after binding, got {value!r}"
            ) from None
    return float(value)


def _combine(kind: str, text: str, kids: list[ConditionResult], note: str = "") -> ConditionResult:
    """Truth and progress of a conjunction (all / forall) or disjunction (any / exists)."""
    conjunction = kind in ("all", "forall")
    if not kids:  # empty forall is true, empty exists is false
        value = 1.0 if conjunction else 0.0
        return ConditionResult(
            kind=kind, text=text, holds=conjunction, progress=value,
            progress_to_false=1.0 - value, note=note,
        )  # fmt: skip
    pro = [k.progress for k in kids]
    con = [k.progress_to_false for k in kids]
    if conjunction:
        holds, progress, to_false = all(k.holds for k in kids), sum(pro) / len(pro), max(con)
    else:
        holds, progress, to_false = any(k.holds for k in kids), max(pro), sum(con) / len(con)
    return ConditionResult(
        kind=kind,
        text=text,
        holds=holds,
        progress=1.0 if holds else min(progress, 0.999),
        progress_to_false=1.0 if not holds else min(to_false, 0.999),
        note=note,
        children=kids,
    )


def evaluate(condition: BaseModel | Mapping[str, Any], scene: SceneState) -> SuccessEvaluation:
    """Evaluate a bound condition (a model from :mod:`codepolicy.success.spec`, or plain data).

    Raises:
        ConditionError: An unknown object / location / set name, an unbound variable, or a value
            that is still a string where a number is needed.
    """
    if isinstance(condition, BaseModel):
        model = condition
    else:
        try:
            model = S.parse_condition(condition)
        except ValidationError as exc:
            raise ConditionError(f"invalid condition: {exc}") from exc
    ev = _Evaluator(scene)
    tree = ev.node(model, {}, False)
    success = tree.holds
    reward = 1.0 if success else max(0.0, min(tree.progress, 0.999))
    return SuccessEvaluation(
        success=success,
        reward=reward,
        explanation=summarize(tree, ev.leaves),
        predicates=ev.leaves,
        tree=tree,
        condition=describe_condition(model),
    )


def is_success(condition: BaseModel | Mapping[str, Any], scene: SceneState) -> bool:
    """Shorthand for ``evaluate(condition, scene).success``."""
    return evaluate(condition, scene).success
