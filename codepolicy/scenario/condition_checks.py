"""Checks of the strings in a success condition: unknown variables, objects, locations, sets.

Each string is checked for how it is read (its role, see :func:`~.refs.iter_sites`): a ``{variable}``
must be declared and hold the right kind of value; a literal object name must be able to exist in
the scenario (its kind declared, its colour in that kind's domain).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codepolicy.envs.frame import COLORS, LOCATIONS
from codepolicy.scenario.refs import (
    LOCATION_SETS,
    ORIENTATIONS,
    ROLE_CATEGORY,
    Category,
    Path,
    RefSite,
    Role,
    VarInfo,
    close_matches,
    iter_sites,
    refs_in,
    whole_ref,
)
from codepolicy.success.spec import SET_NAMES


def check_condition(
    cond: Any,
    variables: Mapping[str, VarInfo],
    kind_colors: Mapping[str, Mapping[str, Sequence[str]]],
    path: Path = ("success",),
) -> list[tuple[Path, str]]:
    """Problems with the strings of a condition: unknown variables, objects, locations, sets.

    Args:
        cond: The condition as plain data with YAML keys.
        variables: Scenario variables in scope.
        kind_colors: For each declared kind, its colour domain per attribute split.
        path: Where the condition sits in the document.

    Returns:
        ``(path, message)`` pairs; empty when everything is known.
    """
    problems: list[tuple[Path, str]] = []
    for site in iter_sites(cond, path):
        message = _check_site(site, variables, kind_colors)
        if message:
            problems.append((site.path, message))
    return problems


def _check_site(
    site: RefSite,
    variables: Mapping[str, VarInfo],
    kind_colors: Mapping[str, Mapping[str, Sequence[str]]],
) -> str:
    value, role = site.value, site.role
    if role == "qvar":
        if value in variables:
            return f"quantifier variable '{value}' hides the scenario variable of the same name; rename it"
        if value in site.qvars:
            return f"quantifier variable '{value}' is already bound by an enclosing quantifier"
        return ""
    name = whole_ref(value)
    if name is not None:
        return _check_var_use(name, role, site.qvars, variables)
    for ref in refs_in(value):
        if ref not in variables:
            return _unknown_var(ref, site.qvars, variables)
    if refs_in(value) or role == "other":
        return ""
    return _check_literal(value, role, kind_colors)


def _unknown_var(name: str, qvars: Sequence[str], variables: Mapping[str, VarInfo]) -> str:
    known = [*variables, *qvars]
    listing = ", ".join(known) if known else "none are declared"
    return f"unknown variable '{{{name}}}'{close_matches(name, known)} (known: {listing})"


def _check_var_use(
    name: str, role: Role, qvars: Sequence[str], variables: Mapping[str, VarInfo]
) -> str:
    if name in qvars:
        if role in ("object", "other"):
            return ""
        return f"'{{{name}}}' is a quantifier variable (an object) and cannot be used as {_phrase(role)}"
    info = variables.get(name)
    if info is None:
        return _unknown_var(name, qvars, variables)
    if role == "set":
        return (
            f"'{{{name}}}' holds one value; a set must be 'blocks', 'bowls', 'objects' "
            "or a list of objects"
        )
    if role == "locations":
        return (
            f"'{{{name}}}' holds one value; 'locations' must be corners, sides, locations or a list"
        )
    if role == "orientation":
        bad = [v for v in info.values or ("?",) if v not in ORIENTATIONS]
        if bad:
            return (
                f"'{{{name}}}' is used as an orientation but may hold {bad[0]!r}; "
                f"expected one of {ORIENTATIONS}"
            )
        return ""
    wanted = ROLE_CATEGORY.get(role)
    if wanted is not None and info.category != wanted:
        return f"'{{{name}}}' holds {_phrase(info.category)} but is used as {_phrase(role)}"
    return ""


def _check_literal(
    value: str, role: Role, kind_colors: Mapping[str, Mapping[str, Sequence[str]]]
) -> str:
    if role == "object":
        return check_object_name(value, kind_colors)
    if role == "location" and value not in LOCATIONS:
        return f"unknown location '{value}'{close_matches(value, list(LOCATIONS))}"
    if role == "set" and value not in SET_NAMES:
        return f"unknown object set '{value}'; expected one of {', '.join(SET_NAMES)} or a list"
    if role == "locations" and value not in LOCATION_SETS:
        return (
            f"unknown location set '{value}'; expected one of {', '.join(LOCATION_SETS)} or a list"
        )
    if role == "orientation" and value not in ORIENTATIONS:
        return f"unknown orientation '{value}'{close_matches(value, ORIENTATIONS)}"
    if role == "number":
        return f"expected a number (metres) or a {{variable}}, got '{value}'"
    return ""


def check_object_name(name: str, kind_colors: Mapping[str, Mapping[str, Sequence[str]]]) -> str:
    """Problem with a literal object name such as ``"red block"`` (empty string if it can exist).

    Args:
        name: The literal name.
        kind_colors: For each declared kind, its colour domain per attribute split.
    """
    color, _, kind = name.rpartition(" ")
    if kind not in kind_colors:
        declared = ", ".join(kind_colors)
        return f"unknown object '{name}': kind '{kind}' is not among the scenario's objects ({declared})"
    if color not in COLORS:
        return f"unknown object '{name}': '{color}' is not a colour{close_matches(color, list(COLORS))}"
    missing = [split for split, colors in kind_colors[kind].items() if color not in colors]
    if len(missing) == len(kind_colors[kind]):
        return f"unknown object '{name}': no {kind} of colour '{color}' is ever sampled"
    if missing:
        return (
            f"unknown object '{name}': it never exists in the {' and '.join(missing)} split; "
            f"refer to it through a variable (e.g. pick: {kind})"
        )
    return ""


_PHRASES: dict[str, str] = {
    "object": "an object",
    "location": "a location",
    "direction": "a direction",
    "number": "a number",
    "orientation": "an orientation",
    "set": "a set of objects",
    "locations": "a set of locations",
    "text": "text",
}
"""How messages name a role or a category."""


def _phrase(word: Role | Category) -> str:
    return _PHRASES.get(word, "a value")
