"""Prompt rendering: every variant shows the registry's API, the task, and the replan section."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from codepolicy.planning.extract import find_blocks
from codepolicy.primitives.cap_lmps import HELPER_NAMES
from codepolicy.primitives.default import DEFAULT
from codepolicy.primitives.errors import CATCHABLE_ERRORS
from codepolicy.primitives.registry import Registry
from codepolicy.prompts.reference import HELPER_ERRORS, call_text, summary_text
from codepolicy.prompts.render import (
    PromptTemplateError,
    api_reference,
    object_names_from_scene,
    render_prompt,
    shipped_variants,
)
from codepolicy.sandbox.vetting import vet_program

SCENE = [
    "red block at (0.10, -0.40) on the table",
    "blue block at (-0.10, -0.55) near the middle",
    "green block at (0.20, -0.65) on the table",
    "yellow bowl at (-0.20, -0.35) on the table",
]
INSTRUCTION = "stack all the blocks"

CAP = Registry()


@CAP.primitive
def put_first_on_second(ctx: object, obj: str, target: str | list[float]) -> None:
    """Pick up ``obj`` and put it on ``target`` (an object name or an [x, y] position)."""


@CAP.primitive
def get_obj_pos(ctx: object, name: str) -> np.ndarray:
    """Position [x, y, z] of an object."""


@CAP.primitive
def get_obj_names(ctx: object) -> list[str]:
    """Names of the objects on the table."""


@CAP.primitive
def say(ctx: object, message: str) -> None:
    """Say something."""


def test_shipped_variants_are_package_data() -> None:
    assert shipped_variants() == ["cap", "cot", "few-shot", "zero-shot"]


@pytest.mark.parametrize("variant", ["zero-shot", "few-shot", "cot", "cap"])
@pytest.mark.parametrize("registry", [DEFAULT, CAP], ids=["default", "cap-profile"])
def test_every_variant_shows_every_signature_and_the_task(variant: str, registry: Registry) -> None:
    messages = render_prompt(variant, registry, INSTRUCTION, SCENE)
    assert [m.role for m in messages] == ["system", "user"]
    text = "\n".join(m.content for m in messages)
    for spec in registry:  # shown as calls to make, never as definitions to copy
        assert f"- {call_text(spec)}" in text
        assert summary_text(spec) in text
        assert f"def {spec.name}(" not in text
    helper_lmps = any(name in registry for name in HELPER_NAMES)
    for cls in CATCHABLE_ERRORS:  # the helper-LMP errors only where helper LMPs are
        shown = helper_lmps or cls.__name__ not in HELPER_ERRORS
        assert (cls.__name__ in messages[0].content) == shown
    imports = ("math, numpy (as np), random", "math and np already imported")
    assert any(text in messages[0].content for text in imports)
    assert INSTRUCTION in messages[1].content
    assert "previous program" not in text and "{{" not in text and "{%" not in text


@pytest.mark.parametrize("variant", ["zero-shot", "few-shot", "cot", "cap"])
def test_feedback_adds_the_replan_section(variant: str) -> None:
    feedback = "line 3: grasp('red block') raised GraspMissed"
    user = render_prompt(variant, DEFAULT, INSTRUCTION, SCENE, feedback=feedback)[-1].content
    assert feedback in user
    assert "Write a corrected program" in user
    assert user.index(INSTRUCTION.rstrip(".")) < user.index(feedback)


def test_scene_lines_and_variant_specifics() -> None:
    zero = render_prompt("zero-shot", DEFAULT, INSTRUCTION, SCENE)[1].content
    assert all(f"- {line}" in zero for line in SCENE)
    cot = render_prompt("cot", DEFAULT, INSTRUCTION, SCENE)
    assert "step by step" in cot[0].content and "Reason first" in cot[1].content
    cap = render_prompt("cap", CAP, INSTRUCTION, SCENE)
    assert "objects = ['red block', 'blue block', 'green block', 'yellow bowl']" in cap[1].content
    assert "# stack all the blocks." in cap[1].content
    assert "# put the red block on the green bowl." in cap[0].content
    assert "denormalize_xy" not in cap[0].content  # examples needing absent functions are left out
    empty_scene = render_prompt("zero-shot", DEFAULT, INSTRUCTION, [])[1].content
    assert "(no objects described)" in empty_scene


def test_few_shot_examples_pass_vetting_and_follow_the_registry() -> None:
    system = render_prompt("few-shot", DEFAULT, INSTRUCTION, SCENE)[0].content
    examples = [b.code for b in find_blocks(system) if "def " not in b.code]
    assert len(examples) == 3
    for code in examples:
        report = vet_program(code, DEFAULT)
        assert report.ok, report.summary()
    only_move = DEFAULT.select(["grasp", "place", "say"])
    sparse = render_prompt("few-shot", only_move, INSTRUCTION, SCENE)[0].content
    assert "pick_and_place" not in sparse


def test_api_reference_is_generated_from_the_registry() -> None:
    reference = api_reference(DEFAULT)
    assert reference.count("def ") == len(DEFAULT)
    assert '    """Pick up an object: approach from above' in reference
    assert object_names_from_scene([*SCENE, "the gripper holds the red block"]) == [
        "red block",
        "blue block",
        "green block",
        "yellow bowl",
    ]


def test_unknown_variant_lists_shipped_ones() -> None:
    with pytest.raises(PromptTemplateError) as info:
        render_prompt("two-shot", DEFAULT, INSTRUCTION, SCENE)
    message = str(info.value)
    assert "unknown prompt variant 'two-shot'" in message
    assert "cap, cot, few-shot, zero-shot" in message and "path" in message
    with pytest.raises(PromptTemplateError, match="no template file"):
        render_prompt("/nowhere/mine.jinja", DEFAULT, INSTRUCTION, SCENE)


def test_custom_template_files(tmp_path: Path) -> None:
    child = tmp_path / "mine.jinja"
    child.write_text(
        '{% extends "_base.jinja" %}\n{% block answer_format %}Only code, {{ extra.who }}.'
        "{% endblock %}\n"
    )
    messages = render_prompt(child, DEFAULT, INSTRUCTION, SCENE, extra={"who": "please"})
    assert messages[0].content.endswith("Only code, please.")
    assert "- grasp(name): Pick up an object" in messages[0].content
    standalone = tmp_path / "plain.jinja"
    standalone.write_text('{% if part == "user" %}Do: {{ instruction }}{% endif %}')
    plain = render_prompt(str(standalone), DEFAULT, INSTRUCTION, SCENE)
    assert [(m.role, m.content) for m in plain] == [("user", "Do: stack all the blocks")]


def test_template_errors_name_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jinja"
    broken.write_text("line one\n{% if part == 'user' %}\n{{ instruction }\n{% endif %}\n")
    with pytest.raises(PromptTemplateError) as info:
        render_prompt(broken, DEFAULT, INSTRUCTION, SCENE)
    assert "broken.jinja:3" in str(info.value) and "syntax error" in str(info.value)
    typo = tmp_path / "typo.jinja"
    typo.write_text("hello\n{{ instructoin }}\n")
    with pytest.raises(PromptTemplateError) as undefined:
        render_prompt(typo, DEFAULT, INSTRUCTION, SCENE)
    assert "typo.jinja:2" in str(undefined.value) and "instructoin" in str(undefined.value)
    empty = tmp_path / "empty.jinja"
    empty.write_text("{% if part == 'system' %}system only{% endif %}")
    with pytest.raises(PromptTemplateError, match="user part renders empty"):
        render_prompt(empty, DEFAULT, INSTRUCTION, SCENE)
