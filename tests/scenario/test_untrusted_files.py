"""Hostile scenario files: one clear error naming the file, fast and in bounded memory."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codepolicy.cli.main import app
from codepolicy.scenario.errors import ScenarioError
from codepolicy.scenario.loader import load_family


def _laughs(levels: int = 10, fan: int = 10) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def _deep_map(levels: int) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "v\n"


ATTACKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "deep lists": (lambda: ("a: " + "[" * 100_000 + "]" * 100_000).encode(), "nested more than"),
    "deep mappings": (lambda: _deep_map(300).encode(), "nested more than"),
    "deep flow mappings": (lambda: ("a: " + "{b: " * 5000 + "1" + "}" * 5000).encode(), "nested"),
    "recursive alias": (lambda: b"family: &a [*a]\n", "recursive alias"),
    "recursive mapping alias": (lambda: b"a: &a {b: *a}\n", "recursive alias"),
    "recursive merge key": (lambda: b"a: &a\n  x: 1\n  <<: *a\n", "recursive merge"),
    "billion laughs": (lambda: _laughs().encode(), "once aliases are expanded"),
    "merge bomb": (
        lambda: (
            "x0: &x0 {a: 1}\n"
            + "".join(
                f"x{i}: &x{i} {{<<: [{', '.join(f'*x{i - 1}' for _ in range(8))}]}}\n"
                for i in range(1, 12)
            )
        ).encode(),
        "",  # PyYAML flattens a shared merge once: no blow-up, just schema errors
    ),
    "too many aliases": (
        lambda: ("a: &a 1\nb: [" + ", ".join(["*a"] * 5000) + "]\n").encode(),
        "aliases",
    ),
    "huge document": (lambda: b"family: x\nitems:\n" + b"  - 1\n" * 400_000, "too large"),
    "huge scalar": (lambda: b"family: " + b"x" * 500_000 + b"\n", "longer than"),
    "UTF-16": (lambda: "family: x\n".encode("utf-16"), "UTF-16"),
    "UTF-32": (lambda: "family: x\n".encode("utf-32"), "UTF-32"),
    "Latin-1": (lambda: "family: caf\u00e9\n".encode("latin-1"), "not valid UTF-8"),
    "NUL bytes": (lambda: b"family: x\x00y\n", "NUL"),
    "control characters": (lambda: b"family: x\x07\n", "YAML"),
    "python tag": (lambda: b"family: !!python/object/apply:os.system ['id']\n", "not allowed"),
    "custom tag on a mapping": (lambda: b"family: !thing {a: 1}\n", "not allowed"),
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_hostile_file_gets_one_error_naming_it_fast(tmp_path: Path, name: str) -> None:
    make, expected = ATTACKS[name]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(make())
    before = _peak_mb()
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_family(path)
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s"
    assert _peak_mb() - before < 200, "bounded memory"
    text = str(info.value)
    assert str(path) in text and expected in text, text
    if expected:
        assert len(info.value.problems) == 1


def test_cli_validate_reports_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs())
    result = CliRunner().invoke(app, ["scenarios", "validate", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(path) in result.output and "Traceback" not in result.output
