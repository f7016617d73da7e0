"""Variables computed from a sampled layout: the object beside another, closest/farthest, n-th from a side.

Each function returns the bound value (an object or location name) or raises :class:`Reject` when the
layout does not single out one answer with the required margin; the sampler then draws another layout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from codepolicy.envs.frame import DIRECTIONS, LOCATIONS
from codepolicy.scenario.domains import PRESETS
from codepolicy.scenario.refs import whole_ref
from codepolicy.scenario.schema import BesideVar, ByDistanceVar, NthVar

Obj = tuple[str, str, str]
"""(name, kind, colour) of a sampled object."""
XY = tuple[float, float]
Value = str | int | float


class Reject(Exception):
    """This layout does not satisfy the scenario; draw another."""


def resolve(ref: Any, values: Mapping[str, Value]) -> Any:
    """A literal, or the bound value of a ``{variable}``."""
    name = whole_ref(ref) if isinstance(ref, str) else None
    return values[name] if name is not None else ref


def _project(xy: XY, origin: XY, direction: str) -> float:
    unit = DIRECTIONS[direction]
    return (xy[0] - origin[0]) * unit[0] + (xy[1] - origin[1]) * unit[1]


def beside(
    var: BesideVar, objects: Sequence[Obj], positions: Mapping[str, XY], values: Mapping[str, Value]
) -> str:
    ref = str(resolve(var.beside.of, values))
    direction = str(resolve(var.beside.direction, values))
    margin = var.beside.margin
    candidates = [o[0] for o in objects if o[1] == var.beside.kind and o[0] != ref]
    offsets = {c: _project(positions[c], positions[ref], direction) for c in candidates}
    chosen = [c for c, d in offsets.items() if d >= margin]
    unclear = [c for c, d in offsets.items() if -margin < d < margin]
    if len(chosen) != 1 or unclear:
        raise Reject(f"not exactly one {var.beside.kind} clearly to the {direction} of the {ref}")
    return chosen[0]


def by_distance(
    var: ByDistanceVar,
    objects: Sequence[Obj],
    positions: Mapping[str, XY],
    values: Mapping[str, Value],
) -> str:
    spec = var.by_distance
    ref = str(resolve(spec.to, values))
    extreme = str(resolve(spec.extreme, values))
    if spec.among in PRESETS:
        points = {loc: LOCATIONS[loc] for loc in PRESETS[spec.among]}
    else:
        points = {o[0]: positions[o[0]] for o in objects if o[1] == spec.among and o[0] != ref}
    if not points:
        raise Reject(f"no {spec.among} to compare with the {ref}")
    ranked = sorted(
        points, key=lambda p: math.dist(points[p], positions[ref]), reverse=extreme == "farthest"
    )
    if len(ranked) > 1:
        gap = abs(
            math.dist(points[ranked[0]], positions[ref])
            - math.dist(points[ranked[1]], positions[ref])
        )
        if gap < spec.margin:
            raise Reject(f"the {extreme} {spec.among} to the {ref} is not clear (gap {gap:.3f} m)")
    return ranked[0]


def nth(
    var: NthVar, objects: Sequence[Obj], positions: Mapping[str, XY], values: Mapping[str, Value]
) -> str:
    spec = var.nth
    rank = int(resolve(spec.n, values))
    direction = str(resolve(spec.from_, values))
    names = [o[0] for o in objects if o[1] == spec.kind]
    if rank > len(names):
        raise Reject(f"fewer than {rank} {spec.kind}s")
    score = {n: _project(positions[n], (0.0, 0.0), direction) for n in names}
    ranked = sorted(names, key=lambda n: -score[n])
    chosen = ranked[rank - 1]
    neighbours = ranked[max(rank - 2, 0) : rank] + ranked[rank : rank + 1]
    if any(n != chosen and abs(score[n] - score[chosen]) < spec.margin for n in neighbours):
        raise Reject(f"the {rank}. {spec.kind} from the {direction} is not clear")
    return chosen
