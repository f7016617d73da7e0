"""Benchmark throughput with 1 and 2 worker processes, measured side by side in one run.

Runs the same physics oracle episodes with ``--workers 1`` and ``--workers 2`` through the bench
executors (each worker keeps its own world) and prints episodes per second and their ratio. The
goal on a 2-core machine is >= 1.7x.

Usage: python benchmarks/bench_scaling.py [--seeds N] [--suite GLOB] [--repeats R]
"""

from __future__ import annotations

import argparse
import tempfile
import time

from codepolicy.bench.executors import run_local
from codepolicy.bench.tasks import BenchSettings, plan_tasks, select_scenarios


def throughput(workers: int, tasks: list, out: str) -> tuple[float, int]:
    settings = BenchSettings(planner="oracle", backend="physics", out=out)
    started = time.perf_counter()
    records = list(run_local(tasks, settings, workers))
    elapsed = time.perf_counter() - started
    return len(records) / elapsed, sum(r.success for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4, help="56 episodes: pool start-up amortised")
    parser.add_argument("--suite", default="*-seen")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    tasks = plan_tasks(
        select_scenarios([args.suite], []), list(range(args.seeds)), {"oracle": None}
    )
    rates: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeats):  # interleave so machine noise hits both alike
            for workers in (1, 2):
                rate, ok = throughput(workers, tasks, out)
                rates[workers].append(rate)
                print(f"workers={workers}: {rate:.2f} episodes/s ({ok}/{len(tasks)} succeeded)")
    best = {w: max(r) for w, r in rates.items()}
    print(f"episodes per run: {len(tasks)}; best of {args.repeats}")
    print(f"1 worker  {best[1]:.2f} episodes/s")
    print(f"2 workers {best[2]:.2f} episodes/s")
    print(f"scaling ratio (2 vs 1): {best[2] / best[1]:.2f}x   (goal >= 1.7x on 2 cores)")


if __name__ == "__main__":
    main()
