"""Layering you can see: no import cycle between subpackages, the world core imports nothing above
it, and the linked envs/ and primitives/ cannot be imported under a second name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import import_graph  # noqa: E402


def test_the_subpackage_graph_has_no_cycle_and_the_script_says_so() -> None:
    graph = import_graph.build_graph()
    assert import_graph.find_cycle(graph) is None
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_graph.py")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0 and "layers, bottom up:" in proc.stdout


def test_a_cycle_fails_the_script() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert import_graph.find_cycle(graph) == ["a", "b", "c", "a"]


def test_the_world_core_and_the_primitives_import_nothing_above_them() -> None:
    graph = import_graph.build_graph()
    assert graph["envs"] <= {"errors", "registry"}
    assert graph["primitives"] <= {"envs", "errors", "registry"}
    assert "llm" not in graph["runner"] | graph["envs"] | graph["primitives"]
    assert "testing" not in set().union(*(v for k, v in graph.items() if k != "testing"))


@pytest.mark.parametrize("name", ["envs", "primitives"])
def test_bare_top_level_imports_fail_with_a_message(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {name}"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode != 0
    assert f"import codepolicy.{name}, not {name}" in proc.stderr
