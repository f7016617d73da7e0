"""The Python layer hands out no real array type, raw memory or memory addresses."""

from __future__ import annotations

import re

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import WorkerPool
from codepolicy.sandbox.result import Status
from codepolicy.sandbox.safe_numpy import make_numpy
from codepolicy.sandbox.session import run_program

ADDRESS = re.compile(r"0x[0-9a-f]{6,}")


def _run(program: str, registry: Registry, pool: WorkerPool) -> str:
    result = run_program(program, registry, lambda s, a: None, pool=pool)
    assert result.status is Status.completed, result.error
    return result.output


def test_functions_and_objects_print_no_memory_address(
    registry: Registry, pool: WorkerPool
) -> None:
    out = _run(
        "def f():\n    pass\nprint(f, grasp, repr(f), format(grasp), [f], np.linalg, np.ndarray)\n",
        registry,
        pool,
    )
    assert "function" in out
    assert not ADDRESS.search(out), out


def test_hash_of_a_function_is_refused_but_plain_values_hash(
    registry: Registry, pool: WorkerPool
) -> None:
    out = _run(
        "print(hash((1, 'a', 2.5)) == hash((1, 'a', 2.5)))\n"
        "try:\n    hash(grasp)\nexcept TypeError as e:\n    print('refused')\n",
        registry,
        pool,
    )
    assert out.split() == ["True", "refused"]


def test_empty_holds_no_uninitialised_memory(registry: Registry, pool: WorkerPool) -> None:
    out = _run("print(float(np.abs(np.empty((64, 64))).sum()))\n", registry, pool)
    assert out.strip() == "0.0"


def test_the_ndarray_stand_in_holds_no_reference_to_the_real_type() -> None:
    stand_in = make_numpy(0).ndarray
    assert not [name for name in vars(stand_in) if not name.startswith("__")]
    assert "0x" not in repr(stand_in)
