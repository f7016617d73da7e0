"""``codepolicy run --planner llm`` against local servers: --timeout, --max-tokens, --model-path,
a server that is not running, and best-of-n with a server that returns one choice."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codepolicy.testing.scripted_server import ScriptedServer
from tests.llm.one_choice_server import OneChoiceServer

LLM = ["--planner", "llm", "--model", "m", "--backend", "kinematic", "--no-cache"]


def codepolicy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codepolicy", *args], capture_output=True, text=True, timeout=120
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_is_not_running_is_named_with_the_likely_cause() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    proc = codepolicy("run", "pick-place-seen", *LLM, "--base-url", url)
    assert proc.returncode == 2
    assert f"nothing is listening on {url} — is the server running?" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_max_tokens_and_timeout_reach_the_request() -> None:
    with ScriptedServer(["say('hi')"]) as server:
        proc = codepolicy(
            "run", "pick-place-seen", *LLM, "--base-url", server.base_url,
            "--max-tokens", "77", "--timeout", "9",
        )  # fmt: skip
        body = server.chat_requests()[0].body
    assert proc.returncode == 1, proc.stderr
    assert body["max_tokens"] == 77 and "\n```\n" in body["stop"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "--timeout must be a positive number"),
        (["--max-tokens", "0"], "--max-tokens must be at least 1"),
        (["--provider", "llama-cpp"], "--provider llama-cpp needs --model-path"),
        (["--model-path", "/no/such.gguf"], "--model-path /no/such.gguf: no such file"),
    ],
)
def test_bad_model_io_options_exit_2(args: list[str], message: str) -> None:
    proc = codepolicy("run", "pick-place-seen", *LLM, *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_best_of_n_says_how_many_candidates_a_one_choice_server_really_gave() -> None:
    def answer(body: dict[str, Any]) -> str:
        return f"```python\nsay('candidate with seed {body.get('seed')}')\n```"

    with OneChoiceServer(answer) as server:
        proc = codepolicy(
            "run", "pick-place-seen", *LLM, "--base-url", server.base_url,
            "--replan", "best-of-n", "--n", "3", "--temperature", "0.8",
        )  # fmt: skip
        seeds = [b.get("seed") for b in server.bodies]
    assert "best-of-n: 3 of 3 candidates obtained" in proc.stdout, proc.stderr
    assert len(server.bodies) == 3 and len(set(seeds)) == 3


def test_model_path_without_llama_cpp_installed_or_a_bad_file_is_a_sentence(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file")
    proc = codepolicy(
        "run", "pick-place-seen", "--planner", "llm", "--provider", "llama-cpp",
        "--model-path", str(bogus), "--backend", "kinematic", "--no-cache",
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "bogus.gguf" in proc.stderr and "Traceback" not in proc.stderr
