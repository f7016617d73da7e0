"""The Ray executor runs the same episodes as the local one, on a local Ray instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.bench.executors import run_local, run_ray
from codepolicy.bench.tasks import BenchSettings, plan_tasks, select_scenarios

ray = pytest.importorskip("ray", reason="the ray extra is not installed")


def test_ray_executor_matches_local_results(tmp_path: Path) -> None:
    tasks = plan_tasks(select_scenarios(["pick-place"], ["seen"]), [0, 1, 2], {"oracle": None})
    settings = BenchSettings(planner="oracle", backend="kinematic", out=str(tmp_path))
    local = {r.key: r for r in run_local(tasks, settings, workers=1)}
    remote = {r.key: r for r in run_ray(tasks, settings, workers=2)}
    assert set(remote) == set(local) == {t.key for t in tasks}
    for key, record in remote.items():
        assert record.status == local[key].status == "success"
        assert record.reward == local[key].reward
        assert record.rounds[0].program == local[key].rounds[0].program
    assert not ray.is_initialized(), "the executor shuts down the Ray instance it started"
