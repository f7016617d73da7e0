"""``codepolicy bench`` on adapter worlds: records carry the env's own success, disagreement counted."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(
    importlib.util.find_spec("panda_gym") is None,
    reason="needs the 'panda-gym' extra: pip install 'codepolicy[panda-gym]'",
)
def test_bench_runs_an_adapter_world_and_counts_agreement(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["bench", "--suite", "panda-reach", "--seeds", "2", "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "codepolicy", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["key"] for r in records] == ["panda-reach|0|oracle", "panda-reach|1|oracle"]
    assert all(r["success"] and r["env_success"] is True for r in records)
    assert all(r["backend"] == "panda-reach" for r in records)
    overall = json.loads((out / "summary.json").read_text())["overall"]
    assert overall["env_judged"] == 2 and overall["env_disagreements"] == 0
    assert "disagrees with ours in 0 of 2 episodes" in proc.stdout


def test_globs_choose_adapter_scenarios_and_no_suite_means_ours() -> None:
    from codepolicy.bench.tasks import select_scenarios

    assert [name for name, _ in select_scenarios(["*-push"], [])] == [
        "fetch-push",
        "metaworld-push",
        "panda-push",
    ]
    assert [name for name, _ in select_scenarios(["panda-stack"], [])] == ["panda-stack"]
    everything = [name for name, _ in select_scenarios([], [])]
    assert len(everything) == 28 and not any(n.startswith(("panda", "fetch")) for n in everything)
