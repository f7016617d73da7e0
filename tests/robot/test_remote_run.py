"""``codepolicy run --backend remote`` against a server process behaves like a local physics run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.robot.helpers import CLI, Served, env

pytestmark = pytest.mark.timeout(120)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "run", *args], capture_output=True, text=True, timeout=100, env=env()
    )


@pytest.mark.parametrize(("scenario", "seed"), [("stack-blocks", 0), ("blocks-in-bowl", 1)])
def test_same_outcome_as_local_physics(server: Served, scenario: str, seed: int) -> None:
    remote = _run(scenario, "--seed", str(seed), "--backend", "remote", "--robot", server.address,
                  "--key-file", str(server.key_file), "--json")  # fmt: skip
    local = _run(scenario, "--seed", str(seed), "--backend", "physics", "--json")
    assert remote.returncode == local.returncode == 0, remote.stderr[-2000:]
    r, lo = json.loads(remote.stdout), json.loads(local.stdout)
    assert r["backend"] == "remote" and lo["backend"] == "physics"
    for field in ("status", "success", "reward", "scene", "changes", "explanation"):
        assert r[field] == lo[field], field
    assert [s["primitive"] for s in r["steps"]] == [s["primitive"] for s in lo["steps"]]
    assert abs(r["sim_time"] - lo["sim_time"]) < 1e-6
    assert "Scene knowledge: privileged ground truth from the simulator" in remote.stderr


def test_remote_run_needs_robot_and_key(server: Served, tmp_path: Path) -> None:
    no_robot = _run("pick-place", "--backend", "remote", "--key-file", str(server.key_file))
    assert no_robot.returncode == 2 and "--backend remote needs --robot" in no_robot.stderr
    no_key = _run("pick-place", "--backend", "remote", "--robot", server.address)
    assert no_key.returncode == 2 and "needs --key-file" in no_key.stderr
    bad = tmp_path / "bad.key"
    bad.write_text("not hex\n")
    bad_key = _run(
        "pick-place", "--backend", "remote", "--robot", server.address, "--key-file", str(bad)
    )
    assert bad_key.returncode == 2 and f"key file {bad} must hold hex digits" in bad_key.stderr
    wrong = tmp_path / "wrong.key"
    wrong.write_text("ab" * 32 + "\n")
    refused = _run(
        "pick-place", "--backend", "remote", "--robot", server.address, "--key-file", str(wrong)
    )
    assert refused.returncode == 2 and "refused us" in refused.stderr
    stray = _run("pick-place", "--robot", server.address)
    assert stray.returncode == 2 and "need --backend remote" in stray.stderr
