"""Invalid scenario files: every error names the file, the line and the field, and says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepolicy.scenario import Problem, ScenarioError, load_family, load_family_text, validate_file
from codepolicy.scenario.loader import family_from_data

INVALID_DIR = Path(__file__).parent / "invalid"
VALID_DEMO = (Path(__file__).parent / "valid" / "demo-task.yaml").read_text(encoding="utf-8")


# fixture file -> (line, field path, fragment of the message)
CASES: dict[str, tuple[int, str, str]] = {
    "unknown-field": (4, "dificulty", "unknown field 'dificulty'; did you mean 'difficulty'?"),
    "bad-split": (3, "instruction_split", "Input should be 'seen' or 'unseen' (got 'sometimes')"),
    "too-many-blocks": (6, "objects.block.count", "up to 6 blocks need 6 distinct colours"),
    "bad-count": (6, "objects.block.count", "count range [3, 2] is empty"),
    "unknown-kind": (7, "objects.plate", "unknown object kind 'plate'"),
    "pick-unknown-kind": (9, "variables.block.pick", "unknown object kind 'cube'"),
    "unknown-color": (
        6,
        "objects.block.colors.seen[1]",
        "unknown colour 'blu'; did you mean 'blue'?",
    ),
    "unknown-preset": (
        11,
        "variables.location.choice",
        "unknown preset 'corner'; did you mean 'corners'?",
    ),
    "instruction-unknown-var": (13, "instructions[0]", "unknown variable '{blok}' in instruction"),
    "success-unknown-var": (
        15,
        "success.inside.container",
        "unknown variable '{bowel}'; did you mean 'bowl'?",
    ),
    "unknown-predicate": (14, "success", "exactly one predicate key"),
    "unknown-location": (15, "success.at.location", "unknown location 'top middle'"),
    "unknown-object": (15, "success.inside.container", "unknown object 'purple bowl'"),
    "duplicate-key": (5, "difficulty", "duplicate key 'difficulty' (first given on line 4)"),
    "yaml-syntax": (13, "(yaml)", "YAML syntax error"),
    "wrong-type": (17, "budget.max_calls", "valid integer"),
    "missing-field": (16, "budget.max_sim_seconds", "required field is missing"),
    "unquoted-ref": (15, "success.inside.container", 'write "{bowl}"'),
    "quantifier-scope": (17, "success.all[1].on.object", "unknown variable '{b}'"),
    "variable-category": (
        15,
        "success.at.location",
        "'{bowl}' holds an object but is used as a location",
    ),
    "too-many-picks": (12, "variables.other_bowl.pick", "2 distinct objects are picked from bowl"),
    "bad-template": (13, "instructions[0]", "must not carry a format spec"),
    "empty": (1, "(top level)", "the file is empty"),
    "not-a-mapping": (1, "(top level)", "expected a mapping"),
}


def test_every_fixture_has_a_case() -> None:
    assert {p.stem for p in INVALID_DIR.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_file_error_names_file_line_field(name: str) -> None:
    path = INVALID_DIR / f"{name}.yaml"
    line, field, fragment = CASES[name]
    with pytest.raises(ScenarioError) as info:
        load_family(path)
    problems = info.value.problems
    assert problems, name
    match = [p for p in problems if p.path == field and fragment in p.message]
    assert match, f"{name}: no problem at {field!r} containing {fragment!r} in:\n{info.value}"
    problem = match[0]
    assert problem.file == str(path)
    assert problem.line == line, str(problem)
    assert f"{path}:{line}: {field}: " in str(info.value)
    assert "Traceback" not in str(info.value)
    assert validate_file(path) == problems


def test_valid_demo_loads(demo_yaml: Path) -> None:
    family = load_family(demo_yaml)
    assert family.name == "demo-task"
    assert [s.name for s in family.scenarios()] == ["demo-task-seen", "demo-task-unseen"]
    assert validate_file(demo_yaml) == []


def test_problem_format_and_several_problems() -> None:
    text = VALID_DEMO.replace("difficulty: easy", "difficulty: trivial").replace(
        "max_calls: 30", "max_calls: 0"
    )
    with pytest.raises(ScenarioError) as info:
        load_family_text(text, "demo.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("demo.yaml:4: difficulty: ")
    assert lines[1].startswith("demo.yaml:17: budget.max_calls: ")
    assert str(Problem("f.yaml", None, "a.b", "bad")) == "f.yaml: a.b: bad"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_family(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_family(tmp_path)


def test_yes_no_on_off_are_strings() -> None:
    # YAML 1.1 would read the key `on` as a boolean; scenario files use YAML 1.2 booleans.
    text = VALID_DEMO.replace(
        '  inside: {object: "{block}", container: "{bowl}"}',
        '  on: {object: "{block}", target: "{bowl}"}',
    )
    family = load_family_text(text)
    assert type(family.spec.success).__name__ == "On"


def test_data_without_lines_still_names_fields() -> None:
    with pytest.raises(ScenarioError) as info:
        family_from_data({"family": "Bad Name"}, "<dict>")
    paths = {p.path for p in info.value.problems}
    assert {"family", "budget", "success"} <= paths
    assert all(p.line is None for p in info.value.problems)


def test_literal_object_names_must_exist_in_both_splits() -> None:
    text = VALID_DEMO.replace('container: "{bowl}"', 'container: "magenta bowl"')
    with pytest.raises(ScenarioError, match="'magenta' is not a colour"):
        load_family_text(text)


def test_rank_beyond_fewest_objects() -> None:
    text = VALID_DEMO.replace(
        "  location: {choice: corners}",
        "  location: {choice: corners}\n  third: {nth: {kind: block, n: 3, from: left}}",
    )
    with pytest.raises(ScenarioError) as info:
        load_family_text(text, "n.yaml")
    assert "n.yaml:12: variables.third.nth.n: rank 3 is impossible: expected 1..2" in str(
        info.value
    )


def test_quantifier_may_not_shadow_scenario_variable() -> None:
    text = VALID_DEMO.replace(
        '  inside: {object: "{block}", container: "{bowl}"}',
        '  forall: {var: bowl, in: blocks, check: {inside: {object: "{bowl}", container: "{bowl}"}}}',
    )
    with pytest.raises(ScenarioError, match="hides the scenario variable"):
        load_family_text(text)
