"""The operator's scene file: valid files load; every problem names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.robot.scene_file import load_scene_file, parse_scene_file
from codepolicy.scenario.errors import ScenarioError

GOOD = """\
objects:
  - name: red block
    kind: block
    colour: red
    x: 0.10
    y: -0.50
  - {name: blue bowl, kind: bowl, colour: blue, x: -0.15, y: -0.45}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scene_file(text, "scene.yaml")
    return [str(p) for p in info.value.problems]


def test_valid_file_loads_in_order(tmp_path: Path) -> None:
    path = tmp_path / "scene.yaml"
    path.write_text(GOOD)
    scene = load_scene_file(path)
    assert [(o.name, o.kind, o.colour, o.x, o.y) for o in scene.objects] == [
        ("red block", "block", "red", 0.10, -0.50),
        ("blue bowl", "bowl", "blue", -0.15, -0.45),
    ]


def test_out_of_workspace_and_unknown_colour_name_their_lines() -> None:
    text = GOOD.replace("x: 0.10", "x: 2.0").replace("colour: blue", "colour: mauve")
    problems = _problems(text)
    assert problems[0].startswith("scene.yaml:5: objects[0].x: ")
    assert "0.3" in problems[0]
    assert problems[1].startswith("scene.yaml:7: objects[1].colour: must be one of blue, red, ")


def test_unknown_field_missing_field_and_wrong_type() -> None:
    problems = _problems("objects:\n  - {name: b, kind: block, colour: red, x: one, z: 1}\n")
    text = "\n".join(problems)
    assert "scene.yaml:2: objects[0].x:" in text
    assert "scene.yaml:2: objects[0].y:" in text and "missing" in text.lower()
    assert "scene.yaml:2: objects[0].z:" in text


def test_duplicate_names_are_refused() -> None:
    text = GOOD.replace("name: blue bowl, kind: bowl", "name: red block, kind: bowl")
    assert _problems(text) == [
        "scene.yaml:7: objects[1].name: 'red block' is already the name of objects[0]; "
        "names must be unique"
    ]


def test_empty_or_not_a_mapping() -> None:
    assert "objects" in _problems("objects: []\n")[0]
    assert _problems("- a\n- b\n")[0].startswith("scene.yaml")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"missing\.yaml: .*cannot read"):
        load_scene_file(tmp_path / "missing.yaml")
