"""A configuration error inside a benchmark worker is recorded with its message, never as 'Exit 2'."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.bench.benchmark import BenchmarkSettings, run_benchmark
from codepolicy.bench.runner import run_task
from codepolicy.bench.tasks import BenchSettings, EpisodeTask
from codepolicy.errors import ConfigError


def test_a_config_error_in_a_worker_is_recorded_with_its_message(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-recording.jsonl"
    settings = BenchSettings(
        planner="llm",
        backend="kinematic",
        out=str(tmp_path),
        llm={"model": "m", "provider": "replay", "replay_file": missing, "cache": False},
    )
    record = run_task(EpisodeTask("pick-place-seen", 0, "zero-shot", "zero-shot"), settings)
    assert record.status == "crashed" and record.crash is not None
    assert record.crash.type == "ConfigError"
    assert str(missing) in record.crash.message and "Exit" not in record.explanation


def test_run_benchmark_is_a_library_call(tmp_path: Path) -> None:
    summary = run_benchmark(
        BenchmarkSettings(
            suites=["pick-place-seen"], seeds=[0, 1], backend="kinematic", out=tmp_path
        )
    )
    assert summary.overall.n == 2 and summary.overall.success.k == 2
    assert (tmp_path / "results.jsonl").is_file() and (tmp_path / "report.html").is_file()
    with pytest.raises(ConfigError, match="already holds results"):
        run_benchmark(BenchmarkSettings(suites=["pick-place-seen"], seeds=[0], out=tmp_path))
    with pytest.raises(ConfigError, match="unknown profile 'bogus'"):
        run_benchmark(BenchmarkSettings(profile="bogus", out=tmp_path / "other"))
