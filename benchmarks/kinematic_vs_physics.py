"""Kinematic vs physics backend: outcome agreement, speed-up and real-time factor, side by side.

Runs, through the same sandbox, on both backends:
- every scenario's oracle program for a few seeds;
- every deliberately wrong or clumsy program in ``benchmarks/wrong_programs/`` for a few seeds;
and prints from this one run:
- outcome agreement (the same ``success`` and the same feedback ``status``) on each set, per scenario
  family, with every disagreement, against the required 97%;
- time spent executing primitives (host dispatch), physics / kinematic — the backend's own speed-up;
- whole-episode wall time (reset, sandbox, vetting, evaluation included), physics / kinematic;
- the primitive real-time factor of physics: simulated seconds per wall second inside primitives.

Exits 1 when a set agrees on fewer than 97% of its episodes.

Usage: python benchmarks/kinematic_vs_physics.py [--seeds N] [--wrong-seeds N] [--scenarios GLOB]
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from collections import defaultdict

from agreement import Comparison, Tally, compare, load_wrong_programs, wrong_program_cases

from codepolicy.envs.backend import make_world
from codepolicy.envs.roles import World
from codepolicy.oracle import oracle_program
from codepolicy.scenario.catalog import list_scenarios
from codepolicy.scenario.sampler import Episode, sample_episode

REQUIRED = 0.97
KINDS = ("kinematic", "physics")


class Timer:
    """Primitive and whole-episode wall time per backend, and physics' simulated time."""

    def __init__(self) -> None:
        self.dispatch = dict.fromkeys(KINDS, 0.0)
        self.episode = dict.fromkeys(KINDS, 0.0)
        self.sim = 0.0

    def run(
        self, label: str, family: str, episode: Episode, program: str, worlds: dict[str, World]
    ) -> Comparison:
        """Compare one episode, timing each world separately."""
        outcomes, feedback = {}, {}
        for kind, world in worlds.items():
            started = time.perf_counter()
            one = compare(label, family, episode, program, {kind: world})
            self.episode[kind] += time.perf_counter() - started
            fb = one.feedback[kind]
            self.dispatch[kind] += sum(e.wall_time for e in fb.steps)
            if kind == "physics":
                self.sim += fb.sim_time
            outcomes[kind], feedback[kind] = one.outcomes[kind], fb
        return Comparison(label, family, outcomes, feedback)


def report(title: str, comparisons: list[Comparison]) -> bool:
    """Print agreement on one set; whether it meets :data:`REQUIRED`."""
    tally = Tally.of(comparisons)
    by_family: dict[str, list[Comparison]] = defaultdict(list)
    for c in comparisons:
        by_family[c.family].append(c)
    ok = tally.rate >= REQUIRED
    print(
        f"{title}: outcome agreement (success and status) {tally.agree}/{tally.total} "
        f"= {100 * tally.rate:.1f}% (success alone {tally.success_agree}/{tally.total}); "
        f"required {100 * REQUIRED:.0f}%: {'met' if ok else 'NOT MET'}"
    )
    solved = {kind: sum(c.outcomes[kind].success for c in comparisons) for kind in KINDS}
    print("  successes: " + ", ".join(f"{k} {n}/{tally.total}" for k, n in solved.items()))
    for family in sorted(by_family):
        t = Tally.of(by_family[family])
        print(f"  {family:26s} {t.agree:3d}/{t.total:<3d}")
    for c in comparisons:
        if not c.agrees:
            print(f"  disagree: {c.describe()}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2, help="seeds per oracle scenario")
    parser.add_argument("--wrong-seeds", type=int, default=2, help="seeds per wrong program")
    parser.add_argument("--scenarios", default="*-seen", help="glob over scenario names")
    args = parser.parse_args()
    worlds = {kind: make_world(kind) for kind in KINDS}
    timer = Timer()
    oracle: list[Comparison] = []
    wrong: list[Comparison] = []
    try:
        for scenario in list_scenarios():
            if not fnmatch.fnmatch(scenario.name, args.scenarios):
                continue
            for seed in range(args.seeds):
                episode = sample_episode(scenario, seed)
                label = f"{scenario.name} seed {seed}"
                oracle.append(
                    timer.run(
                        label, scenario.family.spec.family, episode, oracle_program(episode), worlds
                    )
                )
        programs = load_wrong_programs()
        for label, family, episode, program in wrong_program_cases(
            programs, range(args.wrong_seeds)
        ):
            wrong.append(timer.run(label, family, episode, program, worlds))
    finally:
        for world in worlds.values():
            world.close()
    families = {p.family for p in programs}
    print(
        f"oracle programs: {len(oracle)} episodes ({args.scenarios}, {args.seeds} seeds); "
        f"wrong programs: {len(programs)} programs x {args.wrong_seeds} seeds over "
        f"{len(families)} families"
    )
    ok = report("oracle programs", oracle)
    ok = report("wrong programs", wrong) and ok
    d, e = timer.dispatch, timer.episode
    print(
        f"primitive execution  physics {d['physics']:8.2f} s   kinematic "
        f"{d['kinematic']:8.3f} s   speed-up {d['physics'] / d['kinematic']:7.1f}x"
    )
    print(
        f"whole episodes       physics {e['physics']:8.2f} s   kinematic "
        f"{e['kinematic']:8.3f} s   speed-up {e['physics'] / e['kinematic']:7.1f}x"
    )
    print(
        f"physics primitive real-time factor: {timer.sim / d['physics']:.1f}x "
        f"({timer.sim:.0f} simulated s in {d['physics']:.1f} wall s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
