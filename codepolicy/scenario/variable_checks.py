"""Checks of a scenario's ``variables:``: each definition form, references between them, pick counts.

Variables are checked in declaration order; a variable may only refer to one declared above it. What
is learnt about each (:class:`~.refs.VarInfo`) feeds the checks of instructions, layout and success.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codepolicy.envs.frame import DIRECTIONS, KINDS, LOCATIONS
from codepolicy.scenario.domains import PRESETS, choice_options, count_range
from codepolicy.scenario.refs import Category, Path, Problems, VarInfo, close_matches, whole_ref
from codepolicy.scenario.schema import (
    BesideVar,
    ByDistanceVar,
    ChoiceVar,
    NthVar,
    OffsetVar,
    PickVar,
    ScenarioFile,
)

EXTREMES = ("closest", "farthest")


def _choice_category(values: list[Any]) -> Category:
    if values and all(isinstance(v, str) and v in LOCATIONS for v in values):
        return "location"
    if values and all(isinstance(v, str) and v in DIRECTIONS for v in values):
        return "direction"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "number"
    return "text"


def check_variables(spec: ScenarioFile, problems: Problems) -> dict[str, VarInfo]:
    """Check every variable in declaration order; returns what is known about the valid ones."""
    infos: dict[str, VarInfo] = {}
    for name, var in spec.variables.items():
        path: Path = ("variables", name)
        if not isinstance(name, str) or not name.isidentifier():
            problems.append(
                (path, f"variable name '{name}' must be an identifier (letters, digits, _)")
            )
            continue
        info = _variable_info(spec, name, var, path, infos, problems)
        if info is not None:
            infos[name] = info
    _check_pick_counts(spec, problems)
    return infos


def kind_ok(spec: ScenarioFile, kind: str, path: Path, problems: Problems) -> bool:
    """Whether ``kind`` is a declared object kind (else a problem at ``path``)."""
    if kind in spec.objects and kind in KINDS:
        return True
    declared = ", ".join(k for k in spec.objects if k in KINDS)
    problems.append((path, f"unknown object kind '{kind}' (the scenario declares: {declared})"))
    return False


def check_ref(
    value: Any,
    path: Path,
    wanted: tuple[Category, ...],
    infos: Mapping[str, VarInfo],
    problems: Problems,
) -> VarInfo | None:
    """The variable ``value`` refers to (``{name}``), if declared above and holding ``wanted``."""
    name = whole_ref(value) if isinstance(value, str) else None
    if name is None:
        problems.append(
            (path, f"expected a {{variable}} holding {' or '.join(wanted)}, got {value!r}")
        )
        return None
    info = infos.get(name)
    if info is None:
        hint = close_matches(name, list(infos))
        problems.append(
            (
                path,
                f"unknown variable '{{{name}}}'{hint} (variables must be declared above their use)",
            )
        )
        return None
    if info.category not in wanted:
        detail = f"holds {info.category} values"
        if info.values is not None and "direction" in wanted:
            bad = [v for v in info.values if v not in DIRECTIONS]
            detail = f"may hold {bad[0]!r}, which is not a direction ({', '.join(DIRECTIONS)})"
        problems.append((path, f"'{{{name}}}' {detail}; expected {' or '.join(wanted)}"))
        return None
    return info


def _direction(value: Any, path: Path, infos: Mapping[str, VarInfo], problems: Problems) -> None:
    if isinstance(value, str) and whole_ref(value) is None:
        if value not in DIRECTIONS:
            hint = close_matches(value, list(DIRECTIONS))
            problems.append(
                (
                    path,
                    f"unknown direction '{value}'{hint}; expected one of: {', '.join(DIRECTIONS)}",
                )
            )
        return
    check_ref(value, path, ("direction",), infos, problems)


def _variable_info(
    spec: ScenarioFile,
    name: str,
    var: Any,
    path: Path,
    infos: Mapping[str, VarInfo],
    problems: Problems,
) -> VarInfo | None:
    if isinstance(var, PickVar):
        kinds = [var.pick] if isinstance(var.pick, str) else list(var.pick)
        where = (*path, "pick")
        for i, kind in enumerate(kinds):
            kind_ok(spec, kind, where if isinstance(var.pick, str) else (*where, i), problems)
        if not kinds:
            problems.append((where, "pick needs at least one kind"))
        return VarInfo(name, "pick", "object", tuple(kinds))
    if isinstance(var, ChoiceVar):
        where = (*path, "choice")
        if isinstance(var.choice, str) and var.choice not in PRESETS:
            hint = close_matches(var.choice, list(PRESETS))
            problems.append(
                (where, f"unknown preset '{var.choice}'{hint}; presets: {', '.join(PRESETS)}")
            )
            return None
        options = choice_options(var)
        if not options:
            problems.append((where, "a choice needs at least one value"))
            return None
        values = [v for _, v in options]
        for i, value in enumerate(values):
            if value in values[:i]:
                problems.append(((*where, i), f"value {value!r} is listed twice"))
        return VarInfo(name, "choice", _choice_category(values), values=tuple(values))
    if isinstance(var, OffsetVar):
        where = (*path, "offset")
        if isinstance(var.offset.distance, str):
            check_ref(var.offset.distance, (*where, "distance"), ("number",), infos, problems)
        _direction(var.offset.direction, (*where, "direction"), infos, problems)
        return VarInfo(name, "offset", "number")
    if isinstance(var, BesideVar):
        where = (*path, "beside")
        kind_ok(spec, var.beside.kind, (*where, "kind"), problems)
        check_ref(var.beside.of, (*where, "of"), ("object",), infos, problems)
        _direction(var.beside.direction, (*where, "direction"), infos, problems)
        return VarInfo(name, "beside", "object", (var.beside.kind,))
    if isinstance(var, ByDistanceVar):
        return _by_distance_info(spec, name, var, (*path, "by_distance"), infos, problems)
    if isinstance(var, NthVar):
        where = (*path, "nth")
        if not kind_ok(spec, var.nth.kind, (*where, "kind"), problems):
            return VarInfo(name, "nth", "object", (var.nth.kind,))
        low = count_range(spec, var.nth.kind)[0]
        if isinstance(var.nth.n, str):
            info = check_ref(var.nth.n, (*where, "n"), ("number",), infos, problems)
            ranks = list(info.values or ()) if info else []
        else:
            ranks = [var.nth.n]
        for rank in ranks:
            if not isinstance(rank, int) or not 1 <= rank <= low:
                problems.append(
                    (
                        (*where, "n"),
                        f"rank {rank!r} is impossible: expected 1..{low} "
                        f"(the fewest {var.nth.kind}s sampled)",
                    )
                )
                break
        _direction(var.nth.from_, (*where, "from"), infos, problems)
        return VarInfo(name, "nth", "object", (var.nth.kind,))
    return None


def _by_distance_info(
    spec: ScenarioFile,
    name: str,
    var: ByDistanceVar,
    where: Path,
    infos: Mapping[str, VarInfo],
    problems: Problems,
) -> VarInfo | None:
    spec_ = var.by_distance
    check_ref(spec_.to, (*where, "to"), ("object",), infos, problems)
    if isinstance(spec_.extreme, str) and whole_ref(spec_.extreme) is None:
        if spec_.extreme not in EXTREMES:
            problems.append(
                (
                    (*where, "extreme"),
                    f"extreme must be 'closest' or 'farthest', got '{spec_.extreme}'",
                )
            )
    else:
        info = check_ref(spec_.extreme, (*where, "extreme"), ("text",), infos, problems)
        if info is not None and not set(info.values or ("?",)) <= set(EXTREMES):
            problems.append(
                ((*where, "extreme"), f"'{spec_.extreme}' must only hold 'closest' or 'farthest'")
            )
    if spec_.among in ("corners", "sides", "corners_and_sides", "locations"):
        return VarInfo(name, "by_distance", "location", values=PRESETS[spec_.among])
    kind_ok(spec, spec_.among, (*where, "among"), problems)
    return VarInfo(name, "by_distance", "object", (spec_.among,))


def _check_pick_counts(spec: ScenarioFile, problems: Problems) -> None:
    picks = {
        n: ([v.pick] if isinstance(v.pick, str) else list(v.pick))
        for n, v in spec.variables.items()
        if isinstance(v, PickVar)
    }
    for name, kinds in picks.items():
        if not all(k in spec.objects and k in KINDS for k in kinds):
            continue
        users = [n for n, ks in picks.items() if set(ks) <= set(kinds)]
        available = sum(count_range(spec, k)[0] for k in kinds)
        if len(users) > available:
            problems.append(
                (
                    ("variables", name, "pick"),
                    f"{len(users)} distinct objects are picked from {'/'.join(kinds)} ({', '.join(users)}) "
                    f"but as few as {available} may be sampled",
                )
            )
