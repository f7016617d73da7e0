"""A built wheel, installed outside the repository, imports codepolicy.envs and finds its scenarios."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installed_outside_the_repo_finds_scenarios_and_data(tmp_path: Path) -> None:
    # Built the way users build it: an isolated build environment honouring build-system.requires.
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("codepolicy-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "codepolicy/envs/world.py",
        "codepolicy/primitives/default.py",
        "codepolicy/scenarios/stack-blocks.yaml",
        "codepolicy/oracle/programs/stack-blocks.py",
        "codepolicy/prompts/templates/few-shot.jinja",
        "codepolicy/bench/templates/report.html.jinja",
    ):
        assert expected in names, expected
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        cwd=tmp_path,
    )
    deps = sysconfig.get_paths()["purelib"]
    check = (
        "import codepolicy, codepolicy.envs, gymnasium as gym;"
        "from codepolicy.scenario.catalog import list_scenarios;"
        "from codepolicy.oracle import oracle_source;"
        "from codepolicy.prompts.render import shipped_variants;"
        "print(codepolicy.__file__); print(len(list_scenarios()));"
        "print(len(oracle_source('stack-blocks')) > 0, shipped_variants());"
        "print('codepolicy/StackBlocks-v0' in gym.registry)"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            f"import sys; sys.path[:0] = [{str(target)!r}, {deps!r}]; {check}",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(str(target)), "imported the repository instead of the wheel"
    assert lines[1] == "28"
    assert lines[2].startswith("True") and "few-shot" in lines[2]
    assert lines[3] == "True"
