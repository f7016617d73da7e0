"""report / compare / export as CLI commands: exit codes and output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.bench.store import ResultsStore
from codepolicy.cli.report import compare, export, report

Make = Callable[..., EpisodeRecord]
runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report)
    app.command("compare")(compare)
    app.command("export")(export)
    return app


def _run(directory: Path, make: Make, variant: str, outcomes: list[bool]) -> Path:
    store = ResultsStore(directory)
    for seed, ok in enumerate(outcomes):
        rnd = Round(
            index=0,
            program="go()",
            status="success" if ok else "failed",
            success=ok,
            messages=[{"role": "user", "content": "go"}],
            completion="go()",
        )
        store.append(make("s-a", seed, variant, success=ok, rounds=[rnd]))
    return directory


def test_report_writes_files_and_exits_0(
    app: typer.Typer, tmp_path: Path, make_record: Make
) -> None:
    run = _run(tmp_path / "r", make_record, "v", [True, False, True])
    result = runner.invoke(app, ["report", str(run)])
    assert result.exit_code == 0, result.output
    assert (run / "report.html").is_file() and (run / "summary.json").is_file()
    assert "67%" in result.output


def test_report_bad_inputs_exit_2(app: typer.Typer, tmp_path: Path, make_record: Make) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "run directory not found" in result.output
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "results.jsonl not found" in result.output
    (tmp_path / "results.jsonl").write_text(make_record().to_line() + "\n[1, 2]\n")
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "results.jsonl:2" in result.output
    bad_prices = tmp_path / "p.json"
    bad_prices.write_text('{"m": {"input": -1, "output": 1}}')
    (tmp_path / "results.jsonl").write_text(make_record().to_line() + "\n")
    result = runner.invoke(app, ["report", str(tmp_path), "--prices", str(bad_prices)])
    assert result.exit_code == 2 and "p.json" in result.output


def test_compare_two_runs(app: typer.Typer, tmp_path: Path, make_record: Make) -> None:
    a = _run(tmp_path / "few", make_record, "default", [True] * 30 + [False] * 10)
    b = _run(tmp_path / "zero", make_record, "default", [False] * 15 + [True] * 15 + [False] * 10)
    result = runner.invoke(app, ["compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert (
        "few beats zero by 37 points (75% vs 38%), p < 0.001, 40 paired episodes" in result.output
    )
    result = runner.invoke(app, ["compare", str(a), str(tmp_path / "missing")])
    assert result.exit_code == 2


def test_export(app: typer.Typer, tmp_path: Path, make_record: Make) -> None:
    run = _run(tmp_path / "r", make_record, "v", [True, False, True])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", str(run), "--out", str(out)])
    assert result.exit_code == 0 and "wrote 3 attempts" in result.output
    result = runner.invoke(app, ["export", str(run), "--out", str(out), "--only-success"])
    assert result.exit_code == 0
    assert [json.loads(x)["success"] for x in out.read_text().splitlines()] == [True, True]
    assert runner.invoke(app, ["export", str(tmp_path / "nope"), "--out", str(out)]).exit_code == 2
