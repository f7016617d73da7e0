"""A stopped program is told which limit stopped it, its value, and the line that was running."""

from __future__ import annotations

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import SandboxLimits, WorkerPool
from codepolicy.sandbox.result import ErrorKind, Status
from codepolicy.sandbox.session import run_program


def test_cpu_limit_names_the_limit_its_value_and_the_line(
    registry: Registry, pool: WorkerPool
) -> None:
    program = "x = 0\nwhile True:\n    x += 1\n"
    limits = SandboxLimits(wall_seconds=10, cpu_seconds=1)
    result = run_program(program, registry, lambda s, a: None, limits, pool=pool)
    assert result.status is Status.resource_limit
    assert result.error is not None and result.error.kind is ErrorKind.cpu
    assert "CPU time limit of 1 s" in result.error.message
    assert result.error.line in (2, 3)
    assert "while line" in result.error.message


def test_memory_bomb_names_the_limit_and_its_value(registry: Registry, pool: WorkerPool) -> None:
    program = "a = [0] * 10\nb = np.ones(10**10)\n"
    limits = SandboxLimits(memory_mb=256)
    result = run_program(program, registry, lambda s, a: None, limits, pool=pool)
    assert result.status is Status.resource_limit
    assert result.error is not None and result.error.kind is ErrorKind.memory
    assert "memory limit of 256 MB" in result.error.message
    assert result.error.line == 2
