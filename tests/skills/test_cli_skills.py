"""``codepolicy skills mine`` and ``codepolicy skills show``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from codepolicy.cli.main import app
from codepolicy.skills.library import read_library


def test_mine_writes_a_library_and_names_what_it_left_out(run_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "mine.py"
    extra.write_text("def drop_at(spot):\n    place(spot)\n")
    out = tmp_path / "lib.json"
    result = CliRunner().invoke(
        app, ["skills", "mine", str(run_dir), str(extra), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"2 skills from 5 programs -> {out}" in result.output
    assert "left out grasp" in result.output and "re-defines the primitive 'grasp'" in result.output
    library = read_library(out)
    assert library.names() == ["put_in", "drop_at"] and library.inputs == [str(run_dir), str(extra)]
    assert library.skills[1].provenance.files == [str(extra)]


def test_min_count_and_json_summary(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "lib.json"
    args = ["skills", "mine", str(run_dir), "--out", str(out), "--min-count", "3", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["skills"] == [] and summary["rare"] == ["put_in"]
    bad = CliRunner().invoke(
        app, ["skills", "mine", str(run_dir), "--out", str(out), "--min-count", "0"]
    )
    assert bad.exit_code == 2 and "--min-count must be at least 1" in bad.output


def test_show_prints_name_signature_docstring_tasks_and_count(library_file: Path) -> None:
    result = CliRunner().invoke(app, ["skills", "show", str(library_file)])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "signature" in line)
    for column in ("name", "signature", "docstring", "tasks", "count"):
        assert column in header
    row = next(line for line in result.output.splitlines() if "put_in(block, bowl)" in line)
    for cell in ("put_in", "Put the block in the bowl.", "blocks-in-bowl, pick-place", "2"):
        assert cell in row


def test_mine_of_a_missing_input_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["skills", "mine", str(tmp_path / "nope"), "--out", "x.json"])
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'nope'}: no such run directory or program file" in result.output


def test_check_accepts_calls_of_the_librarys_skills(library_file: Path, tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("put_in('red block', 'blue bowl')\n")
    plain = CliRunner().invoke(app, ["check", str(program)])
    assert plain.exit_code == 1 and "unknown primitive 'put_in'" in plain.output
    with_library = CliRunner().invoke(
        app, ["check", str(program), "--skill-library", str(library_file)]
    )
    assert with_library.exit_code == 0 and f"{program}: ok" in with_library.output
