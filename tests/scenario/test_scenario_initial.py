"""No shipped episode starts with its task already achieved."""

from __future__ import annotations

import pytest

from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.initial import already_solved, initial_scene
from codepolicy.scenario.sampler import sample_episode


@pytest.mark.parametrize("scenario", list_scenarios(), ids=lambda s: s.name)
def test_sampled_episodes_are_not_solved_at_the_start(scenario) -> None:  # type: ignore[no-untyped-def]
    for seed in range(20):
        episode = sample_episode(scenario, seed)
        assert not already_solved(episode), f"{scenario.name} seed {seed} starts solved"


def test_a_solved_start_is_redrawn_deterministically() -> None:
    scenario = next(s for s in list_scenarios() if s.name == "blocks-in-line-seen")
    solved = [
        seed for seed in range(60) if already_solved(sample_episode(scenario, seed, reject=None))
    ]
    for seed in solved:
        first, again = sample_episode(scenario, seed), sample_episode(scenario, seed)
        assert first == again and not already_solved(first)
    scene = initial_scene(sample_episode(scenario, 0))
    assert all(abs(o.bottom_z) < 1e-9 for o in scene.objects.values())
