"""``codepolicy doctor`` and ``--require-jail``: say which sandbox layers are on, refuse without them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from codepolicy.cli.main import app
from codepolicy.sandbox import SandboxLimits
from codepolicy.sandbox.jail import LAYER_NAMES
from codepolicy.sandbox.limits import REQUIRE_JAIL_ENV


def test_doctor_lists_every_layer_with_on_or_off_and_why() -> None:
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = [ln.strip() for ln in result.output.splitlines()]
    for name in LAYER_NAMES:
        (line,) = [ln for ln in lines if ln.split()[1:2] == [name]]
        assert line.split()[0] in ("on", "off")
        assert len(line.split()) > 2, f"no reason given for {name}"
    assert "jail complete" in result.output or "jail incomplete" in result.output


def test_doctor_json_names_active_and_off_layers() -> None:
    result = CliRunner().invoke(app, ["doctor", "--json"])
    data = json.loads(result.output)
    assert set(data["active"]) | set(data["off"]) == set(LAYER_NAMES)
    assert data["complete"] == (not data["off"])


def test_require_jail_is_a_library_setting_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(REQUIRE_JAIL_ENV, raising=False)
    assert SandboxLimits().require_jail is False
    monkeypatch.setenv(REQUIRE_JAIL_ENV, "1")
    assert SandboxLimits().require_jail is True
    assert SandboxLimits(require_jail=False).require_jail is False


def test_run_with_require_jail_refuses_when_a_layer_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from codepolicy.cli import doctor

    monkeypatch.setattr(doctor, "probe", lambda *a, **k: {"seccomp": (False, "not installed")})
    monkeypatch.setenv(REQUIRE_JAIL_ENV, "0")  # restored afterwards; the flag sets it to 1
    result = CliRunner().invoke(
        app, ["run", "pick-place", "--backend", "kinematic", "--require-jail"]
    )
    assert result.exit_code == 2
    assert "--require-jail" in result.output and "seccomp: not installed" in result.output


def test_each_episode_feedback_records_the_active_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_JAIL_ENV, raising=False)
    cmd = [sys.executable, "-m", "codepolicy", "run", "pick-place", "--backend", "kinematic"]
    proc = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=120)
    data = json.loads(proc.stdout)
    assert data["jail"] and set(data["jail"]) <= set(LAYER_NAMES)
