"""The reference programs solve the shipped scenarios in physics, and the kinematic backend agrees.

Every scenario × 5 seeds runs through the same sandbox path as model code. The issue's bar: at
least 95% overall and at least 4/5 per family (where they fail, fix primitives or scenarios).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from codepolicy.bench.executors import run_local
from codepolicy.bench.tasks import BenchSettings, plan_tasks, select_scenarios

SEEDS = list(range(5))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bool]]:
    out = tmp_path_factory.mktemp("oracle")
    tasks = plan_tasks(select_scenarios([], []), SEEDS, {"oracle": None})
    results: dict[str, dict[str, bool]] = {}
    for backend in ("physics", "kinematic"):
        settings = BenchSettings(planner="oracle", backend=backend, out=str(Path(out) / backend))
        results[backend] = {r.key: r.success for r in run_local(tasks, settings, workers=2)}
    return results


@pytest.mark.slow
def test_oracle_succeeds_in_physics(outcomes: dict[str, dict[str, bool]]) -> None:
    physics = outcomes["physics"]
    by_family: dict[str, list[bool]] = defaultdict(list)
    for key, ok in physics.items():
        family = key.split("|")[0].rsplit("-", 1)[0]
        by_family[family].append(ok)
    failures = sorted(k for k, ok in physics.items() if not ok)
    assert len(physics) == 28 * len(SEEDS)
    assert sum(physics.values()) / len(physics) >= 0.95, failures
    for family, results in by_family.items():
        assert sum(results) / len(results) >= 0.8, (family, failures)


@pytest.mark.slow
def test_kinematic_agrees_with_physics_on_oracle_outcomes(
    outcomes: dict[str, dict[str, bool]],
) -> None:
    physics, kinematic = outcomes["physics"], outcomes["kinematic"]
    assert set(physics) == set(kinematic)
    disagree = sorted(k for k in physics if physics[k] != kinematic[k])
    assert len(disagree) / len(physics) <= 0.05, disagree
