"""Crash records are honest about what is unknown when a worker process dies mid-episode."""

from __future__ import annotations

from codepolicy.bench.runner import crashed_record
from codepolicy.bench.tasks import BenchSettings, EpisodeTask


def test_a_dead_worker_gives_a_crashed_record_without_invented_timings() -> None:
    task = EpisodeTask("pick-place-seen", 3, "oracle", None, "pick-place-seen")
    record = crashed_record(task, BenchSettings(), RuntimeError("worker died"), worker="ray")
    assert record.status == "crashed" and not record.success and not record.executable
    assert record.key == "pick-place-seen|3|oracle"
    assert record.wall_time == 0.0 and record.started_at and record.finished_at
    assert record.crash is not None and "worker died" in record.crash.message
