"""Program-level mistakes of small models, found on the source alone."""

from __future__ import annotations

import inspect

from codepolicy.feedback.diagnose import diagnose

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


def test_calls_through_an_undefined_object_are_found_but_real_objects_are_not() -> None:
    source = (
        "import numpy as np\nrobot.grasp('a')\nrobot.grasp('b')\nnp.place('x')\n"
        "arm = make()\narm.place('b')\n"
    )
    d = diagnose(source, PRIMITIVES | {"make"})
    assert d.prefixed == [("robot", "grasp")]
    assert d.sentences() == [
        "The functions are called by name, not through an object: "
        "write grasp(...), not robot.grasp(...)."
    ]


def test_too_many_arguments_name_the_primitive_that_takes_them() -> None:
    api = {
        "place": inspect.signature(lambda target: None),
        "pick_and_place": inspect.signature(lambda obj, target: None),
        "say": inspect.signature(lambda message: None),
    }
    source = "place('red block', 'blue bowl')\nplace('a', 'b')\nsay('a', 'b', 'c')\nplace(*xs)\n"
    assert diagnose(source, api).sentences() == [
        "place(target) takes 1 argument, not 2; pick_and_place(obj, target) takes 2.",
        "say(message) takes 1 argument, not 3.",
    ]
    assert diagnose("place('blue bowl')\n", api).sentences() == []
