"""Every problem of a scenario file at once: the cross-field checks also run when the shape is wrong.

Pydantic rejects a file with a misshapen field before the cross-field checks (:mod:`checks`) can
look at it, so a user would fix a schema error only to meet an unknown kind or a misspelt
``{bowll}`` on the next run. Here the parts that pydantic rejected are cut out of the data (the
smallest enclosing entry that can go), the rest is validated again, and the cross-field checks
run on it. Their problems that could be caused by the cut (they name a removed entry) are
dropped, so every reported problem is real.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from codepolicy.scenario.errors import PathItem
from codepolicy.scenario.schema import ScenarioFile

MAX_ROUNDS = 6
"""Cut-and-revalidate rounds before giving up on the cross-field checks."""

Problems = list[tuple[tuple[PathItem, ...], str]]

STAND_INS: dict[str, Any] = {
    "family": "stand-in",
    "instruction_split": "seen",
    "difficulty": "easy",
    "instructions": ["stand-in"],
    "budget": {"max_calls": 1, "max_sim_seconds": 1.0},
}
"""Valid values for required top-level fields that are misshapen, so the rest can be checked
(problems found at a stand-in are never reported)."""


def _data_path(data: Any, loc: Iterable[Any]) -> list[PathItem]:
    """The longest prefix of a pydantic ``loc`` that exists in ``data`` (union tags skipped)."""
    path: list[PathItem] = []
    current = data
    for item in loc:
        in_dict = isinstance(current, dict) and item in current
        in_list = isinstance(current, list) and isinstance(item, int) and 0 <= item < len(current)
        if in_dict or in_list:
            current = current[item]
            path.append(item)
    return path


def _cut(data: Any, path: list[PathItem]) -> bool:
    """Remove the entry at ``path`` (a mapping key or list item); False if it is the top level."""
    if not path:
        return False
    parent = data
    for item in path[:-1]:
        parent = parent[item]
    key = path[-1]
    if isinstance(parent, dict) and key in parent:
        del parent[key]
        return True
    if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
        parent.pop(key)
        return True
    return False


def _cut_order(path: tuple[PathItem, ...]) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    return (-len(path), tuple((0, -x) if isinstance(x, int) else (1, str(x)) for x in path))


def cross_field_problems(data: Any, error: ValidationError) -> Problems:
    """Cross-field problems of ``data`` that the schema error ``error`` hid.

    Args:
        data: The parsed document (left unchanged).
        error: Pydantic's error for it.

    Returns:
        ``(path, message)`` pairs, empty when too much of the file is misshapen to check the rest.
    """
    from codepolicy.scenario.checks import check_spec

    if not isinstance(data, dict):
        return []
    pruned = copy.deepcopy(data)
    removed: list[tuple[PathItem, ...]] = []
    for _ in range(MAX_ROUNDS):
        cuts: set[tuple[PathItem, ...]] = set()
        for err in error.errors(include_url=False):
            found = _data_path(pruned, err["loc"])
            if err["type"] == "missing" and not found and err["loc"]:
                found = [err["loc"][0]]  # a missing required top-level field
            cuts.add(tuple(found))
        # Deepest first, and later list items before earlier ones, so indices stay valid.
        for cut in sorted(cuts, key=_cut_order):
            top = str(cut[0]) if cut else ""
            if len(cut) <= 1 and top in STAND_INS:
                pruned[top] = copy.deepcopy(STAND_INS[top])
                removed.append(cut)
            elif _cut(pruned, list(cut)):
                removed.append(cut)
        try:
            spec = ScenarioFile.model_validate(pruned)
        except ValidationError as exc:
            error = exc
            continue
        if spec.is_adapter or not spec.objects:
            return []
        problems, _ = check_spec(spec)
        names = {str(p[-1]) for p in removed if p and isinstance(p[-1], str)}
        return [
            (tuple(path), message)
            for path, message in problems
            if not any(f"'{n}'" in message or f"{{{n}}}" in message for n in names)
            and not any(tuple(path[: len(r)]) == r for r in removed)
        ]
    return []
