"""The operator's scene file: valid files load; every problem names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.envs.frame import BOWL_FLOOR
from codepolicy.robot.scene_file import load_scene_file, parse_scene_file, placements
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


STACK = """\
objects:
  - {name: green block, kind: block, colour: green, on: red block}
  - {name: red block, kind: block, colour: red, x: 0.10, y: -0.50}
  - {name: blue bowl, kind: bowl, colour: blue, x: -0.15, y: -0.45}
  - {name: yellow block, kind: block, colour: yellow, on: blue bowl}
"""


def test_stacks_and_bowls_resolve_to_heights_supports_first() -> None:
    placed = placements(parse_scene_file(STACK, "scene.yaml"))
    assert [p.name for p in placed] == ["red block", "green block", "blue bowl", "yellow block"]
    where = {p.name: (p.x, p.y, round(p.z, 4), p.on) for p in placed}
    assert where["red block"] == (0.10, -0.50, 0.02, None)
    assert where["green block"] == (0.10, -0.50, 0.06, "red block")  # on its top, same x, y
    assert where["yellow block"] == (-0.15, -0.45, round(BOWL_FLOOR + 0.02, 4), "blue bowl")


def test_a_stacked_object_may_sit_a_little_off_centre() -> None:
    text = STACK.replace("on: red block}", "on: red block, x: 0.11, y: -0.50}")
    placed = {p.name: p for p in placements(parse_scene_file(text, "scene.yaml"))}
    assert placed["green block"].x == 0.11


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("on: red block}", "on: pink block}"),
         "scene.yaml:2: objects[0].on: 'pink block' is not an object of this file"),
        (("on: red block}", "on: green block}"),
         "scene.yaml:2: objects[0].on: an object cannot rest on itself"),
        (("colour: red, x: 0.10, y: -0.50}", "colour: red, on: green block}"),
         "scene.yaml:2: objects[0].on: green block -> red block -> green block is a cycle; "
         "a stack must stand on the table"),
        (("{name: blue bowl, kind: bowl, colour: blue, x: -0.15, y: -0.45}",
          "{name: blue bowl, kind: bowl, colour: blue, on: red block}"),
         "scene.yaml:4: objects[2].on: a bowl stands on the table, not on the 'red block'"),
        (("on: blue bowl}", "on: red block}"),
         "scene.yaml:5: objects[3].on: the 'red block' already carries the 'green block'; "
         "a block carries one object"),
        (("on: red block}", "on: red block, x: 0.13}"),
         "scene.yaml:2: objects[0].x: (0.13, -0.5) is 0.030 m from the centre of the 'red block' "
         "it rests on; at most 0.015 m"),
    ],
)  # fmt: skip
def test_stacking_problems_name_file_line_and_field(change: tuple[str, str], expected: str) -> None:
    assert _problems(STACK.replace(*change)) == [expected]


def test_a_bowl_holds_three_and_several_need_positions() -> None:
    lines = ["objects:", "  - {name: blue bowl, kind: bowl, colour: blue, x: 0, y: -0.5}"]
    for i, colour in enumerate(("red", "green", "yellow", "orange")):
        lines.append(f"  - {{name: {colour} block, kind: block, colour: {colour}, on: blue bowl"
                     + (", x: 0.02, y: -0.5}" if i == 0 else "}"))  # fmt: skip
    problems = _problems("\n".join(lines) + "\n")
    assert (
        "scene.yaml:6: objects[4].on: the 'blue bowl' already carries the 'red block'; "
        "a bowl holds 3" in problems
    )
    assert (
        "scene.yaml:4: objects[2].x: missing: the 'blue bowl' holds 4 objects; give x and y "
        "of each object in a bowl holding several" in problems
    )
    assert not any("objects[1].x" in p for p in problems)  # the red block gave its position
