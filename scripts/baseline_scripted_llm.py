"""Baseline of the whole LLM path with a scripted local model (no real model involved).

A local OpenAI-compatible server (codepolicy.testing.scripted_server) plays the model. It reads the
instruction from the prompt and answers with the scenario's reference program, except that for
zero-shot prompts its first answer misspells a primitive (`pick_and_plce`); with few-shot prompts,
or once the feedback of a failed attempt is in the prompt, it answers correctly. So the run
exercises prompts, HTTP, retries, the cache, code extraction, vetting, the sandbox, feedback,
replanning (refine) and the paired statistics end to end — the numbers describe this pipeline,
not any real model.

Usage: python scripts/baseline_scripted_llm.py [--seeds N] [--backend physics] [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

from codepolicy.oracle import oracle_program
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode
from codepolicy.testing.scripted_server import ScriptedServer


def programs_by_instruction(seeds: int) -> dict[str, str]:
    """Instruction -> the reference program of every shipped scenario × seed."""
    table = {}
    for scenario in list_scenarios():
        for seed in range(seeds):
            episode = sample_episode(scenario, seed)
            table[episode.instruction] = oracle_program(episode)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--backend", default="physics")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="runs/scripted-llm")
    args = parser.parse_args()
    table = programs_by_instruction(args.seeds)

    def answer(messages: list[dict[str, Any]]) -> str:
        prompt = "\n".join(m["content"] for m in messages)
        instruction = prompt.rsplit("Instruction: ", 1)[1].splitlines()[0].strip()
        program = table.get(instruction, "say('I do not know this task')")
        few_shot = "Examples" in prompt or "Example " in prompt
        replanning = "did not succeed" in prompt
        if not (few_shot or replanning):
            program = program.replace("pick_and_place(", "pick_and_plce(", 1)
        return f"Here is my plan.\n```python\n{program}\n```"

    with ScriptedServer(answer, model="scripted-coder") as server:
        command = [
            sys.executable,
            "-m",
            "codepolicy",
            "bench",
            "--planner",
            "llm",
            "--model",
            "scripted-coder",
            "--base-url",
            server.base_url,
            "--prompt",
            "zero-shot,few-shot",
            "--replan",
            "refine",
            "--max-rounds",
            "2",
            "--seeds",
            str(args.seeds),
            "--backend",
            args.backend,
            "--workers",
            str(args.workers),
            "--out",
            args.out,
            "--no-cache",
        ]
        sys.exit(subprocess.run(command, check=False).returncode)


if __name__ == "__main__":
    main()
