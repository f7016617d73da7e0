"""Sandboxed execution: statuses, errors, output, stepping, hooks."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sandbox_helpers import dispatch

from codepolicy.primitives.errors import BudgetExceeded, SafetyStop, Unreachable
from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import (
    CallEvent,
    ErrorKind,
    SandboxLimits,
    Session,
    Status,
    WorkerPool,
    run_program,
)


def run(src: str, registry: Registry, pool: WorkerPool, limits: SandboxLimits, **kw: Any) -> Any:
    return run_program(src, registry, kw.pop("dispatcher", dispatch), limits, pool=pool, **kw)


def test_completed_with_records_arrays_and_catching(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits
) -> None:
    src = """
objs = perceive()
for o in objs:
    p = get_object_position(o.name)
    assert isinstance(p, np.ndarray) and p.shape == (3,)
    assert (o.position == p).all()
    print(o.name, round(float(p[0]), 2), o.graspable, o["name"])
try:
    grasp("ghost")
except GraspMissed as e:
    print("caught:", e)
try:
    p[0] = 5
except ValueError:
    print("read-only")
try:
    o.update(name="x")
except AttributeError:
    print("record read-only")
move_to([0.1, 0.2, 0.3], speed=0.2)
"""
    result = run(src, registry, pool, limits)
    assert result.status is Status.completed, result.error
    assert result.output.splitlines() == [
        "cube 0.4 True cube",
        "ball 0.5 True ball",
        "caught: the gripper closed on nothing",
        "read-only",
        "record read-only",
    ]
    assert result.n_calls == 5
    missed = result.events[3]
    assert missed.primitive == "grasp" and missed.error is not None
    assert missed.error.code == "grasp_missed"
    assert missed.line == 9 and missed.source_line.strip() == 'grasp("ghost")'
    last = result.events[-1]
    assert last.args == {"position": [0.1, 0.2, 0.3], "speed": 0.2}
    assert last.sim_time == 1.5 and last.info == {"steps": 3}
    assert result.sim_time == 1.5


def test_uncaught_error_reports_line_and_text(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits
) -> None:
    src = "def f(x):\n    return 1 / x\n\nprint('before')\nf(0)\n"
    result = run(src, registry, pool, limits)
    assert result.status is Status.error
    err = result.error
    assert err is not None and err.kind is ErrorKind.exception
    assert (err.type, err.message) == ("ZeroDivisionError", "division by zero")
    assert (err.line, err.source_line) == (2, "    return 1 / x")
    assert err.trace == [(5, "<module>"), (2, "f")]
    assert result.output == "before\n"


def test_uncaught_primitive_error(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits
) -> None:
    result = run("x = 1\ngrasp('ghost')\n", registry, pool, limits)
    assert result.status is Status.error
    assert result.error is not None
    assert (result.error.type, result.error.line) == ("GraspMissed", 2)


def test_invalid_argument_is_catchable(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits
) -> None:
    src = "n = 5\ntry:\n    grasp(n)\nexcept InvalidArgument as e:\n    print('bad', e)\n"
    result = run(src, registry, pool, limits)
    assert result.status is Status.completed
    assert result.output.startswith("bad grasp(): argument 'name' must be str")
    assert result.events[0].error is not None
    assert result.events[0].error.code == "invalid_argument"


def test_unencodable_argument(registry: Registry, pool: WorkerPool, limits: SandboxLimits) -> None:
    src = "try:\n    grasp(print)\nexcept InvalidArgument as e:\n    print(e)\n"
    result = run(src, registry, pool, limits)
    assert result.status is Status.completed
    assert "cannot be passed" in result.output
    assert result.n_calls == 0


def test_rejected_program_never_runs(registry: Registry, pool: WorkerPool) -> None:
    session = Session("import os\ngrab('x')\n", registry, dispatch, pool=pool)
    assert session.done
    result = session.run()
    assert result.status is Status.rejected
    assert result.vet is not None and len(result.vet.problems) == 2
    assert session.worker is None


def test_timeout(registry: Registry, pool: WorkerPool) -> None:
    limits = SandboxLimits(wall_seconds=0.5, cpu_seconds=5)
    t0 = time.perf_counter()
    result = run("while True:\n    pass\n", registry, pool, limits)
    assert result.status is Status.timeout
    assert time.perf_counter() - t0 < 3


def test_wall_clock_excludes_dispatch_time(registry: Registry, pool: WorkerPool) -> None:
    def slow(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
        time.sleep(0.3)

    limits = SandboxLimits(wall_seconds=0.5)
    result = run("for i in range(3):\n    say('x')\n", registry, pool, limits, dispatcher=slow)
    assert result.status is Status.completed
    assert result.program_time < 0.5 < result.wall_time


@pytest.mark.parametrize(
    ("src", "kind"),
    [
        ("x = [0] * 10**10\n", ErrorKind.memory),
        ("def f():\n    return f()\nf()\n", ErrorKind.recursion),
        ("print('x' * 20000)\n", ErrorKind.output),
    ],
)
def test_resource_limits(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits, src: str, kind: ErrorKind
) -> None:
    result = run(src, registry, pool, limits)
    assert result.status is Status.resource_limit
    assert result.error is not None and result.error.kind is kind


def test_cpu_limit(registry: Registry, pool: WorkerPool) -> None:
    limits = SandboxLimits(wall_seconds=10, cpu_seconds=1)
    result = run("while True:\n    pass\n", registry, pool, limits)
    assert result.status is Status.resource_limit
    assert result.error is not None and result.error.kind is ErrorKind.cpu


def test_output_captured_and_capped(registry: Registry, pool: WorkerPool) -> None:
    limits = SandboxLimits(max_output_bytes=100)
    result = run("for i in range(100):\n    print(i, 'line')\n", registry, pool, limits)
    assert result.status is Status.resource_limit
    assert result.output_truncated
    assert len(result.output) <= 100
    assert result.output.startswith("0 line\n1 line\n")


def test_say_counts_as_output(registry: Registry, pool: WorkerPool, limits: SandboxLimits) -> None:
    result = run("say('hello')\nprint('world')\n", registry, pool, limits)
    assert result.output == "hello\nworld\n"


def test_call_cap(registry: Registry, pool: WorkerPool) -> None:
    limits = SandboxLimits(max_calls=3)
    result = run("while True:\n    grasp('cube')\n", registry, pool, limits)
    assert result.status is Status.budget_exceeded
    assert result.n_calls == 4
    assert result.error is not None and result.error.kind is ErrorKind.call_limit


@pytest.mark.parametrize(
    ("exc", "status"),
    [(SafetyStop("too fast"), Status.safety_stop), (BudgetExceeded("sim"), Status.budget_exceeded)],
)
def test_program_halt_from_dispatcher(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits, exc: Exception, status: Status
) -> None:
    def halting(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
        if spec.name == "move_to":
            raise exc
        return None

    src = "grasp('cube')\ntry:\n    move_to([1, 2, 3])\nexcept Exception:\n    print('caught')\n"
    result = run(src, registry, pool, limits, dispatcher=halting)
    assert result.status is status
    assert result.output == ""  # the program could not catch it
    assert result.error is not None and result.error.line == 3
    assert result.events[-1].error is not None
    assert result.events[-1].error.code == exc.code  # type: ignore[attr-defined]


def test_dispatcher_bug_is_an_error_not_a_crash(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits
) -> None:
    def buggy(spec: PrimitiveSpec, args: dict[str, Any]) -> Any:
        raise KeyError("oops")

    result = run("grasp('cube')\n", registry, pool, limits, dispatcher=buggy)
    assert result.status is Status.error
    assert result.error is not None and result.error.kind is ErrorKind.dispatcher_error


def test_step_by_step(registry: Registry, pool: WorkerPool, limits: SandboxLimits) -> None:
    src = "grasp('cube')\nprint('between')\nplace('bin')\n"
    with Session(src, registry, dispatch, limits, pool=pool) as session:
        first = session.step()
        assert isinstance(first, CallEvent) and first.primitive == "grasp" and first.line == 1
        assert not session.done
        second = session.step()
        assert second is not None and second.primitive == "place"
        assert session.step() is None
        assert session.done
        assert session.step() is None
        result = session.run()
    assert result.status is Status.completed
    assert result.output == "between\n"
    assert [e.index for e in result.events] == [0, 1]


def test_abort_between_steps(registry: Registry, pool: WorkerPool, limits: SandboxLimits) -> None:
    with Session("while True:\n    grasp('cube')\n", registry, dispatch, limits, pool=pool) as s:
        assert s.step() is not None
        s.abort()
        assert s.step() is None
        assert s.result is not None and s.result.status is Status.aborted


def test_abort_from_another_thread(registry: Registry, pool: WorkerPool) -> None:
    limits = SandboxLimits(wall_seconds=20, cpu_seconds=20)
    session = Session("while True:\n    pass\n", registry, dispatch, limits, pool=pool)
    timer = threading.Timer(0.3, session.abort)
    timer.start()
    t0 = time.perf_counter()
    result = session.run()
    assert result.status is Status.aborted
    assert time.perf_counter() - t0 < 5
    session.close()


def test_abort_before_start(registry: Registry, pool: WorkerPool) -> None:
    session = Session("grasp('cube')\n", registry, dispatch, pool=pool)
    session.abort()
    assert session.run().status is Status.aborted


def test_context_manager_cleans_up(registry: Registry, pool: WorkerPool) -> None:
    with Session("while True:\n    grasp('cube')\n", registry, dispatch, pool=pool) as s:
        s.step()
        worker = s.worker
        assert worker is not None and worker.alive()
    assert not worker.alive()
    assert not worker.tmpdir.exists()
    assert s.result is not None and s.result.status is Status.aborted


def test_hooks(registry: Registry, pool: WorkerPool, limits: SandboxLimits) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    after: list[CallEvent] = []

    def before(spec: PrimitiveSpec, args: dict[str, Any]) -> None:
        seen.append((spec.name, args))
        if spec.name == "move_to" and args["speed"] > 1:
            raise SafetyStop("too fast")
        if spec.name == "place":
            raise Unreachable("refused by hook")

    src = (
        "grasp('cube')\n"
        "try:\n    place('far')\nexcept Unreachable:\n    print('refused')\n"
        "move_to([0, 0, 1], speed=2.0)\nprint('never')\n"
    )
    result = run(src, registry, pool, limits, before_call=before, after_call=after.append)
    assert result.status is Status.safety_stop
    assert [n for n, _ in seen] == ["grasp", "place", "move_to"]
    assert [e.primitive for e in after] == ["grasp", "place", "move_to"]
    assert result.output == "refused\n"
    assert result.error is not None and result.error.line == 6


def test_safety_stop_from_dispatcher_world(
    registry: Registry, pool: WorkerPool, limits: SandboxLimits
) -> None:
    result = run("move_to([0.1, 0.1, -1.0])\n", registry, pool, limits)
    assert result.status is Status.safety_stop


def test_seeded_random_is_deterministic(registry: Registry, pool: WorkerPool) -> None:
    src = "import random\nprint(random.random(), np.random.rand(2))\n"
    a = run(src, registry, pool, SandboxLimits(), seed=7).output
    b = run(src, registry, pool, SandboxLimits(), seed=7).output
    c = run(src, registry, pool, SandboxLimits(), seed=8).output
    assert a == b != c


def test_numpy_facade_works(registry: Registry, pool: WorkerPool, limits: SandboxLimits) -> None:
    src = """
import numpy as np
from numpy.linalg import norm
a = np.array([3.0, 4.0])
print(norm(a), np.linalg.norm(a), np.mean(a), np.clip(a, 0, 3.5).tolist())
print(np.round(np.degrees(np.arctan2(1.0, 1.0)), 1), np.cross([1, 0, 0], [0, 1, 0]).tolist())
print(np.stack([a, a]).shape, np.concatenate([a, a]).dtype, np.float32(1.5))
print(math.sqrt(16), isinstance(a, np.ndarray), type(a) is np.ndarray)
"""
    result = run(src, registry, pool, limits)
    assert result.status is Status.completed, result.error
    assert result.output.splitlines() == [
        "5.0 5.0 3.5 [3.0, 3.5]",
        "45.0 [0, 0, 1]",
        "(2, 2) float64 1.5",
        "4.0 True True",
    ]
