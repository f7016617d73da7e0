"""What a model-written program gets wrong *as a program*, said in one sentence each.

Small models often write a program that re-defines the API it was given (``def move_to(...)``,
``class DetectedObject``) instead of calling it, or that defines functions and never calls them (so
nothing moves). These checks find both on the source alone, so the feedback can say so plainly.

Example:
    >>> source = "def grasp(name):\\n    pass\\n\\ndef main():\\n    grasp('red block')\\n"
    >>> d = diagnose(source, {"grasp", "place"})
    >>> d.redefined, d.uncalled
    (['grasp'], ['main'])
    >>> print(d.sentences()[0])
    The program re-defines grasp, which is already provided: call it instead of writing a def for it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from dataclasses import dataclass, field

_DEF_LINE = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)
_CLASS_LINE = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)


@dataclass
class Diagnosis:
    """Program-level mistakes found in a source.

    Attributes:
        redefined: Primitives the program defines itself (``def``/``class``/assignment).
        classes: Classes the program defines (stubs of API types such as ``DetectedObject``).
        uncalled: Top-level functions the program defines but nothing calls.
        syntax_ok: False if the source does not parse; definitions are then found line by line
            and ``uncalled`` is not checked.
    """

    redefined: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    uncalled: list[str] = field(default_factory=list)
    syntax_ok: bool = True

    @property
    def redefines_api(self) -> bool:
        """Whether the program re-defines a primitive or defines a class."""
        return bool(self.redefined or self.classes)

    def sentences(self) -> list[str]:
        """One clear sentence per kind of mistake (empty when there is none)."""
        out = []
        if self.redefined:
            names = ", ".join(self.redefined)
            verb = "is" if len(self.redefined) == 1 else "are"
            out.append(
                f"The program re-defines {names}, which {verb} already provided: "
                "call it instead of writing a def for it."
            )
        if self.classes:
            out.append(
                f"The program defines class {', '.join(self.classes)}; classes are not allowed "
                "and not needed: the functions return plain values."
            )
        if self.uncalled:
            names = ", ".join(f"{n}()" for n in self.uncalled)
            out.append(
                f"The program defines {names} but never calls it, so nothing ran: "
                "call it at the end, or write the steps at the top level."
            )
        return out


def diagnose(source: str, primitives: Collection[str]) -> Diagnosis:
    """Find re-defined primitives, classes and never-called functions in ``source``.

    Args:
        source: The program.
        primitives: Names of the primitives the program may call.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:  # e.g. `def move_to([0.2, 0.3]):`, or an answer cut off mid-docstring
        found = [m for m in _DEF_LINE.findall(source) if m in primitives]
        return Diagnosis(
            redefined=list(dict.fromkeys(found)),
            classes=list(dict.fromkeys(_CLASS_LINE.findall(source))),
            syntax_ok=False,
        )
    redefined: list[str] = []
    classes: list[str] = []
    top_defs: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in primitives and node.name not in redefined:
                redefined.append(node.name)
        elif isinstance(node, ast.ClassDef):
            classes.append(node.name)
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name not in primitives
        ):
            top_defs.append(node.name)
    used = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    } | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    uncalled = [name for name in top_defs if name not in used]
    return Diagnosis(redefined=redefined, classes=classes, uncalled=uncalled)
