"""``codepolicy session``: instructions written by a model and program files, one namespace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codepolicy.llm.scripted_server import ScriptedServer
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode

EPISODE = sample_episode(get_scenario("pick-place"), 0)
BLOCK, TARGET = EPISODE.variables["block"], EPISODE.variables["target"]


def _session(lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "codepolicy", "session", "pick-place", "--seed", "0"]
    return subprocess.run(
        [*command, "--backend", "kinematic", *extra],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_typed_instruction_is_written_by_the_model_and_uses_earlier_variables(
    tmp_path: Path,
) -> None:
    first = tmp_path / "first.py"
    first.write_text(f"picked = {BLOCK!r}\n")

    def answer(messages: list[dict[str, str]]) -> str:
        assert "put it on the target" in messages[-1]["content"]
        return f"```python\nput_first_on_second(picked, {TARGET!r})\n```"

    with ScriptedServer(answer) as server:
        done = _session(
            ["put it on the target", ":quit"],
            "--program",
            str(first),
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--no-cache",
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"put_first_on_second(picked, {TARGET!r})" in done.stdout
    assert "Session over: the task is achieved." in done.stdout


def test_without_a_model_instructions_are_refused_and_programs_still_run(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text(f"put_first_on_second({BLOCK!r}, {TARGET!r})\n")
    done = _session(["do the thing", f":run {program}", ":run /nonexistent.py", ":bogus"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "needs a model (--model NAME)" in done.stdout
    assert "no such program file: /nonexistent.py" in done.stdout
    assert "unknown command ':bogus'" in done.stdout


def test_an_unknown_profile_is_exit_2() -> None:
    done = _session([], "--profile", "bogus")
    assert done.returncode == 2 and "unknown profile 'bogus'" in done.stderr
