"""Adapter worlds: the reference programs' success per task, and our predicates against the env's
own ``is_success``.

Run: ``.venv/bin/python benchmarks/adapter_oracle.py [--seeds N] [--only GLOB]`` (needs the extras
``codepolicy[panda-gym]`` and ``codepolicy[fetch]``; a task whose extra is missing is skipped and
says so). Every adapter scenario's reference program runs through the sandbox (``run_program``) on
one reused world per task over seeds ``0 .. N-1``; printed per task: our success, the env's
``is_success``, how often they disagree, and the air/table split of the goals where the env can put
them in the air. Goal: >= 95% per task where the env's physics allows (reported either way).
"""

from __future__ import annotations

import argparse
import fnmatch
import time

from codepolicy.envs.adapters import MissingExtraError


def bench_oracle(seeds: int, only: str) -> None:
    """Every adapter scenario's reference program over ``seeds`` seeds."""
    from codepolicy.envs.backend import make_world
    from codepolicy.oracle import oracle_program
    from codepolicy.runner.episode import run_program
    from codepolicy.scenario.catalog import adapter_scenarios

    total = total_ok = total_disagree = 0
    for scenario in adapter_scenarios():
        if not fnmatch.fnmatch(scenario.name, only):
            continue
        try:
            world = make_world(scenario.spec.world)
        except MissingExtraError as exc:
            print(f"{scenario.name:26s} skipped: {exc}")
            continue
        ok = env_ok = disagree = air = air_ok = 0
        failed: list[int] = []
        started = time.perf_counter()
        for seed in range(seeds):
            episode = scenario.sample(seed)
            world.scene.reset([], seed=seed)  # type: ignore[attr-defined]
            goal = world.scene.observe().objects.get("target")
            lifted = goal is not None and goal.position[2] > goal.size[2] / 2 + 0.01
            feedback = run_program(episode, oracle_program(episode), world)
            ok += feedback.success
            env_ok += bool(feedback.env_success)
            disagree += feedback.success != feedback.env_success
            air += lifted
            air_ok += lifted and feedback.success
            if not feedback.success:
                failed.append(seed)
        world.close()
        total, total_ok, total_disagree = total + seeds, total_ok + ok, total_disagree + disagree
        split = f", goal in the air {air}/{seeds} (solved {air_ok})" if air else ""
        print(
            f"{scenario.name:26s} oracle {ok}/{seeds} ({100 * ok / seeds:.0f}%), env is_success "
            f"{env_ok}/{seeds}, disagreements {disagree}{split}"
            f"{f', failed seeds {failed}' if failed else ''} ({time.perf_counter() - started:.0f} s)"
        )
    if total:
        print(
            f"all adapter tasks: oracle {total_ok}/{total} ({100 * total_ok / total:.1f}%), "
            f"predicate/is_success disagreements {total_disagree}/{total}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="Seeds per adapter task.")
    parser.add_argument("--only", default="*", help="Only the tasks matching this glob.")
    args = parser.parse_args()
    print(f"Oracle success per adapter task over {args.seeds} seeds (through the sandbox)")
    bench_oracle(args.seeds, args.only)


if __name__ == "__main__":
    main()
