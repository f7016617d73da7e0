"""What ``bench --video`` costs: the same oracle episodes with no video, failures only and all.

Runs the episodes in one process (one worker), interleaving the modes so machine noise hits them
alike, and prints seconds per mode and their ratio to ``none``. With every episode succeeding,
``failures`` should cost about what ``none`` does (snapshots are cheap, nothing is rendered);
``all`` pays the rendering of every kept frame.

Usage: python benchmarks/video_cost.py [--seeds N] [--suite GLOB] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from codepolicy.bench.executors import run_local
from codepolicy.bench.tasks import BenchSettings, plan_tasks, select_scenarios

MODES = ("none", "failures", "all")


def seconds(mode: str, tasks: list, out: str) -> tuple[float, int]:
    settings = BenchSettings(planner="oracle", backend="physics", out=out, video=mode)
    started = time.perf_counter()
    records = list(run_local(tasks, settings, 1))
    return time.perf_counter() - started, sum(r.video is not None for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--suite", default="stack-blocks-seen")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    tasks = plan_tasks(
        select_scenarios([args.suite], []), list(range(args.seeds)), {"oracle": None}
    )
    times: dict[str, list[float]] = {m: [] for m in MODES}
    kept: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as root:
        for r in range(args.repeats):
            for mode in MODES:
                elapsed, kept[mode] = seconds(mode, tasks, f"{root}/{mode}{r}")
                times[mode].append(elapsed)
    base = statistics.median(times["none"])
    print(f"{len(tasks)} physics oracle episodes ({args.suite}), median of {args.repeats}:")
    for mode in MODES:
        t = statistics.median(times[mode])
        print(f"  --video {mode:<8} {t:6.2f} s  {t / base:5.2f}x none  videos kept: {kept[mode]}")


if __name__ == "__main__":
    main()
