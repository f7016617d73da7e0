"""``codepolicy check FILE [--json]`` (the plain function; the lead mounts it in the app)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from codepolicy.cli import check as check_module
from codepolicy.cli.check import check_command
from codepolicy.primitives.registry import Registry


def run(file: Path, registry: Registry | None, json_output: bool) -> tuple[int, str]:
    out = io.StringIO()
    code = check_command(file, json_output, registry=registry, out=out)
    return code, out.getvalue()


def test_clean_file(tmp_path: Path, registry: Registry) -> None:
    f = tmp_path / "ok.py"
    f.write_text("grasp('cube')\nplace(target='bin')\n")
    assert run(f, registry, False) == (0, f"{f}: ok\n")
    code, text = run(f, registry, True)
    data = json.loads(text)
    assert code == 0 and data["ok"] is True and data["exit_code"] == 0
    assert text.count("\n") == 1


def test_rejected_file_lists_problems(tmp_path: Path, registry: Registry) -> None:
    f = tmp_path / "bad.py"
    f.write_text("import os\ngrab('cube')\n")
    code, text = run(f, registry, False)
    assert code == 1
    assert f"{f}:1:1: [forbidden_import]" in text
    assert f"{f}:2:1: [unknown_primitive] unknown primitive 'grab'; did you mean 'grasp'?" in text
    code, text = run(f, registry, True)
    data = json.loads(text)
    assert code == 1 and data["ok"] is False
    assert [(p["line"], p["code"]) for p in data["problems"]] == [
        (1, "forbidden_import"),
        (2, "unknown_primitive"),
    ]
    assert data["undefined_functions"][0]["name"] == "grab"


def test_syntax_error_is_rejection(tmp_path: Path, registry: Registry) -> None:
    f = tmp_path / "syntax.py"
    f.write_text("x = (\n")
    code, text = run(f, registry, True)
    assert code == 1
    assert json.loads(text)["problems"][0]["code"] == "syntax_error"


@pytest.mark.parametrize("kind", ["missing", "directory", "latin1"])
def test_bad_input(tmp_path: Path, registry: Registry, kind: str) -> None:
    f = tmp_path / "x.py"
    if kind == "directory":
        f.mkdir()
    elif kind == "latin1":
        f.write_bytes("print('caf\xe9')\n".encode("latin-1"))
    code, text = run(f, registry, True)
    data = json.loads(text)
    assert code == 2 and data["ok"] is False and data["error"]
    code, text = run(f, registry, False)
    assert code == 2 and text


def test_default_profile_is_used_when_no_registry_is_given(tmp_path: Path) -> None:
    f = tmp_path / "ok.py"
    f.write_text("pick_and_place('red block', 'middle')\n")
    assert run(f, None, True)[0] == 0
    f.write_text("put_first_on_second('red block', 'middle')\n")
    assert run(f, None, True)[0] == 1


def test_typer_wrapper(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("check")(check_module.check)
    app.command("noop")(lambda: None)
    f = tmp_path / "bad.py"
    f.write_text("grab('x')\n")
    result = CliRunner().invoke(app, ["check", str(f), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"][0]["code"] == "unknown_primitive"
    f.write_text("put_first_on_second('red block', 'middle')\n")
    assert CliRunner().invoke(app, ["check", str(f), "--profile", "cap"]).exit_code == 0
    assert CliRunner().invoke(app, ["check", str(f), "--profile", "voxposer"]).exit_code == 2
