"""Kinematic vs physics backend on the same reference programs: speed-up, agreement, real-time factor.

Runs every scenario's oracle program for a few seeds on both backends, through the same sandbox, and
prints, side by side from this one run:
- time spent executing primitives (host dispatch), physics / kinematic — the backend's own speed-up;
- whole-episode wall time (reset, sandbox, vetting, evaluation included), physics / kinematic;
- the primitive real-time factor of physics: simulated seconds per wall second inside primitives;
- how often both backends agree on success.

Usage: python benchmarks/kinematic_vs_physics.py [--seeds N] [--scenarios GLOB]
"""

from __future__ import annotations

import argparse
import fnmatch
import time

from codepolicy.envs.backend import make_world
from codepolicy.oracle import oracle_program
from codepolicy.runner.episode import run_program
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import sample_episode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--scenarios", default="*-seen")
    args = parser.parse_args()
    worlds = {kind: make_world(kind) for kind in ("kinematic", "physics")}
    dispatch = {kind: 0.0 for kind in worlds}
    episode_wall = {kind: 0.0 for kind in worlds}
    sim = 0.0
    agree = total = 0
    disagreements = []
    for scenario in list_scenarios():
        if not fnmatch.fnmatch(scenario.name, args.scenarios):
            continue
        for seed in range(args.seeds):
            episode = sample_episode(scenario, seed)
            program = oracle_program(episode)
            outcome = {}
            for kind, world in worlds.items():
                started = time.perf_counter()
                feedback = run_program(episode, program, world)
                episode_wall[kind] += time.perf_counter() - started
                dispatch[kind] += sum(e.wall_time for e in feedback.steps)
                outcome[kind] = feedback.success
                if kind == "physics":
                    sim += feedback.sim_time
            total += 1
            agree += outcome["kinematic"] == outcome["physics"]
            if outcome["kinematic"] != outcome["physics"]:
                disagreements.append(f"{scenario.name} seed {seed}: {outcome}")
    for world in worlds.values():
        world.close()
    print(f"episodes: {total} ({args.scenarios}, {args.seeds} seeds)")
    print(
        f"primitive execution  physics {dispatch['physics']:8.2f} s   kinematic "
        f"{dispatch['kinematic']:8.3f} s   speed-up {dispatch['physics'] / dispatch['kinematic']:7.1f}x"
    )
    print(
        f"whole episodes       physics {episode_wall['physics']:8.2f} s   kinematic "
        f"{episode_wall['kinematic']:8.3f} s   speed-up "
        f"{episode_wall['physics'] / episode_wall['kinematic']:7.1f}x"
    )
    print(
        f"physics primitive real-time factor: {sim / dispatch['physics']:.1f}x "
        f"({sim:.0f} simulated s in {dispatch['physics']:.1f} wall s)"
    )
    print(f"outcome agreement: {agree}/{total}")
    for line in disagreements:
        print(f"  disagree: {line}")


if __name__ == "__main__":
    main()
