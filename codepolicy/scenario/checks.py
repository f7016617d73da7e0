"""Checks a scenario file beyond its shape: kinds, colours, counts, variables, templates, layout, success.

Pydantic (``schema.py``) checks the structure; these checks need several fields at once. Each problem is a
``(path, message)`` pair so the loader can point at the line in the YAML file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codepolicy.envs.frame import (
    COLORS,
    CORNERS,
    DIRECTIONS,
    KINDS,
    LOCATIONS,
    SEEN_COLORS,
    SIDES,
    UNSEEN_COLORS,
)
from codepolicy.scenario.binding import (
    LOCATION_SETS,
    Category,
    Path,
    VarInfo,
    check_condition,
    close_matches,
    condition_data,
    template_fields,
    whole_ref,
)
from codepolicy.scenario.schema import (
    SPLITS,
    BesideVar,
    ByDistanceVar,
    ChoiceOption,
    ChoiceVar,
    NthVar,
    OffsetVar,
    PickVar,
    RelativeTarget,
    ScenarioFile,
    Split,
)

Problems = list[tuple[Path, str]]

PRESETS: dict[str, tuple[str, ...]] = {
    "corners": tuple(CORNERS),
    "sides": tuple(SIDES),
    "corners_and_sides": (*CORNERS, *SIDES),
    "locations": tuple(LOCATIONS),
    "directions": tuple(DIRECTIONS),
}
"""Named value lists for ``choice:`` (and ``by_distance.among`` for the location presets)."""

SPLIT_PALETTES: dict[Split, tuple[str, ...]] = {"seen": SEEN_COLORS, "unseen": UNSEEN_COLORS}
EXTREMES = ("closest", "farthest")


def color_domains(spec: ScenarioFile) -> dict[str, dict[Split, tuple[str, ...]]]:
    """The colours each kind may take, per attribute split (``match`` kinds copy their source's)."""
    out: dict[str, dict[Split, tuple[str, ...]]] = {}
    for kind, obj in spec.objects.items():
        domains: dict[Split, tuple[str, ...]] = {}
        for split in SPLITS:
            given = getattr(obj.colors, split) if obj.colors is not None else None
            domains[split] = tuple(given) if given else SPLIT_PALETTES[split]
        out[kind] = domains
    for kind, obj in spec.objects.items():
        if obj.match in out:
            out[kind] = out[obj.match]
    return out


def count_range(spec: ScenarioFile, kind: str) -> tuple[int, int]:
    """The [min, max] count of a kind, following ``match``."""
    obj = spec.objects[kind]
    if obj.match is not None and obj.match in spec.objects:
        return spec.objects[obj.match].count
    return obj.count


def choice_options(var: ChoiceVar) -> list[tuple[str, Any]]:
    """``(text, value)`` pairs of a choice variable."""
    if isinstance(var.choice, str):
        return [(v, v) for v in PRESETS.get(var.choice, ())]
    out: list[tuple[str, Any]] = []
    for item in var.choice:
        if isinstance(item, ChoiceOption):
            out.append((item.text, item.value))
        else:
            out.append((str(item), item))
    return out


def _choice_category(values: list[Any]) -> Category:
    if values and all(isinstance(v, str) and v in LOCATIONS for v in values):
        return "location"
    if values and all(isinstance(v, str) and v in DIRECTIONS for v in values):
        return "direction"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "number"
    return "text"


def check_spec(spec: ScenarioFile) -> tuple[Problems, dict[str, VarInfo]]:
    """All cross-field problems of a scenario file.

    Returns:
        The problems (empty when the file is valid) and what is known about each variable.
    """
    problems: Problems = []
    _check_objects(spec, problems)
    infos = _check_variables(spec, problems)
    _check_instructions(spec, infos, problems)
    _check_layout(spec, infos, problems)
    domains: dict[str, dict[str, tuple[str, ...]]] = {
        k: {str(split): colors for split, colors in d.items()}
        for k, d in color_domains(spec).items()
        if k in KINDS
    }
    problems.extend(check_condition(condition_data(spec.success), infos, domains))
    return problems, infos


def _check_objects(spec: ScenarioFile, problems: Problems) -> None:
    for kind, obj in spec.objects.items():
        path: Path = ("objects", kind)
        if kind not in KINDS:
            problems.append(
                (path, f"unknown object kind '{kind}'; expected one of: {', '.join(KINDS)}")
            )
            continue
        if obj.match is not None:
            if obj.match == kind or obj.match not in spec.objects or obj.match not in KINDS:
                others = [k for k in spec.objects if k != kind]
                problems.append(
                    (
                        (*path, "match"),
                        f"'match' must name another declared kind ({others or 'none'})",
                    )
                )
            elif spec.objects[obj.match].match is not None:
                problems.append(
                    (
                        (*path, "match"),
                        f"'{obj.match}' itself matches another kind; chains are not allowed",
                    )
                )
            if "count" in obj.model_fields_set and obj.count != count_range(spec, kind):
                problems.append(
                    (
                        (*path, "count"),
                        f"count must be omitted (it equals the count of '{obj.match}')",
                    )
                )
            if obj.colors is not None:
                problems.append(
                    ((*path, "colors"), f"colors must be omitted (they are those of '{obj.match}')")
                )
            continue
        if obj.colors is not None:
            for split in SPLITS:
                given = getattr(obj.colors, split)
                for i, color in enumerate(given or ()):
                    where = (*path, "colors", split, i)
                    if color not in COLORS:
                        problems.append(
                            (where, f"unknown colour '{color}'{close_matches(color, list(COLORS))}")
                        )
                    elif color not in SPLIT_PALETTES[split]:
                        allowed = ", ".join(SPLIT_PALETTES[split])
                        problems.append(
                            (where, f"'{color}' is not a {split} colour (allowed: {allowed})")
                        )
                    elif given is not None and color in given[:i]:
                        problems.append((where, f"colour '{color}' is listed twice"))
        domains = color_domains(spec)[kind]
        high = obj.count[1]
        for split in SPLITS:
            if high > len(domains[split]):
                problems.append(
                    (
                        (*path, "count"),
                        f"up to {high} {kind}s need {high} distinct colours but the {split} "
                        "colour domain has only "
                        f"{len(domains[split])} ({', '.join(domains[split])})",
                    )
                )
    if all(count_range(spec, k)[1] == 0 for k in spec.objects if k in KINDS):
        problems.append((("objects",), "the scenario never spawns any object"))


def _check_variables(spec: ScenarioFile, problems: Problems) -> dict[str, VarInfo]:
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


def _kind_ok(spec: ScenarioFile, kind: str, path: Path, problems: Problems) -> bool:
    if kind in spec.objects and kind in KINDS:
        return True
    declared = ", ".join(k for k in spec.objects if k in KINDS)
    problems.append((path, f"unknown object kind '{kind}' (the scenario declares: {declared})"))
    return False


def _ref(
    value: Any,
    path: Path,
    wanted: tuple[Category, ...],
    infos: Mapping[str, VarInfo],
    problems: Problems,
) -> VarInfo | None:
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
    _ref(value, path, ("direction",), infos, problems)


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
            _kind_ok(spec, kind, where if isinstance(var.pick, str) else (*where, i), problems)
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
            _ref(var.offset.distance, (*where, "distance"), ("number",), infos, problems)
        _direction(var.offset.direction, (*where, "direction"), infos, problems)
        return VarInfo(name, "offset", "number")
    if isinstance(var, BesideVar):
        where = (*path, "beside")
        _kind_ok(spec, var.beside.kind, (*where, "kind"), problems)
        _ref(var.beside.of, (*where, "of"), ("object",), infos, problems)
        _direction(var.beside.direction, (*where, "direction"), infos, problems)
        return VarInfo(name, "beside", "object", (var.beside.kind,))
    if isinstance(var, ByDistanceVar):
        return _by_distance_info(spec, name, var, (*path, "by_distance"), infos, problems)
    if isinstance(var, NthVar):
        where = (*path, "nth")
        if not _kind_ok(spec, var.nth.kind, (*where, "kind"), problems):
            return VarInfo(name, "nth", "object", (var.nth.kind,))
        low = count_range(spec, var.nth.kind)[0]
        if isinstance(var.nth.n, str):
            info = _ref(var.nth.n, (*where, "n"), ("number",), infos, problems)
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
    _ref(spec_.to, (*where, "to"), ("object",), infos, problems)
    if isinstance(spec_.extreme, str) and whole_ref(spec_.extreme) is None:
        if spec_.extreme not in EXTREMES:
            problems.append(
                (
                    (*where, "extreme"),
                    f"extreme must be 'closest' or 'farthest', got '{spec_.extreme}'",
                )
            )
    else:
        info = _ref(spec_.extreme, (*where, "extreme"), ("text",), infos, problems)
        if info is not None and not set(info.values or ("?",)) <= set(EXTREMES):
            problems.append(
                ((*where, "extreme"), f"'{spec_.extreme}' must only hold 'closest' or 'farthest'")
            )
    if spec_.among in ("corners", "sides", "corners_and_sides", "locations"):
        return VarInfo(name, "by_distance", "location", values=PRESETS[spec_.among])
    _kind_ok(spec, spec_.among, (*where, "among"), problems)
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


def _check_instructions(
    spec: ScenarioFile, infos: Mapping[str, VarInfo], problems: Problems
) -> None:
    for i, template in enumerate(spec.instructions):
        path: Path = ("instructions", i)
        try:
            names = template_fields(template)
        except ValueError as exc:
            problems.append((path, f"bad template: {exc}"))
            continue
        for name in names:
            if name not in infos and name not in spec.variables:
                hint = close_matches(name, list(infos))
                problems.append((path, f"unknown variable '{{{name}}}' in instruction{hint}"))


def _check_layout(spec: ScenarioFile, infos: Mapping[str, VarInfo], problems: Problems) -> None:
    for i, item in enumerate(spec.layout.keep_clear):
        path: Path = ("layout", "keep_clear", i)
        if isinstance(item, RelativeTarget):
            _ref(item.relative_to, (*path, "relative_to"), ("object",), infos, problems)
            for axis in ("dx", "dy"):
                value = getattr(item, axis)
                if isinstance(value, str):
                    _ref(value, (*path, axis), ("number",), infos, problems)
        elif whole_ref(item) is not None:
            _ref(item, path, ("location",), infos, problems)
        elif item not in LOCATIONS and item not in LOCATION_SETS:
            hint = close_matches(item, [*LOCATIONS, *LOCATION_SETS])
            problems.append((path, f"unknown location '{item}'{hint}"))
