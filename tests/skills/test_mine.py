"""Mining: vetted, deduplicated, named and documented functions of successful programs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codepolicy.primitives.profiles import get_profile
from codepolicy.skills.library import LibraryError
from codepolicy.skills.mine import mine_skills
from codepolicy.skills.sources import ProgramSource, program_sources

DEFAULT = get_profile("default")


def test_two_renamed_copies_are_one_skill_with_the_provenance_of_both(run_dir: Path) -> None:
    mined = mine_skills(program_sources([run_dir]), DEFAULT)
    assert mined.programs == 4  # successful episodes only; the torn line is ignored
    [skill] = mined.library.skills
    assert skill.name == "put_in" and skill.primitives == ["pick_and_place"]
    # the copy shown is the one with a docstring of its own, which names its own parameters
    assert skill.signature == "put_in(block, bowl)" and skill.doc == "Put the block in the bowl."
    prov = skill.provenance
    assert prov.count == 2
    assert prov.families == ["blocks-in-bowl", "pick-place"]
    assert prov.scenarios == ["blocks-in-bowl-seen", "pick-place-seen"]
    assert prov.seeds == [0, 3] and prov.runs == [str(run_dir)]
    assert prov.episodes == ["blocks-in-bowl-seen|3|v", "pick-place-seen|0|v"]
    ast.parse(skill.source)  # the source is one valid def, docstring included
    assert skill.source.startswith("def put_in(block, bowl):")


def test_a_function_that_imports_or_redefines_grasp_is_refused(run_dir: Path) -> None:
    mined = mine_skills(program_sources([run_dir]), DEFAULT)
    reasons = {r.name: r.reason for r in mined.refused}
    assert reasons["grasp"] == "re-defines the primitive 'grasp'"
    assert reasons["where"].startswith(
        "refused by the vetter: line 2: import of 'os' is not allowed"
    )
    assert "never_kept" not in reasons  # a failed episode is not read at all
    assert all(s.name not in DEFAULT for s in mined.library.skills)


def test_a_function_calling_no_primitive_or_using_program_globals_is_refused() -> None:
    program = (
        "SPOT = 'middle'\n\ndef twice(x):\n    return 2 * x\n\n"
        "def go(b):\n    pick_and_place(b, SPOT)\n"
    )
    mined = mine_skills([ProgramSource(program, "p.py")], DEFAULT)
    reasons = {r.name: r.reason for r in mined.refused}
    assert reasons["twice"] == "calls no primitive"
    assert "unknown name 'SPOT'" in reasons["go"]
    assert mined.library.skills == []


def test_different_functions_with_one_name_are_both_kept_the_frequent_one_keeps_it() -> None:
    stack = (
        "def stack(names):\n    for i in range(1, len(names)):\n"
        "        pick_and_place(names[i], names[i - 1])\n"
    )
    other = "def stack(names):\n    pick_and_place(names[0], 'middle')\n"
    sources = [
        ProgramSource(other, "a.py"),
        ProgramSource(stack, "b.py"),
        ProgramSource(stack, "c.py"),
    ]
    mined = mine_skills(sources, DEFAULT)
    assert [(s.name, s.provenance.count) for s in mined.library.skills] == [
        ("stack", 2),
        ("stack_2", 1),
    ]
    renamed = mined.library.skills[1]
    assert (
        renamed.source.startswith("def stack_2(names):") and renamed.signature == "stack_2(names)"
    )
    assert renamed.provenance.names == ["stack"]


def test_without_a_docstring_one_is_generated_from_signature_and_primitives() -> None:
    source = "def lift_and_drop(name, spot='middle'):\n    grasp(name)\n    place(spot)\n"
    mined = mine_skills([ProgramSource(source, "p.py")], DEFAULT)
    [skill] = mined.library.skills
    assert skill.doc == "Lift and drop (takes name, spot; calls grasp, place)."
    assert ast.get_docstring(ast.parse(skill.source).body[0]) == skill.doc


def test_min_count_leaves_out_rare_functions(run_dir: Path) -> None:
    extra = ProgramSource("def drop(n):\n    place(n)\n", "x.py")
    mined = mine_skills([*program_sources([run_dir]), extra], DEFAULT, min_count=2)
    assert [s.name for s in mined.library.skills] == ["put_in"] and mined.rare == ["drop"]


def test_mining_is_deterministic(run_dir: Path) -> None:
    first = mine_skills(program_sources([run_dir]), DEFAULT).library
    second = mine_skills(program_sources([run_dir]), DEFAULT).library
    assert first.model_dump_json() == second.model_dump_json()


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="no such run directory or program file"):
        program_sources([tmp_path / "missing"])
    with pytest.raises(LibraryError, match=r"not a bench run directory \(no results.jsonl\)"):
        program_sources([tmp_path])
    (tmp_path / "results.jsonl").write_text('{"key": 1}\n')
    with pytest.raises(LibraryError, match=r"results.jsonl:1: not an episode record"):
        program_sources([tmp_path])


HELPER_A = """def lift_height(objects):
    return max(o.position[2] for o in objects) + 0.1


def carry(name, spot):
    high = lift_height(perceive())
    grasp(name)
    move_to([spot[0], spot[1], high])
    place(spot)


carry("red block", [0.1, -0.5])
"""
HELPER_B = """def clearance(things):
    return max(t.position[2] for t in things) + 0.1


def carry(block, where):
    z = clearance(perceive())
    grasp(block)
    move_to([where[0], where[1], z])
    place(where)
"""


def test_a_skill_and_its_helper_are_mined_together_through_renamed_copies() -> None:
    sources = [ProgramSource(HELPER_A, "a.py"), ProgramSource(HELPER_B, "b.py")]
    mined = mine_skills(sources, DEFAULT)
    skills = {s.name: s for s in mined.library.skills}
    assert sorted(skills) == ["carry", "clearance"] and mined.refused == []
    carry, helper = skills["carry"], skills["clearance"]
    assert carry.provenance.count == helper.provenance.count == 2
    assert carry.uses == ["clearance"] and helper.primitives == []
    # the copy shown calls the helper by the helper's chosen name (alphabetical on a tie)
    assert "clearance(perceive())" in carry.source and "lift_height" not in carry.source
    assert helper.doc == "Clearance (takes things; a helper: calls no primitive)."


def test_a_skill_whose_helper_is_refused_is_refused_too() -> None:
    program = HELPER_A.replace("return max(", "import os\n    return max(")
    mined = mine_skills([ProgramSource(program, "a.py")], DEFAULT)
    reasons = {r.name: r.reason for r in mined.refused}
    assert reasons["lift_height"].startswith("refused by the vetter: line 2: import of 'os'")
    assert reasons["carry"] == "calls lift_height, which is not kept"
    assert mined.library.skills == []


def test_mutually_recursive_functions_are_refused() -> None:
    program = "def ping(n):\n    say('ping')\n    pong(n)\n\ndef pong(n):\n    ping(n)\n"
    mined = mine_skills([ProgramSource(program, "p.py")], DEFAULT)
    reasons = {r.name: r.reason for r in mined.refused}
    assert reasons == {
        "ping": "calls itself through other functions (a cycle)",
        "pong": "calls itself through other functions (a cycle)",
    }
