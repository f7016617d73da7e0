"""Oracle success per API tier (macro, primitive, low): each tier's upper bound, side by side.

Runs each tier's reference program (:mod:`codepolicy.oracle.tier_programs`) on every tabletop
scenario x ``--seeds`` seeds through the sandbox, and prints per tier: successes, executability,
primitive calls per episode and wall time per episode.

Usage: python benchmarks/api_tiers.py [--backend physics|kinematic] [--seeds 2] [--scenarios GLOB]
"""

from __future__ import annotations

import argparse
import fnmatch
import time

from codepolicy.envs.backend import make_world
from codepolicy.oracle.tier_programs import tier_episode, tier_program
from codepolicy.primitives.tiers import TIERS
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", default="physics", choices=["physics", "kinematic"])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--scenarios", default="*")
    parser.add_argument("--tiers", default=",".join(TIERS))
    args = parser.parse_args()
    tiers = args.tiers.split(",")
    world = make_world(args.backend)
    wins = dict.fromkeys(tiers, 0)
    runs = dict.fromkeys(tiers, 0)
    calls = dict.fromkeys(tiers, 0)
    wall = dict.fromkeys(tiers, 0.0)
    failed: dict[str, list[str]] = {t: [] for t in tiers}
    total = 0
    for scenario in list_scenarios():
        if not fnmatch.fnmatch(scenario.name, args.scenarios):
            continue
        for seed in range(args.seeds):
            base = sample_episode(scenario, seed)
            if base.world != "tabletop":
                continue
            total += 1
            for tier in tiers:
                episode = tier_episode(base, tier)
                started = time.perf_counter()
                feedback = run_program(
                    episode, tier_program(episode, tier), world, registry=TIERS[tier]
                )
                wall[tier] += time.perf_counter() - started
                wins[tier] += int(feedback.success)
                runs[tier] += int(feedback.executable)
                calls[tier] += len(feedback.steps)
                if not feedback.success:
                    failed[tier].append(f"{scenario.name}#{seed}")
    world.close()
    print(f"Oracle per API tier on {args.backend}, {total} episodes ({args.seeds} seeds):")
    print(f"{'tier':<10}{'success':>14}{'executable':>12}{'calls/ep':>10}{'wall s/ep':>10}")
    for tier in tiers:
        n = max(total, 1)
        print(
            f"{tier:<10}{wins[tier]:>5}/{total} {wins[tier] / n:>6.1%}{runs[tier] / n:>12.1%}"
            f"{calls[tier] / n:>10.1f}{wall[tier] / n:>10.2f}"
        )
        if failed[tier]:
            print(f"  failed: {', '.join(failed[tier])}")


if __name__ == "__main__":
    main()
