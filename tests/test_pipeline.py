"""The Python API: one pipeline, the profile on every path, typed configuration errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import codepolicy
from codepolicy.envs.backend import make_world
from codepolicy.errors import ConfigError
from codepolicy.pipeline import Pipeline, RunSettings, load_episode
from codepolicy.planning.planners import PLANNERS, LLMOptions

CAP_PROGRAM = "put_first_on_second({block!r}, {target!r})\n"


def test_run_episode_is_public_and_runs_the_oracle() -> None:
    result = codepolicy.run_episode("pick-place", seed=0, backend="kinematic")
    assert result.success and result.planner == "oracle"
    assert result.program.startswith("# ") and result.solution.rounds[0].kind == "program"


def test_the_profile_reaches_a_program(tmp_path: Path) -> None:
    episode = load_episode("pick-place", 0)
    program = CAP_PROGRAM.format(**episode.variables)
    cap = codepolicy.run_episode(
        episode, backend="kinematic", planner="program", program=program, profile="cap"
    )
    assert cap.success, cap.feedback.to_text()
    default = codepolicy.run_episode(
        episode, backend="kinematic", planner="program", program=program
    )
    assert default.feedback.status.value == "rejected"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"profile": "bogus"}, "unknown profile 'bogus'; choose one of: default, cap"),
        ({"backend": "mujoco"}, "unknown backend 'mujoco'; choose one of: physics, kinematic"),
        ({"planner": "human"}, "unknown planner 'human'; choose one of: oracle, program, llm"),
        ({"perception": "xray"}, "unknown perception kind 'xray'; choose one of: privileged"),
        ({"planner": "llm"}, "--planner llm needs --model NAME"),
        ({"program": "say('x')"}, "a program file needs no planner"),
        ({"llm": LLMOptions(model="m")}, "need --planner llm"),
        ({"planner": "llm", "llm": LLMOptions(model="m", replan="again")}, "unknown strategy"),
        ({"planner": "llm", "llm": LLMOptions(model="m", provider="x")}, "unknown provider 'x'"),
        ({"colour": "red"}, "unexpected keyword argument 'colour'"),
    ],
)
def test_bad_settings_are_one_error_type_with_a_sentence(fields: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        codepolicy.run_episode("pick-place", **{"backend": "kinematic", **fields})


def test_a_pipeline_reuses_its_world_and_records_a_video(tmp_path: Path) -> None:
    world = make_world("kinematic")
    with Pipeline(RunSettings(backend="kinematic"), world=world) as pipeline:
        first = pipeline.run(load_episode("pick-place", 0), video=tmp_path / "a.mp4")
        second = pipeline.run(load_episode("stack-blocks", 1))
    assert first.success and second.success and first.video_frames >= 2
    assert (tmp_path / "a.mp4").stat().st_size > 1000
    assert world.robot.is_connected  # the caller's world is left open
    world.close()


def test_planners_are_registered_by_name() -> None:
    assert PLANNERS.names()[:3] == ["oracle", "program", "llm"]
