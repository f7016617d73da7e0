"""`bench --program FILE` benchmarks a hand-written program; a plan the oracle cannot run is refused;
the chosen scenarios are named; progress lines of a run without a model do not talk of tokens."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from codepolicy.cli.main import app
from codepolicy.scenario.catalog import SCENARIO_DIR

runner = CliRunner()

PROGRAM = """\
for o in perceive():
    if o.kind == "block":
        pick_and_place(o.name, [b.name for b in perceive() if b.kind == "bowl"][0])
"""


def test_bench_runs_a_program_file_over_scenarios_and_seeds(tmp_path: Path) -> None:
    program = tmp_path / "fill_first_bowl.py"
    program.write_text(PROGRAM)
    out = tmp_path / "run"
    args = [
        "bench",
        "--suite",
        "blocks-in-bowl",
        "--seeds",
        "2",
        "--backend",
        "kinematic",
        "--program",
        str(program),
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Scenarios (2): blocks-in-bowl-seen, blocks-in-bowl-unseen" in result.stderr
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 4
    assert {r["variant"] for r in records} == {"fill_first_bowl"}
    assert {r["planner"] for r in records} == {"program"}
    assert all(r["rounds"][0]["program"] == PROGRAM for r in records)
    assert "tokens" not in result.stderr


def test_program_and_planner_exclude_each_other(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text(PROGRAM)
    result = runner.invoke(app, ["bench", "--program", str(program), "--planner", "llm"])
    assert result.exit_code == 2 and "exclude each other" in result.stderr


def test_bench_refuses_an_oracle_plan_without_reference_programs(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.yaml"
    text = (SCENARIO_DIR / "pick-place.yaml").read_text()
    scenario.write_text(
        text.replace("family: pick-place", "family: my-own-task").replace(
            "oracle: pick-place", "oracle: my-own-task"
        )
    )
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "bench",
            "--suite",
            str(scenario),
            "--seeds",
            "1",
            "--backend",
            "kinematic",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "the oracle planner cannot run 2 of the 2 chosen scenarios" in result.stderr
    assert "--program FILE" in result.stderr
    assert not (out / "results.jsonl").exists()
