"""Fixtures for the sandbox tests: a small primitive registry, a dispatcher and a warm pool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_helpers import make_registry

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import SandboxLimits, WorkerPool


@pytest.fixture(scope="session")
def registry() -> Registry:
    return make_registry()


@pytest.fixture(scope="session")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(size=2) as p:
        yield p


@pytest.fixture()
def limits() -> SandboxLimits:
    return SandboxLimits(wall_seconds=3, cpu_seconds=2, max_calls=50, max_output_bytes=10_000)
