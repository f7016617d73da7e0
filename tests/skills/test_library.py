"""The library file: versioned, validated, vetted again on load; bad files are one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codepolicy.cli.main import app
from codepolicy.primitives.profiles import get_profile
from codepolicy.skills.library import LibraryError, read_library
from codepolicy.skills.use import load_skills

DEFAULT = get_profile("default")


def _skill(name: str, source: str) -> dict[str, object]:
    return {"name": name, "signature": f"{name}()", "doc": "", "source": source,
            "provenance": {"count": 1}}  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "lib.json:1:2: not JSON: Expecting property name"),
        ('{"schema_version": 7}', "lib.json: schema_version: expected 1, got 7"),
        (
            '{"schema_version": 1, "skills": [{"name": "f"}]}',
            "lib.json: skills.0.signature: Field required",
        ),
        (
            '{"schema_version": 1, "colour": "red"}',
            "lib.json: colour: Extra inputs are not permitted",
        ),
        ("[1, 2]", "lib.json: (top level): expected a JSON object"),
    ],
)
def test_a_bad_file_names_the_file_and_the_field(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "lib.json"
    path.write_text(content)
    with pytest.raises(LibraryError) as caught:
        read_library(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_function_the_vetter_refuses_fails_the_whole_library_on_load(tmp_path: Path) -> None:
    good = _skill("put", "def put(a, b):\n    pick_and_place(a, b)")
    bad = _skill("peek", "def peek():\n    import os\n    return get_object_names()")
    path = tmp_path / "lib.json"
    path.write_text(json.dumps({"schema_version": 1, "skills": [good, bad]}))
    with pytest.raises(LibraryError) as caught:
        load_skills(path, DEFAULT)
    assert str(caught.value).startswith(
        f"{path}: skills.1.source: function 'peek' refused by the vetter: line 2: import of 'os'"
    )


@pytest.mark.parametrize(
    ("skill", "message"),
    [
        (_skill("grasp", "def grasp(n):\n    pick_and_place(n, 'middle')"),
         "skills.0.source: function 'grasp' re-defines the primitive 'grasp'"),
        (_skill("put", "def other(a, b):\n    pick_and_place(a, b)"),
         "skills.0.source: defines 'other', not 'put'"),
        (_skill("put", "def put(a, b):\n    pick_and_place(a, b)\n\nsay('at load')"),
         "skills.0.source: function 'put' is not exactly one function definition"),
    ],
)  # fmt: skip
def test_a_file_edited_by_hand_is_refused(
    tmp_path: Path, skill: dict[str, object], message: str
) -> None:
    path = tmp_path / "lib.json"
    path.write_text(json.dumps({"schema_version": 1, "skills": [skill]}))
    with pytest.raises(LibraryError, match=message):
        load_skills(path, DEFAULT)


def test_two_skills_with_one_name_are_refused(tmp_path: Path) -> None:
    put = _skill("put", "def put(a, b):\n    pick_and_place(a, b)")
    path = tmp_path / "lib.json"
    path.write_text(json.dumps({"schema_version": 1, "skills": [put, put]}))
    with pytest.raises(LibraryError, match=r"skills.1.name: 'put' appears twice"):
        read_library(path)


def test_cli_reports_a_bad_library_in_one_line_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    path.write_text('{"schema_version": 1, "skills": [{"name": 3}]}')
    for args in (["skills", "show", str(path)],
                 ["run", "pick-place", "--backend", "kinematic", "--skill-library", str(path)]):  # fmt: skip
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert lines == [
            f"error: {path}: skills.0.name: Input should be a valid string (and 4 more)"
        ]
        assert "Traceback" not in result.output


def test_a_library_of_another_profile_is_refused_naming_both(library_file: Path) -> None:
    with pytest.raises(LibraryError) as caught:
        load_skills(library_file, get_profile("cap"), "cap")
    message = str(caught.value)
    assert (
        "function 'put_in' refused by the vetter: line 3: unknown primitive 'pick_and_place'"
        in message
    )
    assert message.endswith("(the library was mined for profile 'default', not 'cap')")


def test_a_skill_may_call_another_skill_but_a_lone_helper_is_refused(tmp_path: Path) -> None:
    helper = _skill(
        "height", "def height(objects):\n    return max(o.position[2] for o in objects)"
    )
    carry = _skill(
        "carry", "def carry(n):\n    grasp(n)\n    move_to([0.0, -0.5, height(perceive())])"
    )
    path = tmp_path / "lib.json"
    path.write_text(json.dumps({"schema_version": 1, "skills": [helper, carry]}))
    skills = load_skills(path, DEFAULT)
    assert skills.names == ["height", "carry"]
    assert skills.called("carry('red block')") == ["carry", "height"]
    path.write_text(json.dumps({"schema_version": 1, "skills": [helper]}))
    with pytest.raises(
        LibraryError, match=r"skills.0.source: function 'height' calls no primitive"
    ):
        load_skills(path, DEFAULT)
