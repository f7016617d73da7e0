"""Configuration reaches every command, and bad configuration is exit 2 with a sentence."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codepolicy.pipeline import load_episode

PACKAGE = Path(__file__).resolve().parents[2] / "codepolicy"


def codepolicy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", *args], capture_output=True, text=True, timeout=120
    )


def test_run_with_the_cap_profile_vets_and_runs_a_cap_program(tmp_path: Path) -> None:
    episode = load_episode("pick-place", 0)
    program = tmp_path / "cap.py"
    program.write_text("put_first_on_second({block!r}, {target!r})\n".format(**episode.variables))
    args = ["run", "pick-place", "--backend", "kinematic", "--program", str(program), "--json"]
    proc = codepolicy(*args, "--profile", "cap")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["success"] and data["planner"] == "program"
    assert codepolicy(*args).returncode == 1  # the default profile has no put_first_on_second


@pytest.mark.parametrize(
    "command",
    [
        ["run", "pick-place", "--backend", "kinematic"],
        ["bench", "--suite", "pick-place-seen", "--seeds", "1", "--backend", "kinematic"],
        ["prompt", "pick-place", "--backend", "kinematic"],
        ["check", str(PACKAGE / "oracle" / "programs" / "pick-place.py")],
    ],
)
def test_an_unknown_profile_is_exit_2_from_every_command(
    command: list[str], tmp_path: Path
) -> None:
    out = ["--out", str(tmp_path / "b")] if command[0] == "bench" else []
    proc = codepolicy(*command, *out, "--profile", "bogus")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "unknown profile 'bogus'; choose one of: default, cap" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["run", "bench"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "mujoco"], "unknown backend 'mujoco'; choose one of: physics, kinematic"),
        (["--perception", "xray"], "unknown perception kind 'xray'; choose one of: privileged"),
        (["--planner", "llm", "--model", "m", "--provider", "x"], "unknown provider 'x'"),
        (["--planner", "llm", "--model", "m", "--replan", "again"], "unknown strategy 'again'"),
        (["--provider", "replay", "--replay-file", "r.jsonl"], "--provider, --replay-file only"),
        (["--model", "m"], "--model only configure model-written programs"),
    ],
)
def test_unknown_names_and_ignored_options_are_exit_2(
    command: str, args: list[str], message: str, tmp_path: Path
) -> None:
    target = ["pick-place"] if command == "run" else ["--suite", "pick-place-seen", "--seeds", "1"]
    out = ["--out", str(tmp_path / "b")] if command == "bench" else []
    proc = codepolicy(command, *target, *out, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "b" / "results.jsonl").exists()


def test_run_refuses_a_window_on_the_kinematic_world() -> None:
    proc = codepolicy("run", "pick-place", "--backend", "kinematic", "--gui")
    assert proc.returncode == 2 and "--gui needs --backend physics" in proc.stderr


def test_the_library_never_imports_the_cli() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+codepolicy\.cli\b", re.M)
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "cli" not in path.relative_to(PACKAGE).parts[:1] and pattern.search(path.read_text())
    ]
    assert offenders == ["__main__.py"]
