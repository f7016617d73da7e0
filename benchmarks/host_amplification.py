"""Host memory and time on argument-amplification attempts from a (jailed, escaped) worker.

Run: ``.venv/bin/python benchmarks/host_amplification.py``.
Each attempt is a forged protocol line written by code that has escaped every Python-level wall
(the test-only unrestricted mode), or a legal program passing an oversized value. For each it
prints the episode's status, the host's time handling it and the host's peak Python heap while
handling it (tracemalloc) next to a baseline episode that makes one ordinary call.
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import SandboxLimits, WorkerPool
from codepolicy.sandbox.session import Session


class _Escaped(Session):
    def _start_message(self) -> dict[str, Any]:
        return {**super()._start_message(), "unrestricted": True}


def _registry() -> Registry:
    reg = Registry()

    @reg.primitive
    def grasp(ctx: object, name: str) -> None:
        """Grasp."""

    @reg.primitive
    def move_to(ctx: object, position: list[float]) -> None:
        """Move."""

    return reg


def _dispatch(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
    return None


def _call(arg: str) -> bytes:
    return ('{"type":"call","name":"move_to","args":[' + arg + '],"kwargs":{}}\n').encode()


FORGED: dict[str, bytes] = {
    "empty array 10**7 x 0": _call('{"$cp":"ndarray","dtype":"<f8","shape":[10000000,0],"b64":""}'),
    "empty array 0 x 999999^3": _call(
        '{"$cp":"ndarray","dtype":"<f8","shape":[0,999999,999999,999999],"b64":""}'
    ),
    "330k nested empty lists (1 MB line)": _call("[" + "[]," * 330_000 + "[]]"),
    "990k-character string": _call('"' + "s" * 990_000 + '"'),
    "100k-key dict": _call("{" + ",".join(f'"k{i}":0' for i in range(90_000)) + "}"),
    "100k-deep nesting": _call("[" * 100_000 + "]" * 100_000),
    "300k-element flat list": _call("[" + "0," * 300_000 + "0]"),
}

PROGRAMS: dict[str, str] = {
    "baseline: one ordinary call": "move_to([0.1, 0.2, 0.3])\n",
    "program: move_to(np.zeros((10**7, 0)))": "move_to(np.zeros((10**7, 0)))\n",
    "program: move_to([0.0] * 900_000)": "move_to([0.0] * 900_000)\n",
}


def measure(session: Session) -> tuple[str, float, float]:
    tracemalloc.start()
    t0 = time.perf_counter()
    with session:
        result = session.run()
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kind = result.error.kind.value if result.error else ""
    return f"{result.status.value}/{kind}", elapsed, peak / 1e6


def main() -> None:
    reg = _registry()
    limits = SandboxLimits(wall_seconds=10, cpu_seconds=5)
    rows = []
    with WorkerPool(size=1) as pool:
        for label, program in PROGRAMS.items():
            rows.append((label, *measure(Session(program, reg, _dispatch, limits, pool=pool))))
    with WorkerPool(size=1, testing=True) as pool:
        for label, line in FORGED.items():
            code = f"os.write(3, {line!r})\nwhile True:\n    pass\n"
            session = _Escaped(code, reg, _dispatch, limits, pool=pool, vet=False)
            rows.append((f"forged: {label}", *measure(session)))
    print(f"{'attempt':46s} {'status/kind':34s} {'host time':>10s} {'host peak':>10s}")
    for label, status, elapsed, peak in rows:
        print(f"{label:46s} {status:34s} {elapsed * 1000:8.1f} ms {peak:7.1f} MB")
    worst = max(rows[1:], key=lambda r: r[3])
    print(f"worst amplification attempt: {worst[0]} -> host peak {worst[3]:.1f} MB")


if __name__ == "__main__":
    main()
