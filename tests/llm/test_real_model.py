"""Smoke tests with a real small model (Qwen2.5-Coder-1.5B, GGUF) served by llama.cpp on loopback.

They assert that the pipeline handles whatever the model writes — a status for every episode,
feedback sent back for a second round, usage recorded, no crash — not that the model succeeds.
They need ``CODEPOLICY_REAL_MODEL=FILE.gguf`` (``scripts/local-model`` installs the model and
prints its path; ``scripts/test`` does both when ``CI=true``). Without it they are skipped, except
in CI, where a missing model is a failure rather than a silent pass.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

MODEL_FILE = os.environ.get("CODEPOLICY_REAL_MODEL", "")
STATUSES = {
    "success", "failed", "rejected", "error", "timeout", "resource_limit", "safety_stop",
    "budget_exceeded", "aborted",
}  # fmt: skip
# Short answers keep each episode to well under a minute on 2 idle cores.
FAST = ["--backend", "kinematic", "--max-tokens", "160", "--timeout", "600", "--no-cache"]

if not MODEL_FILE:
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the real-model smoke tests: CODEPOLICY_REAL_MODEL is not set")
    pytest.skip(
        "set CODEPOLICY_REAL_MODEL=FILE.gguf to run (scripts/local-model prints the path)",
        allow_module_level=True,
    )
pytestmark = pytest.mark.timeout(1500)


def codepolicy(*args: str, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server on a free loopback port, stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable, "-m", "llama_cpp.server", "--model", MODEL_FILE,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
            "--model_alias", "qwen2.5-coder-1.5b",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama.cpp's server did not come up on {url}")
                time.sleep(1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_run_with_refine_gets_a_status_per_round_and_feeds_back(server: str) -> None:
    proc = codepolicy(
        "run", "pick-place-seen", "--planner", "llm", "--model", "qwen2.5-coder-1.5b",
        "--base-url", server, "--replan", "refine", "--max-rounds", "2", "--json", *FAST,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["status"] in STATUSES and data["llm_calls"] >= 1 and data["tokens_out"] > 0
    rounds = data["rounds"]
    assert all(r["status"] in STATUSES for r in rounds)
    if not rounds[0]["success"]:  # the feedback went back and a second program came of it
        assert len(rounds) == 2 and data["llm_calls"] >= 2


def test_bench_records_every_episode_whatever_the_model_writes(server: str, tmp_path: Path) -> None:
    out = tmp_path / "bench"
    proc = codepolicy(
        "bench", "--suite", "stack-blocks-seen", "--suite", "block-by-distance-seen", "--seeds", "1",
        "--planner", "llm", "--model", "qwen2.5-coder-1.5b", "--base-url", server,
        "--out", str(out), *FAST,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 2 and all(r["status"] in STATUSES for r in records)
    assert all(r["llm_calls"] >= 1 for r in records)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["settings"]["llm"]["feedback"] == "explain"
    assert manifest["settings"]["llm"]["max_tokens"] == 160


def test_in_process_llama_cpp_provider_runs_an_episode() -> None:
    proc = codepolicy(
        "run", "blocks-in-bowl-seen", "--planner", "llm", "--provider", "llama-cpp",
        "--model-path", MODEL_FILE, "--json", *FAST,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["status"] in STATUSES and data["llm_calls"] == 1 and data["tokens_in"] > 0
