"""Building records from a real episode and its feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.bench.record import (
    EpisodeRecord,
    crash_info,
    episode_fields,
    round_from_feedback,
)
from codepolicy.bench.store import ResultsStore, read_records
from codepolicy.envs.backend import make_world
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode


def test_record_from_a_real_kinematic_episode(tmp_path: Path) -> None:
    episode = sample_episode(get_scenario("pick-place"), seed=0)
    good = f"pick_and_place({episode.variables['block']!r}, {episode.variables['target']!r})"
    rounds = []
    for index, program in enumerate(["undefined_name()", "x = 1 / 0", good]):
        feedback = run_program(episode, program, make_world("kinematic"))
        rounds.append(round_from_feedback(index, program, feedback, completion=program))
    assert rounds[0].status == "rejected" and (rounds[0].error or "").startswith("rejected: line")
    assert rounds[1].status == "error" and "ZeroDivisionError" in (rounds[1].error or "")
    assert rounds[2].status == "success" and rounds[2].success and rounds[2].error is None
    assert rounds[2].feedback.startswith("Instruction: ")
    record = EpisodeRecord(
        **episode_fields(episode, "few-shot"),
        status=rounds[-1].status,
        success=feedback.success,
        executable=feedback.executable,
        reward=feedback.reward,
        explanation=feedback.explanation,
        rounds=rounds,
        primitive_calls=len(feedback.steps),
        backend="kinematic",
    )
    assert record.key == f"{episode.scenario}|0|few-shot" and record.replans == 2
    ResultsStore(tmp_path).append(record)
    assert read_records(tmp_path) == [record]


def test_crash_info() -> None:
    info = crash_info(RuntimeError("x" * 5000))
    assert info.type == "RuntimeError" and len(info.message) < 2100
    assert crash_info(ValueError("boom")).message == "boom"
    with pytest.raises(ValueError):
        EpisodeRecord.model_validate({"key": "k"})
