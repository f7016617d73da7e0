"""A sentence for a program that made the robot do nothing: empty, no calls, or only looking.

Without it the feedback of an empty program reads like any failure ("blue block is 38 cm from the
green bowl"), and a person or a model has to guess that nothing ran at all.

Example:
    >>> idle_note("# TODO", [], moving={"grasp"}, succeeded=False, completed=True)
    'The program is empty (only comments or blank lines), so the robot did nothing.'
    >>> print(idle_note("x = 1", [], moving={"grasp"}, succeeded=False, completed=True))
    The program ran to its end without calling any primitive, so the robot did nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence

from codepolicy.sandbox.result import CallEvent


def _is_empty(program: str) -> bool:
    """Whether the program has no statements but docstrings, ``pass`` and ``...``."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return False
    for node in tree.body:
        if isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return False
    return True


def idle_note(
    program: str,
    steps: Sequence[CallEvent],
    *,
    moving: Collection[str],
    succeeded: bool,
    completed: bool,
) -> str | None:
    """Why the robot did nothing, when a finished program did not achieve the task and never moved it.

    Args:
        program: The program's source.
        steps: Its primitive calls.
        moving: Names of the primitives that move the robot.
        succeeded: Whether the task was achieved (then there is nothing to say).
        completed: Whether the program ran to its end (errors have their own message).
    """
    if succeeded or not completed:
        return None
    if _is_empty(program):
        return "The program is empty (only comments or blank lines), so the robot did nothing."
    if not steps:
        return "The program ran to its end without calling any primitive, so the robot did nothing."
    if not any(step.primitive in moving for step in steps):
        called = ", ".join(dict.fromkeys(step.primitive for step in steps))
        return (
            f"The program only looked at the scene ({called}) and never moved the robot, so "
            "nothing changed."
        )
    return None
