"""The hostile program library: each is refused or stopped with a clear status, writes nothing,
and leaves the host alive.

Header of each ``hostile/*.py``::

    # expect: rejected            (one status, or alternatives separated by '|')
    # codes: forbidden_import     (optional: vetting problem codes that must appear)
    # vet: off                    (optional: run WITHOUT vetting, to test the worker's own walls)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from codepolicy.primitives.registry import PrimitiveSpec, Registry
from codepolicy.sandbox import SandboxLimits, Session, Status, WorkerPool, vet_program

HOSTILE_DIR = Path(__file__).parent / "hostile"
PROGRAMS = sorted(HOSTILE_DIR.glob("*.py"))
FORBIDDEN_FILES = ("pwned.txt", "pwned.npy", "pwned.bin", "pwned.dat", "pwned2.txt")


def header(source: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def snapshot(path: Path) -> set[str]:
    return {n for n in os.listdir(path) if not n.startswith("codepolicy-sandbox-")}


def dispatcher(spec: PrimitiveSpec, args: dict[str, object]) -> object:
    return np.zeros(3) if spec.name == "get_object_position" else None


def test_library_is_big_enough() -> None:
    assert len(PROGRAMS) >= 30
    for path in PROGRAMS:
        assert "expect" in header(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_hostile_program(
    path: Path, registry: Registry, pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = path.read_text(encoding="utf-8")
    meta = header(source)
    expected = {Status(s.strip()) for s in meta["expect"].split("|")}
    tmp = Path(tempfile.gettempdir())
    cwd = Path.cwd()
    before_tmp, before_cwd = snapshot(tmp), snapshot(cwd)
    limits = SandboxLimits(wall_seconds=2, cpu_seconds=1, max_calls=50, max_output_bytes=10_000)
    vet = meta.get("vet", "on") != "off"
    with Session(source, registry, dispatcher, limits, pool=pool, vet=vet) as session:
        result = session.run()
    assert result.status in expected, (result.status, result.error, result.worker_stderr)
    if result.status is not Status.rejected:
        assert result.error is not None and result.error.kind
    for code in filter(None, (c.strip() for c in meta.get("codes", "").split(","))):
        assert result.vet is not None and code in {p.code for p in result.vet.problems}
    # nothing written anywhere we can see, and the worker is gone
    assert result.worker_files == []
    assert snapshot(cwd) == before_cwd
    # /tmp is shared with other processes: only our marker names must not appear
    assert not [n for n in snapshot(tmp) - before_tmp if "pwned" in n]
    for name in FORBIDDEN_FILES:
        assert not (tmp / name).exists() and not (cwd / name).exists()
    assert not Path("/tmp/codepolicy_pwned").exists()
    if session.worker is not None:
        assert not session.worker.alive()
        assert not session.worker.tmpdir.exists()
    # host still alive and working
    assert vet_program("grasp('cube')", registry).ok


def test_parser_nesting_bomb_rejected(registry: Registry, pool: WorkerPool) -> None:
    source = "x = " + "[" * 3000 + "]" * 3000 + "\n"
    result = Session(source, registry, dispatcher, pool=pool).run()
    assert result.status is Status.rejected


def test_worker_files_stay_in_empty_dir(registry: Registry, pool: WorkerPool) -> None:
    """Unvetted attempt to write into the worker's own working directory is blocked too."""
    source = (
        "for c in ().__class__.__base__.__subclasses__():\n"
        "    if c.__name__ == 'BuiltinImporter':\n"
        "        c.load_module('sys').modules['os'].open('here.txt', 65)\n"
    )
    with Session(source, registry, dispatcher, pool=pool, vet=False) as session:
        result = session.run()
    assert result.status is Status.error
    assert result.error is not None and "not allowed" in result.error.message
    assert result.worker_files == []
