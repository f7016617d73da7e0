"""``codepolicy run --profile cap --program A --program B [--model ...]``: CaP sessions from the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from codepolicy.llm.base import Message
from codepolicy.llm.scripted_server import ScriptedServer
from codepolicy.scenario.catalog import get_scenario
from codepolicy.scenario.sampler import sample_episode

EPISODE = sample_episode(get_scenario("pick-place"), 0)
BLOCK, TARGET = EPISODE.variables["block"], EPISODE.variables["target"]


def _run(tmp_path: Path, programs: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    args = []
    for i, source in enumerate(programs):
        path = tmp_path / f"p{i}.py"
        path.write_text(source)
        args += ["--program", str(path)]
    command = [sys.executable, "-m", "codepolicy", "run", "pick-place", "--seed", "0"]
    command += ["--backend", "kinematic", "--profile", "cap", "--json", *args, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def test_programs_share_one_namespace_and_world(tmp_path: Path) -> None:
    done = _run(tmp_path, [f"picked = {BLOCK!r}\n", f"put_first_on_second(picked, {TARGET!r})\n"])
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["success"] and len(data["rounds"]) == 2
    assert data["rounds"][0]["steps"] == [] and data["rounds"][1]["steps"][0]["primitive"] == (
        "put_first_on_second"
    )


def test_a_model_serves_helper_lmps_for_program_files(tmp_path: Path) -> None:
    def answer(messages: list[Message]) -> str:
        return f"```python\nret_val = get_obj_pos({TARGET!r})\n```"

    program = (
        f"pos = parse_position('where the {TARGET} is')\nput_first_on_second({BLOCK!r}, pos)\n"
    )
    with ScriptedServer(answer) as server:  # type: ignore[arg-type]
        done = _run(
            tmp_path, [program], "--model", "scripted", "--base-url", server.base_url, "--no-cache"
        )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    step = next(s for s in data["steps"] if s["primitive"] == "parse_position")
    assert step["info"]["code"] == f"ret_val = get_obj_pos({TARGET!r})"
    assert data["success"] and data["llm_calls"] == 1


def test_helper_lmps_without_a_model_say_how_to_give_one(tmp_path: Path) -> None:
    done = _run(tmp_path, ["pos = parse_position('the middle')\n"])
    assert done.returncode == 1
    assert (
        "parse_position needs a model: pass --model" in json.loads(done.stdout)["error"]["message"]
    )


def test_prompt_only_flags_with_a_program_are_refused(tmp_path: Path) -> None:
    done = _run(tmp_path, ["say('hi')\n"], "--replan", "refine")
    assert done.returncode == 2 and "--replan" in done.stderr
