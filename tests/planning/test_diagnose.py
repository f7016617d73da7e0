"""Program-level mistakes of small models, found on the source alone."""

from __future__ import annotations

from codepolicy.planning.diagnose import diagnose

PRIMITIVES = {"grasp", "place", "move_to", "perceive", "say"}


def test_redefinitions_classes_and_uncalled_functions() -> None:
    source = (
        "class DetectedObject:\n    pass\n\n"
        "def perceive():\n    return []\n\n"
        "def helper():\n    return 1\n\n"
        "def main():\n    grasp('red block')\n"
    )
    d = diagnose(source, PRIMITIVES)
    assert d.redefined == ["perceive"] and d.classes == ["DetectedObject"]
    assert d.uncalled == ["helper", "main"] and d.redefines_api


def test_called_helpers_and_main_guards_are_fine() -> None:
    source = "def main():\n    say('x')\n\nif __name__ == '__main__':\n    main()\n"
    assert diagnose(source, PRIMITIVES).sentences() == []
    assert diagnose("grasp('a')\nplace('b')\n", PRIMITIVES).sentences() == []


def test_unparsable_answers_are_still_checked_line_by_line() -> None:
    d = diagnose('def move_to([0.1, 0.2]):\n    pass\ndef grasp("x"):\n', PRIMITIVES)
    assert not d.syntax_ok and d.redefined == ["move_to", "grasp"]
