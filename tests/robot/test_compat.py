"""A run refuses, before any motion, a robot that cannot do what the primitives need."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codepolicy.robot.compat import compatibility_problems
from codepolicy.robot.log import read_log
from tests.robot.helpers import CLI, Served, env, serve

pytestmark = pytest.mark.timeout(120)

INFO = {
    "driver": "physics",
    "scene": True,
    "gripper": True,
    "limits": {"x": [-0.35, 0.35], "y": [-0.85, -0.05], "z": [0.0, 0.65], "max_speed": 1.0},
}


def test_a_capable_robot_has_no_problems() -> None:
    assert compatibility_problems(INFO) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scene": False}, "has no scene knowledge"),
        ({"gripper": False}, "has no gripper"),
        (
            {"limits": {**INFO["limits"], "x": [-0.1, 0.1]}},
            "workspace box x [-0.1, 0.1] does not cover",
        ),  # type: ignore[dict-item]
        ({"limits": {**INFO["limits"], "max_speed": 0.2}}, "at most 0.2 m/s"),  # type: ignore[dict-item]
    ],
)
def test_each_gap_is_one_sentence(change: dict[str, object], message: str) -> None:
    problems = compatibility_problems({**INFO, **change})
    assert len(problems) == 1 and message in problems[0]


def _run(served: Served, *extra: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "run", "pick-place", "--backend", "remote", "--robot", served.address,
         "--key-file", str(served.key_file), *extra],
        capture_output=True, text=True, timeout=100, env=env(), input=stdin,
    )  # fmt: skip


def test_a_slow_robot_is_refused_before_any_motion(tmp_path: Path) -> None:
    served = serve(tmp_path, extra=("--max-speed", "0.2"))
    try:
        done = _run(served)
    finally:
        served.stop()
    assert done.returncode == 2
    assert "cannot run these programs: the robot allows at most 0.2 m/s" in done.stderr
    assert not [r for r in read_log(served.log) if r["event"] == "command"]


def test_step_limit_and_operator_refusal_end_the_program(tmp_path: Path) -> None:
    served = serve(tmp_path)
    try:
        short = _run(served, "--max-step", "0.01", "--json")
        refused = _run(served, "--confirm", "each", stdin="n\n")
        first = _run(served, "--confirm", "first", stdin="\n")
    finally:
        served.stop()
    assert short.returncode == 1 and '"status": "safety_stop"' in short.stdout
    assert "longer than the 0.01 m per-step limit" in short.stdout
    assert refused.returncode == 1 and "motion refused by the operator" in refused.stdout
    assert "next motion:" in refused.stdout
    assert first.returncode == 0, first.stderr[-2000:]
    assert first.stdout.count("next motion:") == 1


def test_confirm_needs_a_remote_backend() -> None:
    done = subprocess.run(
        [*CLI, "run", "pick-place", "--confirm", "each"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "need --backend remote" in done.stderr
