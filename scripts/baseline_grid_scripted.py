"""Benchmark grid of the LLM path over feedback levels × turns, with a scripted model (no real model).

A local OpenAI-compatible server (codepolicy.testing.scripted_server) plays a model that learns
only what the feedback tells it:

1. Its first program misspells a primitive (``pick_and_plce``): the program is rejected.
2. If the feedback quotes the rejected line (levels ``errors`` and above), it fixes the spelling
   but moves the wrong object (``pick_and_place(get_object_names()[0], 'middle')``), which runs
   and fails.
3. If the feedback lists the calls the program made (levels ``explain`` and above), it answers
   with the scenario's reference program.

Otherwise it repeats its first program. So ``turns=1`` never succeeds, ``binary`` never gets past
step 1, ``errors`` gets stuck at step 2, and ``explain`` / ``explain+scene`` need three rounds. The
numbers describe the pipeline (prompts, feedback levels, refine replanning, grid statistics), not
any real model.

Usage: python scripts/baseline_grid_scripted.py [--seeds N] [--backend kinematic] [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

from baseline_scripted_llm import programs_by_instruction  # this folder: sys.path[0]

from codepolicy.testing.scripted_server import ScriptedServer

WRONG = "pick_and_place(get_object_names()[0], 'middle')"


def answer_from(table: dict[str, str], messages: list[dict[str, Any]]) -> str:
    """The scripted model's answer (see the module docstring)."""
    prompt = "\n".join(m["content"] for m in messages)
    instruction = prompt.rsplit("Instruction: ", 1)[1].splitlines()[0].strip()
    reference = table.get(instruction, "say('I do not know this task')")
    feedback = (
        prompt.split("did not succeed. What happened:", 1)[1] if "did not succeed" in prompt else ""
    )
    if "Calls (" in feedback:
        program = reference
    elif "pick_and_plce" in feedback:
        program = WRONG
    else:
        program = reference.replace("pick_and_place(", "pick_and_plce(", 1)
    return f"Here is my plan.\n```python\n{program}\n```"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--backend", default="kinematic")
    parser.add_argument("--suite", action="append", default=[])
    parser.add_argument("--out", default="runs/grid-scripted")
    args = parser.parse_args()
    table = programs_by_instruction(args.seeds)

    def answer(messages: list[dict[str, Any]]) -> str:
        return answer_from(table, messages)

    with ScriptedServer(answer, model="scripted-coder") as server:
        command = [
            sys.executable,
            "-m",
            "codepolicy",
            "bench",
            "--grid",
            "feedback=binary,errors,explain,explain+scene",
            "turns=1,3",
            "--planner",
            "llm",
            "--model",
            "scripted-coder",
            "--base-url",
            server.base_url,
            "--seeds",
            str(args.seeds),
            "--backend",
            args.backend,
            "--out",
            args.out,
            "--no-cache",
            *(f"--suite={s}" for s in args.suite),
        ]
        sys.exit(subprocess.run(command, check=False).returncode)


if __name__ == "__main__":
    main()
