"""Sandbox overhead: worker start-up and host<->worker round trip per primitive call.

Run: ``.venv/bin/python benchmarks/sandbox_overhead.py [--calls N] [--starts N]``.
Prints median and p95 (milliseconds) for each measurement next to a trivial baseline.
Targets: start-up <= 150 ms (with the warm pool), round trip <= 2 ms median.
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
from codepolicy.sandbox.pool import WorkerProcess

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


def stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):8.3f} ms   p95 {p95:8.3f} ms   (n={len(ms)})"


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def limits_default() -> SandboxLimits:
    return SandboxLimits()


def bench_startup(n: int, registry: Registry) -> None:
    print("== worker start-up")

    def spawn(cmd: list[str]) -> None:
        subprocess.run(cmd, check=True)

    print(
        "baseline  python -I -c pass            ",
        stats(timed(lambda: spawn([sys.executable, "-I", "-c", "pass"]), n)),
    )
    print(
        "baseline  python -I -c 'import numpy'  ",
        stats(timed(lambda: spawn([sys.executable, "-I", "-c", "import numpy"]), n)),
    )

    def cold() -> None:
        w = WorkerProcess()
        assert w.wait_ready(10)
        w.close()

    print("cold      spawn worker -> ready        ", stats(timed(cold, n)))

    with WorkerPool(size=0) as forking:
        zygote_pool = forking
        zygote_pool.acquire().close()  # start the fork server once

        def forked() -> None:
            w = zygote_pool.acquire()
            w.close()

        print("forked    fork server -> ready         ", stats(timed(forked, n)))

    for label, fork_server in (
        ("no pool, fresh interpreter", False),
        ("no pool, fork server", True),
    ):
        with WorkerPool(size=0, fork_server=fork_server) as pool0:
            pool0.acquire().close()
            samples = []
            for _ in range(n):
                t0 = time.perf_counter()
                with Session(
                    "grasp('cube')\n", registry, dispatch, limits_default(), pool=pool0
                ) as s:
                    s.step()
                    samples.append(time.perf_counter() - t0)
            print(f"{label:27s} Session() -> first call", stats(samples))

    limits = SandboxLimits()
    with WorkerPool(size=1) as pool:
        samples = []
        for _ in range(n):
            time.sleep(0.4)  # let the pool's replacement finish importing numpy
            t0 = time.perf_counter()
            with Session("grasp('cube')\n", registry, dispatch, limits, pool=pool) as s:
                s.step()
                samples.append(time.perf_counter() - t0)
        print("warm pool Session() -> first call done ", stats(samples))


def bench_round_trip(n: int, registry: Registry) -> None:
    print("== round trip per primitive call")
    spec = registry.get("grasp")
    print(
        "baseline  in-process validate+dispatch  ",
        stats(timed(lambda: dispatch(spec, spec.validate_args(["cube"], {})), n)),
    )

    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _ECHO], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def echo() -> None:
        stdin.write(b'{"call":"grasp","args":["cube"]}\n')
        stdin.flush()
        stdout.readline()

    print("baseline  bare pipe echo (JSON line)     ", stats(timed(echo, n)))
    stdin.close()
    proc.wait()

    limits = SandboxLimits(max_calls=n + 10, wall_seconds=60)
    program = f"for i in range({n}):\n    grasp('cube')\n"
    with WorkerPool(size=1) as pool, Session(program, registry, dispatch, limits, pool=pool) as s:
        s.step()  # first call includes start-up
        samples = []
        while True:
            t0 = time.perf_counter()
            event = s.step()
            if event is None:
                break
            samples.append(time.perf_counter() - t0)
        assert s.result is not None and s.result.status.value == "completed"
    print("sandbox   Session.step() per call       ", stats(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--starts", type=int, default=15)
    args = parser.parse_args()
    registry = make_registry()
    bench_startup(args.starts, registry)
    bench_round_trip(args.calls, registry)


if __name__ == "__main__":
    main()
