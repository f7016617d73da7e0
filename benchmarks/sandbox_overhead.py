"""Sandbox overhead, jailed vs unjailed side by side: worker start-up and per-call round trip.

Run: ``.venv/bin/python benchmarks/sandbox_overhead.py [--calls N] [--starts N]``.
Each measurement runs with the OS jail (namespaces, empty read-only root, Landlock, seccomp...)
and without it (``WorkerPool(jail=False)``), interleaved so both see the same machine load, and
prints median and p95 in milliseconds next to trivial baselines.
Targets: warm-pool start <= 20 ms, round trip <= 2 ms per primitive call (median), jailed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import SandboxLimits, Session, WorkerPool
from codepolicy.sandbox.layers import active_layers

_ECHO = (
    "import sys\n"
    "r, w = sys.stdin.buffer, sys.stdout.buffer\n"
    "for line in r:\n"
    "    w.write(line); w.flush()\n"
)


def make_registry() -> Registry:
    reg = Registry()

    @reg.primitive
    def grasp(ctx: object, name: str) -> None:
        """Grasp."""

    return reg


def dispatch(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
    return None


def summary(samples: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in samples)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def cell(samples: list[float]) -> str:
    median, p95 = summary(samples)
    return f"{median:7.2f} / {p95:7.2f}"


def row(label: str, unjailed: list[float], jailed: list[float]) -> None:
    ratio = summary(jailed)[0] / max(summary(unjailed)[0], 1e-9)
    print(f"{label:34s} {cell(unjailed):>19s}   {cell(jailed):>19s}   {ratio:5.2f}x")


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def first_call(pool: WorkerPool, registry: Registry) -> float:
    t0 = time.perf_counter()
    with Session("grasp('cube')\n", registry, dispatch, SandboxLimits(), pool=pool) as s:
        s.step()
        return time.perf_counter() - t0


def bench_startup(n: int, registry: Registry) -> None:
    print("== worker start-up (ms, median / p95)   unjailed              jailed          ratio")
    with WorkerPool(size=0, jail=False) as plain, WorkerPool(size=0, jail=True) as jailed:
        plain.acquire().close()  # start both fork servers once
        jailed.acquire().close()
        forked: dict[bool, list[float]] = {False: [], True: []}
        first: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(n):
            for jail, pool in ((False, plain), (True, jailed)):
                forked[jail] += timed(lambda p=pool: p.acquire().close(), 1)
                first[jail].append(first_call(pool, registry))
        row("fork server -> ready", forked[False], forked[True])
        row("no pool: Session() -> first call", first[False], first[True])
    with WorkerPool(size=1, jail=False) as plain, WorkerPool(size=1, jail=True) as jailed:
        warm: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(n):
            for jail, pool in ((False, plain), (True, jailed)):
                time.sleep(0.2)  # let the pool's replacement become ready
                warm[jail].append(first_call(pool, registry))
        row("warm pool: Session() -> first call", warm[False], warm[True])


def step_times(pool: WorkerPool, registry: Registry, n: int) -> list[float]:
    limits = SandboxLimits(max_calls=n + 10, wall_seconds=120)
    program = f"for i in range({n}):\n    grasp('cube')\n"
    with Session(program, registry, dispatch, limits, pool=pool) as s:
        s.step()  # the first call includes start-up
        samples = []
        while True:
            t0 = time.perf_counter()
            if s.step() is None:
                break
            samples.append(time.perf_counter() - t0)
        assert s.result is not None and s.result.status.value == "completed", s.result
    return samples


def bench_round_trip(n: int, registry: Registry) -> None:
    print("== round trip per primitive call (ms)   unjailed              jailed          ratio")
    with WorkerPool(size=1, jail=False) as plain, WorkerPool(size=1, jail=True) as jailed:
        half = max(n // 2, 1)
        unjailed = step_times(plain, registry, half) + step_times(plain, registry, half)
        jail = step_times(jailed, registry, half) + step_times(jailed, registry, half)
        row("Session.step() per call", unjailed, jail)
        worker = jailed.acquire()
        print("jail layers active:", ", ".join(active_layers(worker.layers)) or "none")
        worker.close()


def baselines(n: int, registry: Registry) -> None:
    print("== baselines (ms, median / p95)")
    spec = registry.get("grasp")
    samples = timed(lambda: dispatch(spec, spec.validate_args(["cube"], {})), n)
    print(f"{'in-process validate+dispatch':34s} {cell(samples):>19s}")
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _ECHO], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def echo() -> None:
        stdin.write(b'{"call":"grasp","args":["cube"]}\n')
        stdin.flush()
        stdout.readline()

    print(f"{'bare pipe echo (JSON line)':34s} {cell(timed(echo, n)):>19s}")
    stdin.close()
    proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--starts", type=int, default=15)
    args = parser.parse_args()
    registry = make_registry()
    baselines(args.calls, registry)
    bench_startup(args.starts, registry)
    bench_round_trip(args.calls, registry)


if __name__ == "__main__":
    main()
