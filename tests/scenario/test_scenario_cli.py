"""``codepolicy scenarios`` sub-commands, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from codepolicy.cli.scenarios import app
from codepolicy.scenario.catalog import SCENARIO_DIR

INVALID_DIR = Path(__file__).parent / "invalid"


runner = CliRunner()


def test_list_table() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert "stack-blocks-seen" in result.stdout and "BlocksInLineUnseen" in result.stdout


def test_list_json() -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    entries = json.loads(result.stdout)
    assert len(entries) == 28 + 10  # ours, then the adapter worlds'
    assert [e["world"] for e in entries[:28]] == ["tabletop"] * 28
    adapters = {e["name"]: e for e in entries[28:]}
    assert adapters["fetch-push"]["gym_id"] == "FetchPush-v4"
    assert adapters["panda-stack"]["num_objects"] == "3"
    assert adapters["metaworld-pick-place"]["gym_id"] == "Meta-World/goal_observable"
    first = entries[0]
    assert {"name", "family", "split", "num_objects", "gym_name"} <= set(first)


def test_show_json_is_deterministic() -> None:
    a = runner.invoke(app, ["show", "nth-block", "--seed", "7", "--json"])
    b = runner.invoke(app, ["show", "nth-block-seen", "--seed", "7", "--json"])
    assert a.exit_code == 0 and a.stdout == b.stdout
    data = json.loads(a.stdout)
    assert data["scenario"] == "nth-block-seen" and data["seed"] == 7
    assert "{" not in data["instruction"]
    assert data["objects"][0].keys() >= {"name", "kind", "color", "x", "y", "yaw"}
    assert "at" in data["success"] and "block" in data["variables"]


def test_show_text_and_path() -> None:
    result = runner.invoke(app, ["show", str(SCENARIO_DIR / "blocks-in-bowl.yaml"), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert (
        "instruction:" in result.stdout and "success:" in result.stdout and "bowl" in result.stdout
    )


def test_show_unknown_name_suggests() -> None:
    result = runner.invoke(app, ["show", "stak-blocks"])
    assert result.exit_code == 2
    assert "unknown scenario 'stak-blocks'" in result.stderr
    assert "stack-blocks" in result.stderr
    assert "Traceback" not in result.output


def test_show_invalid_file() -> None:
    path = INVALID_DIR / "bad-split.yaml"
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: instruction_split:" in result.stderr


def test_validate_ok_and_errors(demo_yaml: Path) -> None:
    ok = runner.invoke(app, ["validate", str(demo_yaml), str(SCENARIO_DIR / "stack-blocks.yaml")])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.count(": ok") == 2
    bad = [INVALID_DIR / "unknown-field.yaml", INVALID_DIR / "duplicate-key.yaml"]
    result = runner.invoke(app, ["validate", str(demo_yaml), *map(str, bad)])
    assert result.exit_code == 2
    assert f"{demo_yaml}: ok" in result.stdout
    assert f"{bad[0]}:4: dificulty: unknown field" in result.stderr
    assert f"{bad[1]}:5: difficulty: duplicate key" in result.stderr
    assert "Traceback" not in result.output


def test_validate_all_shipped() -> None:
    files = sorted(str(p) for p in SCENARIO_DIR.glob("*.yaml"))
    result = runner.invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 14


def test_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "codepolicy scenario file"


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["show", "pick-place", "--seed", "-3"]).exit_code == 2
    assert runner.invoke(app, ["show", "pick-place", "--split", "both"]).exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2
