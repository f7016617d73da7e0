"""What a scenario's objects and variables can take: colour domains, counts, choice values, presets."""

from __future__ import annotations

from typing import Any

from codepolicy.envs.frame import CORNERS, DIRECTIONS, LOCATIONS, SEEN_COLORS, SIDES, UNSEEN_COLORS
from codepolicy.scenario.schema import SPLITS, ChoiceOption, ChoiceVar, ScenarioFile, Split

PRESETS: dict[str, tuple[str, ...]] = {
    "corners": tuple(CORNERS),
    "sides": tuple(SIDES),
    "corners_and_sides": (*CORNERS, *SIDES),
    "locations": tuple(LOCATIONS),
    "directions": tuple(DIRECTIONS),
}
"""Named value lists for ``choice:`` (and ``by_distance.among`` for the location presets)."""

SPLIT_PALETTES: dict[Split, tuple[str, ...]] = {"seen": SEEN_COLORS, "unseen": UNSEEN_COLORS}
"""The colours of each attribute split when a kind does not list its own."""


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
