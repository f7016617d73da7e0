"""What the model is told after a round, at an explicit level, without revealing the task's answer.

The benchmark's instructions hide bindings: "the block closest to the orange bowl" is one object,
"the corner nearest the bowl" one corner, and finding which is part of the task. The world's own
explanation of a failure names them ("orange block is 57 cm from the bottom left corner"), so
feedback built from it would hand the model the answer. Here the text for the model says only
what a person watching could say, and how much of it is chosen by a level:

- ``binary``: whether the task was achieved, and the status.
- ``errors``: plus why the program was refused or stopped (the line quoted), and one sentence for
  program-level mistakes (re-defining a primitive, defining functions it never calls).
- ``explain``: plus the calls made, which conditions of the task hold, and what moved. A line that
  names a hidden binding is replaced by a neutral one.
- ``explain+scene``: plus where every object is now.

Example:
    >>> FEEDBACK_LEVELS
    ('binary', 'errors', 'explain', 'explain+scene')
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Iterable, Mapping

from codepolicy.envs.frame import LOCATIONS
from codepolicy.feedback.diagnose import diagnose
from codepolicy.feedback.model import (
    MAX_TEXT_OUTPUT,
    Feedback,
    FeedbackStatus,
    changes_heading,
    step_text,
)
from codepolicy.scenario.sampler import Episode

FEEDBACK_LEVELS = ("binary", "errors", "explain", "explain+scene")
"""How much the model is told after a failed round, least first."""
DEFAULT_FEEDBACK_LEVEL = "explain"

_HIDDEN_LINE = (
    "a condition of the instruction is not met yet "
    "(which object or place it concerns is for you to work out from the scene)"
)


def hidden_names(episode: Episode) -> set[str]:
    """Values of the episode's variables that its instruction does not say in words.

    Those are the bindings the task asks the program to work out (the block closest to...).
    """
    text = episode.instruction.lower()
    hidden: set[str] = set()
    for value in episode.variables.values():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str) and item.strip() and item.lower() not in text:
                hidden.add(item)
    return hidden


def _mentions(line: str, names: Collection[str]) -> bool:
    lowered = line.lower()
    return any(name.lower() in lowered for name in names)


def _syntax_hint(message: str) -> str:
    if any(word in message for word in ("expected", "never closed", "unterminated", "Perhaps")):
        return ""
    return " (expected a Python statement: plain calls, assignments, if/for/while/def)"


def error_lines(
    feedback: Feedback,
    program: str | None,
    primitives: Collection[str] | Mapping[str, inspect.Signature],
) -> list[str]:
    """Why the program was refused or stopped, each offending line quoted, and program mistakes."""
    lines: list[str] = []
    if feedback.vet is not None and not feedback.vet.ok:
        lines.append("The program was rejected before running:")
        for p in feedback.vet.problems:
            hint = _syntax_hint(p.message) if p.message.startswith("syntax error") else ""
            lines.append(f"  line {p.line}: {p.message}{hint}")
            if p.source_line.strip():
                lines.append(f"    {p.line} | {p.source_line.rstrip()}")
    if feedback.error is not None:
        where = f" at line {feedback.error.line}" if feedback.error.line else ""
        lines.append(f"Error{where}: {feedback.error.type}: {feedback.error.message}")
        if feedback.error.source_line:
            lines.append(f"    {feedback.error.line} | {feedback.error.source_line.strip()}")
    if program:
        lines += diagnose(program, primitives).sentences()
    return lines


def _explanation(feedback: Feedback, hidden: Collection[str]) -> list[str]:
    out: list[str] = []
    for line in feedback.explanation.splitlines():
        if not line.strip():
            continue
        if _mentions(line, hidden):
            neutral = f"  - {_HIDDEN_LINE}"
            if neutral not in out:
                out.append(neutral)
        else:
            out.append(f"  {line}")
    return out


def _changes(changes: list[str], hidden: Collection[str]) -> list[str]:
    """Change lines with hidden *places* left out: "near the top left corner" would name the
    corner the task means when the program put something there. Object names stay: the program
    moved those objects itself, and every object's name is in the scene it was shown."""
    places = [name for name in hidden if name in LOCATIONS]
    out = []
    for line in changes:
        for place in places:
            line = line.replace(f" near the {place}", "")
        out.append(line)
    return out


def model_feedback(
    feedback: Feedback,
    level: str = DEFAULT_FEEDBACK_LEVEL,
    *,
    hidden: Collection[str] = (),
    program: str | None = None,
    primitives: Iterable[str] | Mapping[str, inspect.Signature] = (),
) -> str:
    """The text a model replans from, at ``level`` (one of :data:`FEEDBACK_LEVELS`).

    Args:
        feedback: The round's feedback.
        level: How much to say.
        hidden: Names the instruction hides (:func:`hidden_names`); never shown.
        program: The program that ran, for the program-level sentences.
        primitives: Names of the primitives (or their signatures, to check arguments too), to
            spot programs that re-define them or call them wrongly.

    Raises:
        ValueError: an unknown level.
    """
    if level not in FEEDBACK_LEVELS:
        raise ValueError(
            f"unknown feedback level '{level}'; choose one of {', '.join(FEEDBACK_LEVELS)}"
        )
    rank = FEEDBACK_LEVELS.index(level)
    lines = [f"Status: {feedback.status.value}"]
    if rank >= 1:
        names = primitives if isinstance(primitives, Mapping) else set(primitives)
        lines += error_lines(feedback, program, names)
    if rank >= 2 and feedback.steps:
        # In words: a small model shown ``grasp(name='x') -> [..]`` lines wrote them back as its
        # next program (a syntax error).
        calls = [step_text(e, returned="returned", failed="failed with") for e in feedback.steps]
        shown = calls if len(calls) <= 25 else [*calls[:12], "...", *calls[-12:]]
        lines.append(f"Calls ({len(calls)}; a record of what ran, not code to copy):")
        lines += [f"  - {c}" for c in shown]
    lines.append(f"Task: {'achieved' if feedback.success else 'not achieved'}")
    if rank >= 2 and not feedback.success:
        lines += _explanation(feedback, hidden)
    if rank >= 2:
        if feedback.changes:
            lines.append(changes_heading(feedback.changes_source))
            lines += [f"  {c}" for c in _changes(feedback.changes, hidden)]
        if feedback.output.strip():
            text = feedback.output.strip()[:MAX_TEXT_OUTPUT]
            lines.append("Program output:")
            lines += [f"  {line}" for line in text.splitlines()]
    if rank >= 3 and feedback.scene:
        lines.append("Scene now:")
        lines += [f"  {s}" for s in feedback.scene]
    said_why = any("never calls" in line for line in lines)
    if feedback.status is FeedbackStatus.failed and not feedback.steps and not said_why:
        lines.append("The program ran but called no function, so the robot did nothing.")
    return "\n".join(lines)
