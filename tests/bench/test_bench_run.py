"""``codepolicy bench`` end to end: streaming results, resume after kill -9, failures recorded,
paired prompt comparison through a local model server, worker processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codepolicy.testing.scripted_server import ScriptedServer


def bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", "bench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_oracle_run_streams_results_and_writes_summary_and_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = bench(
        "--suite", "pick-place", "--seeds", "2", "--backend", "kinematic", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    records = lines(out)
    assert len(records) == 4 and all(r["success"] for r in records)
    assert {r["key"] for r in records} == {
        f"pick-place-{split}|{seed}|oracle" for split in ("seen", "unseen") for seed in (0, 1)
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["n"] == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["codepolicy_version"] and manifest["settings"]["planner"] == "oracle"
    assert (out / "report.html").stat().st_size > 1000
    assert "pick-place-seen" in proc.stdout


def test_resume_after_kill_runs_only_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["--suite", "stack-*", "--seeds", "3", "--backend", "kinematic", "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "codepolicy", "bench", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = out / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.exists() and len(results.read_bytes().splitlines()) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = lines(out)
    assert 3 <= len(before) < 12
    again = bench(*args)
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = bench(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    after = lines(out)
    keys = [r["key"] for r in after]
    assert len(keys) == len(set(keys)) == 12
    assert after[: len(before)] == before
    assert f"{len(before)} already done" in resumed.stderr


def test_a_failing_episode_is_recorded_and_never_stops_the_run(tmp_path: Path) -> None:
    out = tmp_path / "run"
    good = "```python\npick_and_place(get_object_names()[0], 'middle')\n```"
    script = [good, "no code here, sorry", good, good]
    with ScriptedServer(script) as server:
        proc = bench(
            "--suite",
            "pick-place-seen",
            "--seeds",
            "4",
            "--planner",
            "llm",
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--backend",
            "kinematic",
            "--out",
            str(out),
            "--no-cache",
        )
    assert proc.returncode == 0, proc.stderr
    statuses = sorted(r["status"] for r in lines(out))
    assert len(statuses) == 4 and "rejected" in statuses
    crash_out = tmp_path / "crash"
    proc = bench(
        "--suite",
        "pick-place-seen",
        "--seeds",
        "2",
        "--planner",
        "llm",
        "--model",
        "m",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--backend",
        "kinematic",
        "--out",
        str(crash_out),
        "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    crashed = lines(crash_out)
    assert [r["status"] for r in crashed] == ["crashed", "crashed"]
    assert crashed[0]["crash"]["type"] == "ModelError"
    summary = json.loads((crash_out / "summary.json").read_text())
    assert summary["overall"]["n"] == 2


def test_prompt_variants_are_paired_and_compared(tmp_path: Path) -> None:
    out = tmp_path / "run"

    def answer(messages: list[dict]) -> str:
        text = " ".join(m["content"] for m in messages)
        instruction = text.rsplit("Instruction: ", 1)[1].splitlines()[0]
        if "Example" in text or "example" in text.split("Instruction:")[0][-4000:]:
            return "```python\n" + _solve(instruction) + "\n```"
        return "```python\nsay('I am not sure')\n```"

    with ScriptedServer(answer) as server:
        proc = bench(
            "--suite",
            "pick-place-seen",
            "--seeds",
            "6",
            "--planner",
            "llm",
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--prompt",
            "zero-shot,few-shot",
            "--backend",
            "kinematic",
            "--out",
            str(out),
            "--no-cache",
        )
    assert proc.returncode == 0, proc.stderr
    records = lines(out)
    assert {r["variant"] for r in records} == {"zero-shot", "few-shot"}
    by_variant = {
        v: sorted(r["seed"] for r in records if r["variant"] == v)
        for v in ("zero-shot", "few-shot")
    }
    assert by_variant["zero-shot"] == by_variant["few-shot"] == list(range(6))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["comparisons"], "paired comparison missing"
    assert "few-shot" in summary["comparisons"][0]["sentence"]
    assert all(r["llm_calls"] >= 1 and r["tokens_in"] > 0 for r in records)
    hashes = json.loads((out / "manifest.json").read_text())["prompts"]
    for variant in ("zero-shot", "few-shot"):
        assert f"{variant}/{variant}.jinja" in hashes
        assert f"{variant}/_base.jinja" in hashes, "shared template parts are part of the prompt"


def _solve(instruction: str) -> str:
    words = instruction.split(" the ")
    block = next(w.split(" on")[0].split(" onto")[0] for w in words[1:] if "block" in w)
    target = words[-1].strip(". ")
    return f"pick_and_place({block!r}, {target!r})"


@pytest.mark.parametrize("workers", [2])
def test_parallel_workers_give_the_same_records_as_one(tmp_path: Path, workers: int) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    args = ["--suite", "blocks-in-bowl", "--seeds", "3", "--backend", "kinematic"]
    assert bench(*args, "--out", str(one)).returncode == 0
    assert bench(*args, "--out", str(two), "--workers", str(workers)).returncode == 0

    def key(record: dict) -> str:
        return str(record["key"])

    def strip(record: dict) -> dict:
        volatile = ("wall_time", "started_at", "finished_at", "worker", "rounds")
        return {k: v for k, v in record.items() if k not in volatile}

    assert [strip(r) for r in sorted(lines(one), key=key)] == [
        strip(r) for r in sorted(lines(two), key=key)
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--planner", "human"], "unknown planner 'human'; choose one of: oracle"),
        (["--suite", "no-such-thing"], "unknown scenario"),
        (["--split", "weird"], "unknown split"),
        (["--seeds", "2", "--seed-list", "1,2"], "exclude each other"),
        (["--planner", "llm"], "--planner llm needs --model"),
        (["--video", "sometimes"], "unknown video mode 'sometimes'"),
        (["--executor", "slurm"], "unknown executor 'slurm'"),
    ],
)
def test_bad_options_exit_2_with_a_message(tmp_path: Path, args: list[str], message: str) -> None:
    proc = bench(*args, "--out", str(tmp_path / "x"))
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_video_all_keeps_every_episode_and_failures_keeps_none_when_all_succeed(
    tmp_path: Path,
) -> None:
    keep_all, keep_failures = tmp_path / "all", tmp_path / "failures"
    args = ["--suite", "pick-place-seen", "--seeds", "2", "--backend", "kinematic"]
    assert bench(*args, "--video", "all", "--out", str(keep_all)).returncode == 0
    assert bench(*args, "--video", "failures", "--out", str(keep_failures)).returncode == 0
    videos = [r["video"] for r in lines(keep_all)]
    assert all(videos) and all((keep_all / v).stat().st_size > 0 for v in videos)
    assert [r["video"] for r in lines(keep_failures)] == [None, None]
    assert not list((keep_failures / "videos").glob("*.mp4"))
    report = (keep_all / "report.html").read_text()
    assert videos[0] in report


def test_ray_executor_from_the_command_line(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    out = tmp_path / "ray"
    proc = bench(
        "--suite",
        "pick-place-seen",
        "--seeds",
        "2",
        "--backend",
        "kinematic",
        "--executor",
        "ray",
        "--workers",
        "2",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(r["key"] for r in lines(out)) == [
        "pick-place-seen|0|oracle",
        "pick-place-seen|1|oracle",
    ]
