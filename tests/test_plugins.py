"""A separately installed distribution adds a backend and a profile through entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parent / "plugins" / "tiny_plugin"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin pip-installed into a directory of its own (not into the test environment)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(PLUGIN),
        ],
        check=True,
        timeout=300,
        cwd=target,
    )
    return target


def codepolicy(plugin_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_path)}
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_plugin_backend_and_profile_run_a_scenario(plugin_path: Path, tmp_path: Path) -> None:
    program = tmp_path / "tiny.py"
    program.write_text("say('on the tiny world')\nput(get_object_names()[0], 'tiny spot')\n")
    proc = codepolicy(
        plugin_path, "run", "pick-place", "--backend", "tiny", "--profile", "tiny",
        "--program", str(program), "--json",
    )  # fmt: skip
    data = json.loads(proc.stdout)
    assert data["backend"] == "tiny" and data["status"] in ("success", "failed"), proc.stderr
    assert data["said"] == ["on the tiny world"] and data["executable"]
    assert [s["primitive"] for s in data["steps"]] == ["say", "get_object_names", "put"]
    assert all(s["error"] is None for s in data["steps"])
    assert any("tiny" not in line and "moved" in line for line in data["changes"])


def test_the_plugin_names_appear_in_the_choices(plugin_path: Path) -> None:
    proc = codepolicy(plugin_path, "run", "pick-place", "--profile", "bogus")
    assert proc.returncode == 2
    assert "unknown profile 'bogus'; choose one of: default, cap" in proc.stderr
    assert proc.stderr.rstrip().endswith(", tiny")
    proc = codepolicy(plugin_path, "run", "pick-place", "--backend", "bogus")
    assert "unknown backend 'bogus'; choose one of: physics, kinematic" in proc.stderr
    assert proc.stderr.rstrip().endswith("remote, tiny")


def test_without_the_plugin_its_names_are_unknown() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "codepolicy", "run", "pick-place", "--backend", "tiny"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and "unknown backend 'tiny'" in proc.stderr
