"""Variables in success conditions: find every ``{var}``, check it, and substitute bound values.

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

import difflib
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from codepolicy.envs.frame import COLORS, DIRECTIONS, LOCATIONS
from codepolicy.scenario.errors import PathItem
from codepolicy.success.spec import SET_NAMES, parse_condition

Path = tuple[PathItem, ...]
Category = Literal["object", "location", "direction", "number", "text"]
Role = Literal["object", "location", "set", "locations", "number", "orientation", "qvar", "other"]

REF_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
WHOLE_REF_RE = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")
ORIENTATIONS = ("horizontal", "vertical", "diagonal", "any")
LOCATION_SETS = ("corners", "sides", "locations")
QUANTIFIERS = ("forall", "exists")

FIELD_ROLES: dict[str, Role] = {
    "object": "object",
    "target": "object",
    "container": "object",
    "reference": "object",
    "location": "location",
    "objects": "set",
    "locations": "locations",
    "orientation": "orientation",
    "dx": "number",
    "dy": "number",
}
"""How the arguments of predicates are read (by field name; spec.py uses these names consistently)."""

ROLE_CATEGORY: dict[Role, Category] = {
    "object": "object",
    "location": "location",
    "number": "number",
    "orientation": "text",
}


@dataclass(frozen=True)
class VarInfo:
    """What a scenario variable holds, as far as can be told before sampling.

    Attributes:
        name: Variable name.
        form: Its definition form (pick, choice, offset, beside, by_distance, nth).
        category: object, location, direction, number or text.
        kinds: For object variables, the kinds it may take.
        values: For choices, every possible value (``None`` when not enumerable).
    """

    name: str
    form: str
    category: Category
    kinds: tuple[str, ...] = ()
    values: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class RefSite:
    """A string found in a condition, with how it is read and which quantifier variables are in scope."""

    path: Path
    role: Role
    value: str
    qvars: tuple[str, ...]


def whole_ref(text: str) -> str | None:
    """The variable name if ``text`` is exactly ``{name}``, else ``None``."""
    match = WHOLE_REF_RE.match(text)
    return match.group(1) if match else None


def refs_in(text: str) -> list[str]:
    """Names of all ``{name}`` references in a string."""
    return REF_RE.findall(text)


def template_fields(template: str) -> list[str]:
    """Variable names used by an instruction template.

    Raises:
        ValueError: On unbalanced braces, positional ``{}``, attribute/index access or format specs.
    """
    names = []
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field):
            raise ValueError(f"'{{{field}}}' is not a variable reference (write {{name}})")
        if spec or conversion:
            raise ValueError(f"'{{{field}}}' must not carry a format spec or conversion")
        names.append(field)
    return names


def close_matches(word: str, options: Sequence[str], n: int = 3) -> str:
    """A ``; did you mean ...?`` hint, or an empty string."""
    found = difflib.get_close_matches(word, list(options), n=n, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(f) for f in found)}?" if found else ""


# ---- walking conditions --------------------------------------------------------------------------


def iter_sites(cond: Any, path: Path = (), qvars: tuple[str, ...] = ()) -> Iterator[RefSite]:
    """Every string in a condition (given as plain data, YAML keys), with its role and scope."""
    if not isinstance(cond, Mapping) or len(cond) != 1:
        return
    ((key, args),) = cond.items()
    here = (*path, key)
    if key in ("all", "any") and isinstance(args, list):
        for i, sub in enumerate(args):
            yield from iter_sites(sub, (*here, i), qvars)
    elif key == "not":
        yield from iter_sites(args, here, qvars)
    elif key in QUANTIFIERS and isinstance(args, Mapping):
        var = args.get("var")
        if isinstance(var, str):
            yield RefSite((*here, "var"), "qvar", var, qvars)
        yield from _iter_value(args.get("in"), (*here, "in"), "set", qvars)
        inner = (*qvars, var) if isinstance(var, str) else qvars
        for sub in ("where", "check"):
            if args.get(sub) is not None:
                yield from iter_sites(args[sub], (*here, sub), inner)
    elif isinstance(args, Mapping):
        for field, value in args.items():
            yield from _iter_value(
                value, (*here, field), FIELD_ROLES.get(str(field), "other"), qvars
            )
    elif isinstance(args, (list, tuple)):
        for i, value in enumerate(args):
            yield from _iter_value(value, (*here, i), "object", qvars)


def _iter_value(value: Any, path: Path, role: Role, qvars: tuple[str, ...]) -> Iterator[RefSite]:
    if isinstance(value, str):
        yield RefSite(path, role, value, qvars)
    elif isinstance(value, (list, tuple)) and role != "location":  # a location list is [x, y]
        element: Role = {"set": "object", "locations": "location"}.get(role, role)  # type: ignore[assignment]
        for i, item in enumerate(value):
            yield from _iter_value(item, (*path, i), element, qvars)


def object_refs(cond: Any) -> set[str]:
    """Literal object names used by a (bound) condition: the objects that must exist in the scene."""
    return {
        site.value for site in iter_sites(cond) if site.role == "object" and not refs_in(site.value)
    }


# ---- checking -----------------------------------------------------------------------------------


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
        return f"'{{{name}}}' is a quantifier variable (an object) and cannot be used as {_role_word(role)}"
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
        return (
            f"'{{{name}}}' holds {_category_word(info.category)} but is used as {_role_word(role)}"
        )
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


def _role_word(role: Role) -> str:
    return {
        "object": "an object",
        "location": "a location",
        "number": "a number",
        "orientation": "an orientation",
        "set": "a set of objects",
        "locations": "a set of locations",
    }.get(role, "a value")


def _category_word(category: Category) -> str:
    return {
        "object": "an object",
        "location": "a location",
        "direction": "a direction",
        "number": "a number",
        "text": "text",
    }[category]


def is_direction(value: Any) -> bool:
    """Whether a value names a direction (left/right/top/bottom)."""
    return isinstance(value, str) and value in DIRECTIONS


# ---- substitution -------------------------------------------------------------------------------


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
