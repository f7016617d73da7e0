"""``codepolicy bench --grid`` end to end: oracle and scripted-model grids, resume, errors, report."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from codepolicy.cli.bench import bench
from codepolicy.cli.report import compare, report
from codepolicy.testing.scripted_server import ScriptedServer

runner = CliRunner()
ORACLE_GRID = ["--grid", "api=macro,low", "perception=privileged,noisy"]
KINEMATIC = ["--suite", "pick-place", "--seeds", "2", "--backend", "kinematic"]


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("bench")(bench)
    app.command("report")(report)
    app.command("compare")(compare)
    return app


def lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def oracle_grid(app: typer.Typer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grid") / "oracle"
    result = runner.invoke(app, ["bench", *ORACLE_GRID, *KINEMATIC, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_oracle_grid_runs_every_cell_on_the_same_episodes(oracle_grid: Path) -> None:
    records = lines(oracle_grid)
    cells = {r["variant"]: r["grid"] for r in records}
    assert cells == {
        f"api={a},perception={p}": {"api": a, "perception": p}
        for a in ("macro", "low")
        for p in ("privileged", "noisy")
    }
    episodes = {
        v: sorted((r["scenario"], r["seed"]) for r in records if r["variant"] == v) for v in cells
    }
    assert (
        len(set(map(tuple, episodes.values()))) == 1
        and len(episodes["api=low,perception=noisy"]) == 4
    )
    assert {r["profile"] for r in records if r["grid"]["api"] == "low"} == {"low"}
    manifest = json.loads((oracle_grid / "manifest.json").read_text())
    assert manifest["settings"]["grid"] == {
        "api": ["macro", "low"],
        "perception": ["privileged", "noisy"],
    }
    summary = json.loads((oracle_grid / "summary.json").read_text())
    grid = summary["grid"]
    assert [c["stats"]["n"] for c in grid["cells"]] == [4, 4, 4, 4]
    assert [
        (c["axis"], c["a"], c["b"], c["comparison"]["n_pairs"]) for c in grid["comparisons"]
    ] == [
        ("api", "macro", "low", 8),
        ("perception", "privileged", "noisy", 8),
    ]
    assert summary["comparisons"] == []  # the axis comparisons replace the all-pairs ones


def test_the_report_shows_the_grid_table_heat_map_and_axis_sentences(oracle_grid: Path) -> None:
    html = (oracle_grid / "report.html").read_text(encoding="utf-8")
    section = html.split('<section id="grid">', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr><td>") == 4 + 2  # four cells, two axis comparisons
    assert (
        'id="grid-heatmap"><img alt="Grid heat map: success rate, rows: api, columns: perception'
        in section
    )
    assert "data:image/png;base64," in section
    assert "perception=noisy" in section and "8 paired episodes" in section


def test_report_and_compare_keep_working_on_grid_runs(app: typer.Typer, oracle_grid: Path) -> None:
    rebuilt = runner.invoke(app, ["report", str(oracle_grid)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Grid (one row per cell" in rebuilt.output and "api=low" in rebuilt.output
    within = runner.invoke(app, ["compare", str(oracle_grid)])
    assert within.exit_code == 0, within.output
    assert "api=macro,perception=noisy" in within.output


def test_resume_finishes_a_partly_run_grid(
    app: typer.Typer, oracle_grid: Path, tmp_path: Path
) -> None:
    out = tmp_path / "partial"
    first = runner.invoke(app, ["bench", *ORACLE_GRID, *KINEMATIC, "--out", str(out)])
    assert first.exit_code == 0, first.output
    full = lines(out)
    same = {"wall_time", "started_at", "finished_at", "worker"}
    strip = [{k: v for k, v in r.items() if k not in same} for r in full]
    assert strip == [{k: v for k, v in r.items() if k not in same} for r in lines(oracle_grid)]
    kept = (out / "results.jsonl").read_text().splitlines(keepends=True)[:9]
    (out / "results.jsonl").write_text("".join(kept))
    again = runner.invoke(app, ["bench", *ORACLE_GRID, *KINEMATIC, "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.output
    other = runner.invoke(
        app, ["bench", "--grid", "api=macro", *KINEMATIC, "--out", str(out), "--resume"]
    )
    assert other.exit_code == 2 and "different settings" in other.output and "grid" in other.output
    resumed = runner.invoke(app, ["bench", *ORACLE_GRID, *KINEMATIC, "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "9 already done, 7 to run" in resumed.output
    after = lines(out)
    assert after[:9] == full[:9]
    assert sorted(r["key"] for r in after) == sorted(r["key"] for r in full)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "api=mid"], "--grid api: unknown value 'mid'; choose from: macro, primitive"),
        (["--grid", "colour=red"], "--grid: unknown axis 'colour'; the axes are: api, perception"),
        (["--grid", "turns=1,3,1"], "--grid turns: the value '1' is given twice"),
        (["--grid", "api=low", "--profile", "macro"], "--grid api=... and --profile both set"),
        (["--grid", "perception=noisy", "--perception", "noisy"], "--perception both set"),
        (
            ["--grid", "feedback=binary,explain"],
            "the oracle planner writes no program with a model",
        ),
        (["--grid", "perception=camera"], "the kinematic backend renders none"),
        (["--grid", "api=low", "stray"], "AXIS=VALUE[,VALUE...] items, got 'stray'"),
        (
            ["--planner", "llm", "--model", "m", "--grid", "skills=off,on"],
            "skills=on needs --skill-library FILE",
        ),
        (
            ["--planner", "llm", "--model", "m", "--grid", "turns=1,3", "--replan", "refine"],
            "--grid turns=... and --replan both set",
        ),
        (["--skill-library", "lib.py"], "the oracle planner has none"),
    ],
)
def test_bad_grids_exit_2_with_a_sentence(
    app: typer.Typer, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["bench", *args, *KINEMATIC, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "x" / "results.jsonl").exists()


def _solve(instruction: str) -> str:
    words = instruction.split(" the ")
    block = next(w.split(" on")[0].split(" onto")[0] for w in words[1:] if "block" in w)
    target = words[-1].strip(". ")
    return f"pick_and_place({block!r}, {target!r})"


def _answer(messages: list[dict]) -> str:
    """Solves only after feedback that lists the calls made (the ``explain`` level)."""
    text = "\n".join(m["content"] for m in messages)
    if "Calls (" in text:
        instruction = text.rsplit("Instruction: ", 1)[1].splitlines()[0]
        return "```python\n" + _solve(instruction) + "\n```"
    return "```python\npick_and_place(get_object_names()[0], 'middle')\n```"


def test_scripted_model_grid_over_feedback_and_turns(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "model"
    with ScriptedServer(_answer) as server:
        result = runner.invoke(
            app,
            [
                "bench",
                "--grid",
                "feedback=binary,explain",
                "turns=1,3",
                "--planner",
                "llm",
                "--model",
                "scripted",
                "--base-url",
                server.base_url,
                "--no-cache",
                *KINEMATIC,
                "--out",
                str(out),
            ],
        )
    assert result.exit_code == 0, result.output
    records = lines(out)
    assert len(records) == 16 and not [r for r in records if r["status"] == "crashed"]
    success = {
        v: sum(r["success"] for r in records if r["variant"] == v)
        for v in {r["variant"] for r in records}
    }
    assert success == {
        "feedback=binary,turns=1": 0,
        "feedback=binary,turns=3": 0,
        "feedback=explain,turns=1": 0,
        "feedback=explain,turns=3": 4,
    }
    one = [r for r in records if r["grid"]["turns"] == "1"]
    assert all(len(r["rounds"]) == 1 and r["strategy"] == "none" for r in one)
    binary3 = [r for r in records if r["variant"] == "feedback=binary,turns=3"]
    assert all(len(r["rounds"]) == 3 and r["strategy"] == "refine" for r in binary3)
    text = " ".join(result.output.split())
    assert "feedback=explain solves 4 of 8 paired episodes that feedback=binary fails" in text
    assert "turns=3 solves 4 of 8 paired episodes that turns=1 fails (50% vs 0%), p = 0.12" in text


def test_the_grid_section_renders_in_headless_chromium(oracle_grid: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium on this machine")
    Image = pytest.importorskip("PIL.Image")
    shot = tmp_path / "grid.png"
    url = (oracle_grid / "report.html").resolve().as_uri() + "#grid"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(
        [*command, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert dom.count('id="grid-table"') == 1 and 'id="grid-heatmap"' in dom
    subprocess.run(
        [*command, "--window-size=1300,1100", f"--screenshot={shot}", url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (1300, 1100)
    rgb = np.asarray(image, dtype=int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    green = int(((g > 90) & (r < 90) & (b < 90)).sum())  # the full-success squares
    assert green > 5000, f"the heat map is not on screen ({green} green pixels)"
