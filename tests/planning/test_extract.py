"""Extracting the program from model answers: fences, prose, reasoning, and no code at all."""

from __future__ import annotations

import pytest

from codepolicy.planning.extract import extract_program, find_blocks, strip_reasoning


def test_single_python_block_with_prose() -> None:
    answer = "Sure! Here is the program:\n\n```python\ngrasp('red block')\nplace('blue bowl')\n```\nDone."
    result = extract_program(answer)
    assert result.ok and result.code == "grasp('red block')\nplace('blue bowl')"
    assert result.blocks_used == 1 and result.syntax_error is None
    assert "python-tagged" in result.reason


@pytest.mark.parametrize("tag", ["python", "py", "Python", "python3", "{.python}"])
def test_python_tags(tag: str) -> None:
    assert extract_program(f"```{tag}\nsay('x')\n```").code == "say('x')"


def test_python_blocks_preferred_over_other_languages() -> None:
    answer = (
        "Install nothing:\n```bash\npip install robot\n```\n"
        "Output:\n```\nok\n```\n"
        "```python\nsay('hello')\n```\n"
        '```json\n{"done": true}\n```'
    )
    result = extract_program(answer)
    assert result.code == "say('hello')" and result.blocks_found == 4


def test_last_python_block_wins_over_drafts() -> None:
    answer = (
        "First attempt:\n```python\ngrasp('red blok')\n```\n"
        "Oops, fixed:\n```python\ngrasp('red block')\nplace('middle')\n```"
    )
    assert extract_program(answer).code == "grasp('red block')\nplace('middle')"


def test_earlier_blocks_defining_used_names_are_joined() -> None:
    answer = (
        "A helper:\n```python\ndef stack(names):\n    for a, b in zip(names[1:], names):\n"
        "        pick_and_place(a, b)\n```\n"
        "Unrelated draft:\n```python\nsay('draft')\n```\n"
        "Constants:\n```python\nTARGET = 'blue bowl'\n```\n"
        "Main:\n```python\nstack(['red block', 'green block'])\nsay(TARGET)\n```"
    )
    result = extract_program(answer)
    assert result.blocks_used == 3
    assert result.code is not None
    assert result.code.startswith("def stack(names):")
    assert "TARGET = 'blue bowl'" in result.code and "draft" not in result.code
    assert result.code.endswith("say(TARGET)")
    assert result.syntax_error is None


def test_untagged_blocks_used_only_if_python() -> None:
    answer = "Plan:\n```\n1. grasp the block\n2. place it\n```\n```\ngrasp('red block')\n```"
    assert extract_program(answer).code == "grasp('red block')"
    assert "untagged" in extract_program(answer).reason


def test_tilde_fences_and_indented_fences() -> None:
    assert extract_program("~~~python\nsay('t')\n~~~").code == "say('t')"
    answer = "1. Do this:\n   ```python\n   for i in range(2):\n       say(str(i))\n   ```"
    assert extract_program(answer).code == "for i in range(2):\n    say(str(i))"


def test_unterminated_fence_is_taken_to_the_end() -> None:
    result = extract_program("```python\ngrasp('red block')\nplace('blue")
    assert result.code == "grasp('red block')\nplace('blue"
    assert "no closing fence" in result.reason
    assert result.syntax_error is not None and result.syntax_error.startswith("line 2")


def test_think_blocks_are_removed() -> None:
    answer = "<think>Maybe ```python\nsay('wrong')\n``` no...</think>\n```python\nsay('right')\n```"
    assert extract_program(answer).code == "say('right')"
    assert strip_reasoning("reasoning without opening</think>\nsay('x')") == "\nsay('x')"
    assert strip_reasoning("say('a')\n<think>cut off mid-thought") == "say('a')\n"
    assert extract_program("<THINKING>hmm</THINKING>say('upper')").code == "say('upper')"


def test_unfenced_code_and_surrounding_prose() -> None:
    assert extract_program("grasp('red block')\nplace('blue bowl')").code == (
        "grasp('red block')\nplace('blue bowl')"
    )
    answer = (
        "Here is the program:\nblocks = get_object_names()\nfor b in blocks:\n    say(b)\n"
        "Hope this helps!"
    )
    result = extract_program(answer)
    assert result.code == "blocks = get_object_names()\nfor b in blocks:\n    say(b)"
    assert result.reason == "unfenced code in the answer"
    assert extract_program("Sure.\nsay('a')\nDone").code == "say('a')"


def test_prose_that_happens_to_parse_is_not_code() -> None:
    result = extract_program("Done")
    assert not result.ok
    assert result.reason == "no Python code found in the answer: 'Done'"


def test_no_code_reason_previews_the_answer() -> None:
    answer = "I cannot see a red block on the table, so I will not move anything. " * 3
    result = extract_program(answer)
    assert result.code is None
    assert result.reason.startswith("no Python code found in the answer: 'I cannot see a red")
    assert result.reason.endswith("…'") and len(result.reason) < 140
    assert extract_program("").reason == "no Python code found in the answer: the answer is empty"
    only_thinking = extract_program("<think>I should grasp it</think>")
    assert "after removing <think> reasoning" in only_thinking.reason
    shell = extract_program("```bash\nls -la\n```")
    assert "1 fenced block(s) (bash) but none is Python" in shell.reason


def test_find_blocks_reports_languages_and_termination() -> None:
    blocks = find_blocks("```python\na = 1\n```\ntext\n````\nb = 2\n```\nstill inside\n````")
    assert [(b.language, b.terminated) for b in blocks] == [("python", True), ("", True)]
    assert blocks[1].code == "b = 2\n```\nstill inside"
