"""Scenario files: task families in YAML, their schema, loading with located errors, and seeded episodes.

Typical use:
    >>> from codepolicy.scenario import get_scenario, sample_episode
    >>> episode = sample_episode(get_scenario("pick-place"), seed=3)
    >>> "{" in episode.instruction
    False
"""

from codepolicy.scenario.catalog import (
    get_scenario,
    gym_ids,
    list_scenarios,
    load_scenario,
    scenario_names,
    shipped_families,
)
from codepolicy.scenario.errors import Problem, SamplingError, ScenarioError, UnknownScenarioError
from codepolicy.scenario.loader import (
    Family,
    Scenario,
    load_family,
    load_family_text,
    validate_file,
)
from codepolicy.scenario.sampler import Episode, EpisodeBudget, SpawnSpec, sample_episode
from codepolicy.scenario.schema import ScenarioFile, scenario_json_schema, scenario_json_schema_text

__all__ = [
    "Episode",
    "EpisodeBudget",
    "Family",
    "Problem",
    "SamplingError",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "SpawnSpec",
    "UnknownScenarioError",
    "get_scenario",
    "gym_ids",
    "list_scenarios",
    "load_family",
    "load_family_text",
    "load_scenario",
    "sample_episode",
    "scenario_json_schema",
    "scenario_json_schema_text",
    "scenario_names",
    "shipped_families",
    "validate_file",
]
