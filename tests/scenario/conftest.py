"""Shared fixtures for the scenario tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture
def demo_yaml(tmp_path: Path) -> Path:
    """A copy of the valid demo scenario (``valid/demo-task.yaml``) in a temporary directory."""
    path = tmp_path / "demo-task.yaml"
    shutil.copy(HERE / "valid" / "demo-task.yaml", path)
    return path
