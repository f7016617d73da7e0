"""Checks a scenario file beyond its shape: kinds, colours, counts, variables, templates, layout, success.

Pydantic (``schema.py``) checks the structure; these checks need several fields at once. Each problem is a
``(path, message)`` pair so the loader can point at the line in the YAML file.
"""

from __future__ import annotations

from collections.abc import Mapping

from codepolicy.envs.frame import COLORS, KINDS, LOCATIONS
from codepolicy.scenario.binding import condition_data
from codepolicy.scenario.condition_checks import check_condition
from codepolicy.scenario.domains import SPLIT_PALETTES, color_domains, count_range
from codepolicy.scenario.refs import (
    LOCATION_SETS,
    Path,
    Problems,
    VarInfo,
    close_matches,
    template_fields,
    whole_ref,
)
from codepolicy.scenario.schema import SPLITS, RelativeTarget, ScenarioFile
from codepolicy.scenario.variable_checks import check_ref, check_variables


def check_spec(spec: ScenarioFile) -> tuple[Problems, dict[str, VarInfo]]:
    """All cross-field problems of a scenario file.

    Returns:
        The problems (empty when the file is valid) and what is known about each variable.
    """
    problems: Problems = []
    _check_objects(spec, problems)
    infos = check_variables(spec, problems)
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
            check_ref(item.relative_to, (*path, "relative_to"), ("object",), infos, problems)
            for axis in ("dx", "dy"):
                value = getattr(item, axis)
                if isinstance(value, str):
                    check_ref(value, (*path, axis), ("number",), infos, problems)
        elif whole_ref(item) is not None:
            check_ref(item, path, ("location",), infos, problems)
        elif item not in LOCATIONS and item not in LOCATION_SETS:
            hint = close_matches(item, [*LOCATIONS, *LOCATION_SETS])
            problems.append((path, f"unknown location '{item}'{hint}"))
