"""Adapter tests need the env packages; without an extra its tests skip and say which to install."""

from __future__ import annotations

import importlib.util

import pytest

from codepolicy.envs.adapters import AdapterBackend


def require(module: str, extra: str) -> None:
    """Skip the test unless ``module`` is importable, naming the extra that installs it."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"needs the '{extra}' extra: pip install 'codepolicy[{extra}]'")


@pytest.fixture(scope="module")
def panda_pick() -> AdapterBackend:
    require("panda_gym", "panda-gym")
    backend = AdapterBackend("panda-pick-and-place")
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def fetch_pick() -> AdapterBackend:
    require("gymnasium_robotics", "fetch")
    backend = AdapterBackend("fetch-pick-and-place")
    yield backend
    backend.close()
