"""The shipped scenarios: names, gym names, lookups."""

from __future__ import annotations

import re

import pytest

from codepolicy.scenario import (
    UnknownScenarioError,
    get_scenario,
    gym_ids,
    list_scenarios,
    load_family_text,
    load_scenario,
    shipped_families,
)
from codepolicy.scenario.catalog import SCENARIO_DIR, shipped_files

SEEN_FAMILIES = {
    "pick-place",
    "stack-blocks",
    "blocks-to-location",
    "blocks-in-bowl",
    "blocks-matching-bowls",
    "block-by-direction",
    "block-by-distance",
    "nth-block",
}
UNSEEN_FAMILIES = {
    "blocks-different-corners",
    "blocks-mismatched-bowls",
    "stack-on-location",
    "block-offset-bowl",
    "block-corner-by-bowl",
    "blocks-in-line",
}


def test_every_shipped_file_loads_and_is_one_family() -> None:
    files = shipped_files()
    assert len(files) == 14
    families = shipped_families()
    assert {f.name for f in families} == SEEN_FAMILIES | UNSEEN_FAMILIES
    for family in families:
        assert family.source.endswith(f"{family.name}.yaml")


def test_instruction_splits_match_the_task_list() -> None:
    by_split = {f.name: f.spec.instruction_split for f in shipped_families()}
    assert {n for n, s in by_split.items() if s == "seen"} == SEEN_FAMILIES
    assert {n for n, s in by_split.items() if s == "unseen"} == UNSEEN_FAMILIES


def test_each_family_has_seen_and_unseen_scenarios() -> None:
    names = [s.name for s in list_scenarios()]
    assert len(names) == 28 == len(set(names))
    for family in SEEN_FAMILIES | UNSEEN_FAMILIES:
        assert f"{family}-seen" in names
        assert f"{family}-unseen" in names


def test_gym_names_are_camel_case_and_unique() -> None:
    scenarios = list_scenarios()
    gym = [s.gym_name for s in scenarios]
    assert len(set(gym)) == len(gym)
    for s in scenarios:
        assert re.fullmatch(r"[A-Z][A-Za-z]*", s.gym_name)
        assert s.gym_name.endswith("Unseen") == (s.attribute_split == "unseen")
    assert get_scenario("stack-blocks-seen").gym_name == "StackBlocks"
    assert get_scenario("stack-blocks-unseen").gym_name == "StackBlocksUnseen"
    assert gym_ids()["codepolicy/StackBlocks-v0"] == "stack-blocks-seen"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stack-blocks", "stack-blocks-seen"),
        ("stack-blocks-seen", "stack-blocks-seen"),
        ("stack-blocks-unseen", "stack-blocks-unseen"),
        ("StackBlocks", "stack-blocks-seen"),
        ("StackBlocksUnseen", "stack-blocks-unseen"),
        ("codepolicy/PickPlaceUnseen-v0", "pick-place-unseen"),
    ],
)
def test_lookup(query: str, expected: str) -> None:
    assert get_scenario(query).name == expected


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(UnknownScenarioError) as info:
        get_scenario("stack-block")
    assert "stack-blocks" in info.value.suggestions
    assert "unknown scenario 'stack-block'" in str(info.value)


def test_load_scenario_by_path_and_split() -> None:
    path = SCENARIO_DIR / "nth-block.yaml"
    assert load_scenario(str(path)).name == "nth-block-seen"
    assert load_scenario(path, "unseen").name == "nth-block-unseen"
    assert load_scenario("nth-block", "unseen").name == "nth-block-unseen"


def test_oracle_and_budgets() -> None:
    for scenario in list_scenarios():
        assert scenario.spec.oracle_name == scenario.spec.family
        assert scenario.spec.budget.max_sim_seconds >= 60
        low, high = scenario.object_count_range
        assert 1 <= low <= high <= 8
        assert len(scenario.spec.instructions) >= 3


def test_readme_example_is_a_valid_scenario() -> None:
    readme = (SCENARIO_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    family = load_family_text(example, "README.md")
    episode = family.scenario("unseen").sample(1)
    assert "{" not in episode.instruction
