"""Ask a real model for one program per scenario and say what it wrote: how often it re-defines the API.

For each selected scenario (default: the 14 seen-colour ones) and seed, renders the prompt, asks the
model once (no replanning), runs the program on the kinematic backend and prints one row: status,
success, whether the program re-defines a primitive or defines a class, whether it defines functions
it never calls, prompt tokens reported by the server, and wall time. The last line is the
re-definition rate.

Usage: python scripts/real_model_probe.py --base-url http://127.0.0.1:8711/v1 --model NAME
           [--prompt zero-shot] [--suite '*-seen'] [--seeds 0] [--max-tokens 384] [--out FILE.jsonl]
"""

from __future__ import annotations

import argparse
import json
import time

from codepolicy.envs.backend import make_world
from codepolicy.feedback.diagnose import diagnose
from codepolicy.feedback.scene import describe_scene
from codepolicy.llm import make_model
from codepolicy.planning.extract import extract_program
from codepolicy.planning.writer import ProgramWriter
from codepolicy.primitives.profiles import get_profile
from codepolicy.runner.episode import run_program, spawns
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--prompt", default="zero-shot")
    parser.add_argument("--profile", default="default")
    parser.add_argument("--suite", default="*-seen")
    parser.add_argument("--seeds", default="0", help="comma-separated")
    parser.add_argument("--max-tokens", type=int, default=384)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--out", default=None, help="append one JSON line per episode")
    args = parser.parse_args()
    import fnmatch

    scenarios = [s for s in list_scenarios() if fnmatch.fnmatch(s.name, args.suite)]
    registry = get_profile(args.profile)
    model = make_model(
        "openai", args.model, args.base_url, timeout=args.timeout, cache_dir="/tmp/modelio_cache"
    )
    writer = ProgramWriter(model, registry, prompt=args.prompt, max_tokens=args.max_tokens)
    backend = make_world("kinematic")
    rows = []
    try:
        for scenario in scenarios:
            for seed in [int(s) for s in args.seeds.split(",")]:
                episode = sample_episode(scenario, seed)
                scene = describe_scene(backend.scene.reset(spawns(episode), seed=seed))
                started = time.perf_counter()
                draft = writer.write(episode.instruction, scene)
                wall = time.perf_counter() - started
                program = draft.program or extract_program(draft.completion.text).code or ""
                diag = diagnose(program, set(registry.names()))
                status = "no_program"
                success = False
                if draft.program is not None:
                    fb = run_program(episode, draft.program, backend, registry=registry)
                    status, success = fb.status.value, fb.success
                row = {
                    "scenario": scenario.name,
                    "seed": seed,
                    "prompt": args.prompt,
                    "status": status,
                    "success": success,
                    "redefines": diag.redefines_api,
                    "uncalled": bool(diag.uncalled),
                    "tokens_in": draft.completion.usage.tokens_in,
                    "tokens_out": draft.completion.usage.tokens_out,
                    "finish": draft.completion.finish_reason,
                    "cache_hit": draft.completion.cache_hit,
                    "wall_s": round(wall, 1),
                    "answer": draft.completion.text,
                }
                rows.append(row)
                print(
                    f"{scenario.name:32} {seed} {status:10} success={success!s:5} "
                    f"redefines={diag.redefines_api!s:5} uncalled={bool(diag.uncalled)!s:5} "
                    f"in={row['tokens_in']} out={row['tokens_out']} {row['wall_s']} s",
                    flush=True,
                )
                if args.out:
                    with open(args.out, "a", encoding="utf-8") as handle:
                        handle.write(json.dumps(row) + "\n")
    finally:
        backend.close()
    n = len(rows)
    print(
        f"prompt={args.prompt}: success {sum(r['success'] for r in rows)}/{n}, "
        f"re-defines the API {sum(r['redefines'] for r in rows)}/{n}, "
        f"defines uncalled functions {sum(r['uncalled'] for r in rows)}/{n}"
    )


if __name__ == "__main__":
    main()
