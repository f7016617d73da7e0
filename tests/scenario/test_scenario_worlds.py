"""Scenario files that name an adapter world: listed, sampled per seed, validated with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.scenario.catalog import adapter_scenarios, get_scenario, scenario_names
from codepolicy.scenario.errors import ScenarioError
from codepolicy.scenario.loader import load_family, load_family_text

VALID = """\
family: my-reach
world: panda-reach
instruction_split: seen
difficulty: easy
oracle: gripper-to-target
instructions:
  - reach the target
success:
  near: {object: gripper, reference: target, distance: 0.05, dims: xyz}
budget: {max_calls: 5, max_sim_seconds: 10}
"""


def test_the_adapter_scenarios_are_shipped_apart_from_ours() -> None:
    names = [s.name for s in adapter_scenarios()]
    assert names == [
        "fetch-pick-and-place-air",  # sorted by file name
        "fetch-pick-and-place",
        "fetch-push",
        "metaworld-pick-place",
        "metaworld-push",
        "panda-pick-and-place-air",
        "panda-pick-and-place",
        "panda-push",
        "panda-reach",
        "panda-stack",
    ]
    assert not set(names) & set(scenario_names())  # our tabletop list (and gym ids) is unchanged
    assert get_scenario("panda-stack").spec.world == "panda-stack"


def test_an_episode_is_the_envs_objects_and_an_instruction_drawn_from_the_seed() -> None:
    scenario = get_scenario("panda-stack")
    episode = scenario.sample(11)
    assert episode == scenario.sample(11)
    assert episode.world == "panda-stack"
    assert episode.object_names == ("blue cube", "green cube", "target")
    assert episode.instruction in scenario.spec.instructions
    assert {scenario.sample(s).instruction for s in range(20)} == set(scenario.spec.instructions)


def test_a_valid_adapter_file_loads() -> None:
    family = load_family_text(VALID, "mine.yaml")
    assert [s.name for s in family.scenarios()] == ["my-reach"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("world: panda-reach", "world: panda-slide"),
            "unknown world 'panda-slide'; known worlds: tabletop",
        ),
        (
            ("object: gripper", "object: red block"),
            "unknown object 'red block' in the world 'panda-reach'",
        ),
        (
            ("  - reach the target", "  - reach the {goal}"),
            "an adapter world's instructions are plain",
        ),
        (("budget:", "objects: {block: {count: 1}}\nbudget:"), "the objects of the adapter world"),
    ],
)
def test_bad_adapter_files_say_where_and_what(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(VALID.replace(*change))
    with pytest.raises(ScenarioError) as info:
        load_family(path)
    text = str(info.value)
    assert message in text and "bad.yaml:" in text


def test_a_tabletop_file_still_needs_objects(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(VALID.replace("world: panda-reach\n", ""))
    with pytest.raises(
        ScenarioError, match="objects: a tabletop scenario needs at least one object kind"
    ):
        load_family(path)
