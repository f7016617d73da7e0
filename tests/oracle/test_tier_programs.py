"""Each API tier's reference programs: vetted against their tier and successful on the kinematic world."""

from __future__ import annotations

import pytest

from codepolicy.envs.backend import make_world
from codepolicy.oracle.planner import OracleError
from codepolicy.oracle.tier_programs import tier_episode, tier_program
from codepolicy.primitives.tiers import TIERS
from codepolicy.runner.episode import run_program
from codepolicy.sandbox.vetting import vet_program
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode

TABLETOP = [s for s in list_scenarios() if sample_episode(s, 0).world == "tabletop"]


@pytest.mark.parametrize("tier", list(TIERS))
def test_reference_programs_use_only_their_tier(tier: str) -> None:
    for scenario in TABLETOP:
        report = vet_program(tier_program(sample_episode(scenario, 0), tier), TIERS[tier])
        assert report.ok, (scenario.name, report)


@pytest.mark.timeout(300)
def test_low_tier_oracle_succeeds_on_every_tabletop_scenario_kinematic() -> None:
    world = make_world("kinematic")
    failed = []
    for scenario in TABLETOP:
        episode = tier_episode(sample_episode(scenario, 2), "low")
        feedback = run_program(episode, tier_program(episode, "low"), world, registry=TIERS["low"])
        if not feedback.success:
            failed.append((scenario.name, feedback.explanation))
    assert failed == []


def test_low_tier_budget_is_scaled_and_unknown_tiers_are_named() -> None:
    episode = sample_episode(TABLETOP[0], 0)
    assert tier_episode(episode, "low").budget.max_calls == 14 * episode.budget.max_calls
    assert tier_episode(episode, "macro") is episode
    with pytest.raises(OracleError, match="unknown API tier 'tiny'; known tiers: macro"):
        tier_program(episode, "tiny")


def test_run_with_the_low_profile_runs_the_low_tier_oracle_from_the_cli() -> None:
    from typer.testing import CliRunner

    from codepolicy.cli.main import app

    args = ["run", "pick-place-seen", "--profile", "low", "--backend", "kinematic"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Status: success" in result.output
    assert "close_gripper" in result.output  # the program drives the gripper itself
