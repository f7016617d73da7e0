"""``codepolicy run`` as a user calls it: exit codes, one JSON object, live steps, video."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def codepolicy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_oracle_run_says_so_prints_steps_and_exits_0() -> None:
    proc = codepolicy("run", "pick-place", "--seed", "2", "--backend", "kinematic")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("pick-place is a family of 2 scenarios")  # a family name
    assert lines[1] == "No planner configured: running the scenario's reference program (oracle)."
    assert lines[2].startswith("Instruction: ")
    assert any(line.strip().startswith("step 1: pick_and_place(") for line in lines)
    assert "Status: success" in proc.stdout


def test_json_prints_exactly_one_object_with_the_documented_keys() -> None:
    proc = codepolicy("run", "stack-blocks", "--backend", "kinematic", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("scenario", "seed", "success", "status", "reward", "explanation", "steps", "error"):
        assert key in data
    assert data["scenario"] == "stack-blocks-seen" and data["success"] is True
    assert data["status"] == "success" and data["reward"] == 1.0
    assert data["steps"] and data["steps"][0]["primitive"]


def test_a_rejected_program_exits_1_and_names_the_problem(tmp_path: Path) -> None:
    program = tmp_path / "grab.py"
    program.write_text("grab('red block')\n")
    proc = codepolicy("run", "pick-place", "--program", str(program), "--backend", "kinematic")
    assert proc.returncode == 1
    assert "Status: rejected" in proc.stdout
    assert "did you mean 'grasp'" in proc.stdout


def test_a_failing_program_exits_1_with_the_error_line(tmp_path: Path) -> None:
    program = tmp_path / "wrong.py"
    program.write_text("say('hi')\npick_and_place('purple block', 'middle')\n")
    proc = codepolicy(
        "run", "pick-place", "--program", str(program), "--backend", "kinematic", "--json"
    )
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["status"] == "error" and data["success"] is False
    assert data["error"]["line"] == 2 and "purple block" in data["error"]["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no-such-scenario"], "unknown scenario"),
        (["run", "pick-place", "--program", "/no/such/file.py"], "program file not found"),
        (["run", "pick-place", "--backend", "mujoco"], "unknown backend 'mujoco'"),
        (["run", "pick-place", "--seed", "-1"], "--seed must be a non-negative integer"),
        (["run", "pick-place", "--planner", "human"], "unknown planner 'human'"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(args: list[str], message: str) -> None:
    proc = codepolicy(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_video_is_written(tmp_path: Path) -> None:
    video = tmp_path / "episode.mp4"
    proc = codepolicy(
        "run", "blocks-in-bowl", "--backend", "kinematic", "--video", str(video), "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert video.stat().st_size > 1000
    assert json.loads(proc.stdout)["success"] is True


@pytest.mark.skipif(
    importlib.util.find_spec("gymnasium_robotics") is None,
    reason="needs the 'fetch' extra: pip install 'codepolicy[fetch]'",
)
def test_run_an_adapter_world_reports_both_successes_as_json() -> None:
    proc = codepolicy("run", "fetch-pick-and-place", "--seed", "4", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["scenario"] == "fetch-pick-and-place" and data["success"] is True
    assert data["env_success"] is True and data["backend"] == "fetch-pick-and-place"


def test_run_an_adapter_world_without_its_extra_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "panda_gym.py"
    blocker.write_text("raise ImportError('not installed here')\n")
    proc = subprocess.run(
        [sys.executable, "-m", "codepolicy", "run", "panda-reach"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert "pip install 'codepolicy[panda-gym]'" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
