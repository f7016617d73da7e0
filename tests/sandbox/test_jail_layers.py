"""The host knows which jail layers a worker has, warns once when some are off, refuses on demand."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import SandboxLimits, WorkerPool
from codepolicy.sandbox.jail import LAYER_NAMES
from codepolicy.sandbox.layers import JailWarning
from codepolicy.sandbox.result import ErrorKind, Status
from codepolicy.sandbox.session import run_program


@pytest.fixture(scope="module")
def unjailed() -> Iterator[WorkerPool]:
    with WorkerPool(size=1, jail=False) as pool:
        yield pool


def test_without_the_jail_programs_run_with_one_warning_line(
    registry: Registry, unjailed: WorkerPool
) -> None:
    with pytest.warns(JailWarning, match="jail layers off") as caught:
        result = run_program("print(1)", registry, lambda s, a: None, pool=unjailed)
    assert result.status is Status.completed and result.output == "1\n"
    assert len(caught) == 1 and "\n" not in str(caught[0].message)
    assert set(result.jail) == set(LAYER_NAMES)
    assert not any(active for active, _ in result.jail.values())


def test_require_jail_refuses_to_run_without_the_full_jail(
    registry: Registry, unjailed: WorkerPool
) -> None:
    limits = SandboxLimits(require_jail=True)
    result = run_program("print('ran')", registry, lambda s, a: None, limits, pool=unjailed)
    assert result.status is Status.error
    assert result.error is not None and result.error.kind is ErrorKind.jail_unavailable
    assert "seccomp: switched off by the host" in result.error.message
    assert result.output == ""


def test_the_result_records_the_layers_of_a_jailed_run(
    registry: Registry, pool: WorkerPool
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", JailWarning)
        result = run_program(
            "print(1)", registry, lambda s, a: None, SandboxLimits(require_jail=True), pool=pool
        )
    assert result.status is Status.completed
    assert all(result.jail[name][0] for name in LAYER_NAMES), result.jail


def test_a_real_robot_backend_always_requires_the_jail() -> None:
    from codepolicy.sandbox.layers import for_backend

    class Remote:
        name = "remote"

    class Sim:
        name = "kinematic"

    assert for_backend(SandboxLimits(), Remote()).require_jail is True
    assert for_backend(SandboxLimits(require_jail=False), Sim()).require_jail is False
