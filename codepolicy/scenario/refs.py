"""References to variables in scenario text and conditions: their syntax and where they sit.

A scenario variable is written ``{name}`` in instruction templates and success conditions. This module
finds references (:func:`whole_ref`, :func:`refs_in`, :func:`template_fields`) and walks a condition
given as plain data to every string in it, with how that string is read (:func:`iter_sites`).

Example:
    >>> [(s.role, s.value) for s in iter_sites({"on": {"object": "{b}", "target": "bowl"}})]
    [('object', '{b}'), ('object', 'bowl')]
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from codepolicy.scenario.errors import PathItem

Path = tuple[PathItem, ...]
Problems = list[tuple[Path, str]]
"""``(path, message)`` pairs: what is wrong, and where in the scenario file."""
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
