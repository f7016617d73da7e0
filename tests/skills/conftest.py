"""Fixtures for skill-library tests: a synthetic bench run directory and a mined library."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.bench.record import EpisodeRecord, Round
from codepolicy.bench.store import ResultsStore
from codepolicy.primitives.profiles import get_profile
from codepolicy.skills.library import SkillLibrary, write_library
from codepolicy.skills.mine import mine_skills
from codepolicy.skills.sources import program_sources

PUT_IN_A = '''def put_in(block, bowl):
    """Put the block in the bowl."""
    pick_and_place(block, bowl)


put_in("red block", "blue bowl")
'''
PUT_IN_B = """def put_in(thing, container):
    pick_and_place(thing, container)


put_in("green block", "red bowl")
"""
IMPORTS_OS = """def where(name):
    import os
    return get_object_position(name)


pick_and_place("red block", "blue bowl")
"""
REDEFINES_GRASP = """def grasp(name):
    pick_and_place(name, "middle")


grasp("red block")
"""
FAILED = """def never_kept(name):
    pick_and_place(name, "top left corner")
"""


def record(key: str, family: str, seed: int, program: str, success: bool = True) -> EpisodeRecord:
    scenario = key.split("|")[0]
    return EpisodeRecord(
        key=key, scenario=scenario, family=family, instruction_split="seen",
        attribute_split="seen", difficulty="easy", seed=seed, instruction="do it",
        variant="v", status="success" if success else "failed", success=success,
        executable=True, reward=1.0 if success else 0.0,
        rounds=[Round(index=0, program="say('first try')", status="failed"),
                Round(index=1, program=program, status="success" if success else "failed")],
    )  # fmt: skip


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A bench run directory: two renamed copies of put_in in successful episodes, a function
    that imports os, one that re-defines grasp, one in a failed episode, and a torn last line."""
    out = tmp_path / "run"
    store = ResultsStore(out)
    store.append(record("pick-place-seen|0|v", "pick-place", 0, PUT_IN_A))
    store.append(record("blocks-in-bowl-seen|3|v", "blocks-in-bowl", 3, PUT_IN_B))
    store.append(record("pick-place-seen|1|v", "pick-place", 1, IMPORTS_OS))
    store.append(record("pick-place-seen|2|v", "pick-place", 2, REDEFINES_GRASP))
    store.append(record("stack-blocks-seen|0|v", "stack-blocks", 0, FAILED, success=False))
    with (out / "results.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"key": "torn')
    return out


@pytest.fixture
def library_file(run_dir: Path, tmp_path: Path) -> Path:
    """The library mined from :func:`run_dir` (one skill: put_in)."""
    mined = mine_skills(program_sources([run_dir]), get_profile("default"))
    assert [s.name for s in mined.library.skills] == ["put_in"]
    return write_library(mined.library, tmp_path / "skills.json")


def write_raw(path: Path, library: SkillLibrary) -> Path:
    return write_library(library, path)
