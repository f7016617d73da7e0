"""What a model-written program gets wrong *as a program*, said in one sentence each.

Small models often write a program that re-defines the API it was given (``def move_to(...)``,
``class DetectedObject``) instead of calling it, defines functions and never calls them (so
nothing moves), calls the API through an object that does not exist (``robot.grasp(...)``), or
gives a primitive the arguments of another one (``place(obj, target)``: that is
``pick_and_place``). These checks find them on the source alone, so the feedback can say so plainly.

Example:
    >>> source = "def grasp(name):\\n    pass\\n\\ndef main():\\n    grasp('red block')\\n"
    >>> d = diagnose(source, {"grasp", "place"})
    >>> d.redefined, d.uncalled
    (['grasp'], ['main'])
    >>> print(d.sentences()[0])
    The program re-defines grasp, which is already provided: call it instead of writing a def for it.
    >>> import inspect
    >>> api = {"place": inspect.signature(lambda target: 0),
    ...        "pick_and_place": inspect.signature(lambda obj, target: 0)}
    >>> program = "robot.grasp('red block')\\nplace('red block', 'blue bowl')"
    >>> for line in diagnose(program, {"grasp": api["place"], **api}).sentences():
    ...     print(line)
    The functions are called by name, not through an object: write grasp(...), not robot.grasp(...).
    place(target) takes 1 argument, not 2; pick_and_place(obj, target) takes 2.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from codepolicy.primitives.registry import call_text

_DEF_LINE = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)
_CLASS_LINE = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)


@dataclass
class Diagnosis:
    """Program-level mistakes found in a source.

    Attributes:
        redefined: Primitives the program defines itself (``def``/``class``/assignment).
        classes: Classes the program defines (stubs of API types such as ``DetectedObject``).
        uncalled: Top-level functions the program defines but nothing calls.
        prefixed: ``(prefix, primitive)`` for calls such as ``robot.grasp(...)`` through a name
            the program never defines.
        arity: ``(call, takes, given, alternative)`` for calls with more positional
            arguments than the primitive takes; ``alternative`` is a primitive whose name
            contains it and that takes that many (``pick_and_place(obj, target)``), or "".
        syntax_ok: False if the source does not parse; definitions are then found line by line
            and ``uncalled`` is not checked.
    """

    redefined: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    uncalled: list[str] = field(default_factory=list)
    prefixed: list[tuple[str, str]] = field(default_factory=list)
    arity: list[tuple[str, int, int, str]] = field(default_factory=list)
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
        for prefix, name in self.prefixed:
            out.append(
                "The functions are called by name, not through an object: "
                f"write {name}(...), not {prefix}.{name}(...)."
            )
        for call, takes, given, alternative in self.arity:
            noun = "argument" if takes == 1 else "arguments"
            sentence = f"{call} takes {takes} {noun}, not {given}"
            if alternative:
                sentence += f"; {alternative} takes {given}"
            out.append(sentence + ".")
        return out


def _positional_range(signature: inspect.Signature) -> tuple[int, int]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in signature.parameters.values()):
        return 0, 1 << 30
    params = [p for p in signature.parameters.values() if p.kind in kinds]
    required = [p for p in params if p.default is inspect.Parameter.empty]
    return len(required), len(params)


def _arity(
    tree: ast.AST, signatures: Mapping[str, inspect.Signature]
) -> list[tuple[str, int, int, str]]:
    found: list[tuple[str, int, int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        name = node.func.id
        if name not in signatures or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        given = len(node.args)
        takes = _positional_range(signatures[name])[1]
        if given <= takes:
            continue
        alternative = ""
        for other, signature in signatures.items():
            low, high = _positional_range(signature)
            if other != name and name in other.split("_") and low <= given <= high:
                alternative = call_text(other, signature)
                break
        item = (call_text(name, signatures[name]), takes, given, alternative)
        if item not in found:
            found.append(item)
    return found


def _prefixed(tree: ast.AST, primitives: Collection[str]) -> list[tuple[str, str]]:
    defined = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.attr in primitives
            and node.func.value.id not in defined
            and node.func.value.id not in primitives
        ):
            item = (node.func.value.id, node.func.attr)
            if item not in found:
                found.append(item)
    return found


def diagnose(
    source: str, primitives: Collection[str] | Mapping[str, inspect.Signature]
) -> Diagnosis:
    """Find re-defined primitives, classes, never-called functions, calls through an object that
    does not exist and calls with too many arguments in ``source``.

    Args:
        source: The program.
        primitives: Names of the primitives the program may call, or their call signatures
            (without the context parameter) to check arguments too.
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
    arity = _arity(tree, primitives) if isinstance(primitives, Mapping) else []
    return Diagnosis(
        redefined=redefined,
        classes=classes,
        uncalled=uncalled,
        prefixed=_prefixed(tree, primitives),
        arity=arity,
    )
