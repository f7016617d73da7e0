"""The shipped scenarios: find them by name, gymnasium name or path, and list them.

Each file in ``scenarios/`` is one task family and yields two scenarios, ``<family>-seen`` and
``<family>-unseen``. A family name means the family: ``bench --suite pick-place`` runs both
scenarios; a command that runs a single episode (``run``, ``show``) runs its seen scenario and
says so (:func:`single_choice`).

Example:
    >>> get_scenario("stack-blocks").name
    'stack-blocks-seen'
    >>> get_scenario("StackBlocksUnseen").name
    'stack-blocks-unseen'
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from codepolicy.scenario.errors import ScenarioError, UnknownScenarioError
from codepolicy.scenario.loader import Family, Scenario, load_family
from codepolicy.scenario.schema import Split

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
"""Where the shipped scenario files live (``codepolicy/scenarios`` -> ``scenarios/``)."""


ADAPTER_DIR = SCENARIO_DIR / "adapters"
"""Shipped scenarios that run in adapter worlds (third-party envs), listed apart from ours."""


def shipped_files() -> list[Path]:
    """The shipped scenario files of our tabletop, sorted by name."""
    return sorted(SCENARIO_DIR.glob("*.yaml"))


def adapter_files() -> list[Path]:
    """The shipped scenario files of adapter worlds, sorted by name."""
    return sorted(ADAPTER_DIR.glob("*.yaml"))


@lru_cache(maxsize=1)
def adapter_scenarios() -> tuple[Scenario, ...]:
    """Every shipped adapter-world scenario (``panda-pick-and-place``, ``fetch-push``, ...).

    Raises:
        ScenarioError: If a shipped file is invalid.
    """
    return tuple(load_family(path).scenarios()[0] for path in adapter_files())


@lru_cache(maxsize=1)
def shipped_families() -> tuple[Family, ...]:
    """Every shipped family, seen-instruction families first, then by id.

    Raises:
        ScenarioError: If a shipped file is invalid (with all problems of all files).
    """
    families: list[Family] = []
    problems = []
    for path in shipped_files():
        try:
            families.append(load_family(path))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return tuple(sorted(families, key=lambda f: (f.spec.instruction_split != "seen", f.name)))


def list_scenarios() -> list[Scenario]:
    """Every shipped scenario: for each family, its seen then its unseen scenario."""
    return [scenario for family in shipped_families() for scenario in family.scenarios()]


def scenario_names() -> list[str]:
    """Names of every shipped scenario, e.g. ``stack-blocks-seen``."""
    return [s.name for s in list_scenarios()]


def gym_ids() -> dict[str, str]:
    """Gymnasium id (``codepolicy/StackBlocks-v0``) of every shipped scenario, mapped to its name."""
    return {s.gym_id: s.name for s in list_scenarios()}


def _index() -> dict[str, Scenario]:
    index: dict[str, Scenario] = {}
    for scenario in list_scenarios():
        index[scenario.name] = scenario
        index[scenario.gym_name] = scenario
        index[scenario.gym_id] = scenario
        if scenario.attribute_split == "seen":
            index[scenario.spec.family] = scenario
    for scenario in adapter_scenarios():
        index.setdefault(scenario.name, scenario)
    return index


def get_scenario(name: str) -> Scenario:
    """A shipped scenario by name (``stack-blocks-seen``), family (``stack-blocks`` means seen) or
    gymnasium name (``StackBlocksUnseen``, ``codepolicy/StackBlocksUnseen-v0``).

    Raises:
        UnknownScenarioError: With close matches, when nothing has that name.
    """
    index = _index()
    found = index.get(name) or index.get(name.strip())
    if found is not None:
        return found
    names = [*scenario_names(), *(s.name for s in adapter_scenarios())]
    families = [f.name for f in shipped_families()]
    suggestions = difflib.get_close_matches(name, [*names, *families], n=3, cutoff=0.5)
    return _raise_unknown(name, suggestions)


def _raise_unknown(name: str, suggestions: list[str]) -> Scenario:
    raise UnknownScenarioError(name, suggestions)


def single_choice(name: str, chosen: Scenario) -> str | None:
    """When ``name`` names a whole family but one episode runs, the sentence saying which scenario.

    Example:
        >>> print(single_choice("pick-place", get_scenario("pick-place"))[:74])
        pick-place is a family of 2 scenarios (pick-place-seen, pick-place-unseen)
        >>> single_choice("pick-place-unseen", get_scenario("pick-place-unseen")) is None
        True
    """
    members = [s.name for s in chosen.family.scenarios()]
    if name.strip() in members or len(members) < 2 or chosen.name not in members:
        return None
    if not (looks_like_path(name) or name.strip() == chosen.spec.family):
        return None
    if looks_like_path(name):
        return (
            f"{name} defines {len(members)} scenarios ({', '.join(members)}); running {chosen.name}"
        )
    others = " or ".join(m for m in members if m != chosen.name)
    return (
        f"{name} is a family of {len(members)} scenarios ({', '.join(members)}); running "
        f"{chosen.name} (name {others} to run the other)"
    )


def looks_like_path(name: str) -> bool:
    """Whether a scenario argument names a file rather than a shipped scenario."""
    return name.endswith((".yaml", ".yml")) or Path(name).is_file()


def load_scenario(name_or_path: str | Path, split: Split | None = None) -> Scenario:
    """A scenario by shipped name or from a YAML file.

    Args:
        name_or_path: A name accepted by :func:`get_scenario`, or a path to a scenario file.
        split: Attribute split; for a path it defaults to ``"seen"``; for a name it overrides the name's.

    Raises:
        ScenarioError: If the file is invalid; :class:`UnknownScenarioError` for an unknown name.
    """
    if isinstance(name_or_path, Path) or looks_like_path(name_or_path):
        return load_family(name_or_path).scenario(split or "seen")
    scenario = get_scenario(name_or_path)
    return scenario if split is None else scenario.family.scenario(split)
