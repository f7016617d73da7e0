"""Whether one function may be a skill: the project's vetter accepts it alone, it calls at least
one primitive, and it re-defines no primitive, builtin or preloaded module.

A skill runs before the model's program in the sandbox, so it must stand on its own: it may use
the primitives, the safe builtins, ``np`` and ``math``, itself (recursion) and the other skills
(``defined``: the other top-level functions of its program, or of its library), nothing else the
program around it defined. :func:`resolve` then keeps only functions whose skills are all kept and
that reach a primitive, directly or through them. The same checks run when a library is mined
and when it is loaded.

Example:
    >>> from codepolicy.primitives.profiles import get_profile
    >>> check_function("def grasp(name):\\n    pick_and_place(name, 'middle')", get_profile("default"))
    Traceback (most recent call last):
    ...
    codepolicy.skills.vetting.Refused: re-defines the primitive 'grasp'
    >>> check_function("def put(a, b):\\n    pick_and_place(a, b)", get_profile("default")).primitives
    ['pick_and_place']
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from codepolicy.primitives.registry import Registry
from codepolicy.sandbox import policy
from codepolicy.sandbox.vetting import vet_program


class Refused(ValueError):
    """A function cannot be a skill; the message says why in a few words."""


@dataclass
class CheckedFunction:
    """A function that may be a skill.

    Attributes:
        node: Its parsed ``def``.
        primitives: The primitives it calls, sorted.
        calls: Every name it calls (to follow skills that call other skills).
        uses: The other functions of ``defined`` it calls, in order of first call.
    """

    node: ast.FunctionDef
    primitives: list[str]
    calls: list[str]
    uses: list[str]


def _first_problem(report: object) -> str:
    problems = getattr(report, "problems", [])
    if not problems:
        return "refused by the vetter"
    problem = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"refused by the vetter: line {problem.line}: {problem.message}{more}"


def called_names(node: ast.AST) -> list[str]:
    """Names called as ``name(...)`` anywhere in ``node``, in order of first appearance."""
    names: list[str] = []
    for child in ast.walk(node):
        if not (isinstance(child, ast.Call) and isinstance(child.func, ast.Name)):
            continue
        if child.func.id not in names:
            names.append(child.func.id)
    return names


def check_function(
    source: str, registry: Registry, defined: Collection[str] = ()
) -> CheckedFunction:
    """Check that ``source`` is one ``def`` that may be a skill for ``registry``.

    Args:
        defined: Names of the other functions it may call (its siblings in a program or library).

    Raises:
        Refused: not one plain function, a name that re-defines a primitive or a builtin, refused
            by the vetter, or no primitive and no other function called.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise Refused(f"does not parse: {exc}") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise Refused("is not exactly one function definition")
    node = tree.body[0]
    if node.name in registry:
        raise Refused(f"re-defines the primitive '{node.name}'")
    if (
        node.name in policy.SAFE_BUILTIN_NAMES
        or node.name in policy.PRELOADED_NAMES
        or node.name in policy.ALLOWED_MODULES
        or hasattr(builtins, node.name)
    ):
        raise Refused(f"re-defines the builtin name '{node.name}'")
    if node.decorator_list:
        raise Refused("has a decorator")
    others = set(defined) - {node.name}
    report = vet_program(source, registry, defined=others)
    if not report.ok:
        raise Refused(_first_problem(report))
    calls = called_names(node)
    uses = [name for name in calls if name in others]
    if not report.primitives_used and not others:  # nothing it could be a helper of
        raise Refused("calls no primitive")
    return CheckedFunction(node, sorted(report.primitives_used), calls, uses)


def resolve(functions: Mapping[str, CheckedFunction]) -> dict[str, str]:
    """Which functions of one program (or library) cannot be kept, and why: those calling a
    function that is not kept, those in a cycle of calls between functions, and those that
    neither reach a primitive (directly or through the others) nor help one that does (a pure
    helper such as a geometry function is kept with the skill that calls it). Returns
    name -> reason."""
    refused = {
        name: "calls itself through other functions (a cycle)"
        for name in functions
        if name in _closure(functions, name)
    }
    while True:
        before = len(refused)
        for name, function in functions.items():
            missing = [u for u in function.uses if u not in functions or u in refused]
            if name not in refused and missing:
                refused[name] = f"calls {missing[0]}, which is not kept"
        kept = [n for n in functions if n not in refused]
        roots = [
            n
            for n in kept
            if functions[n].primitives
            or any(functions[u].primitives for u in _closure(functions, n))
        ]
        helpers = set().union(*(_closure(functions, n) for n in roots)) if roots else set()
        for name in kept:
            if name not in roots and name not in helpers:
                refused[name] = "calls no primitive"
        if len(refused) == before:
            return refused


def _closure(functions: Mapping[str, CheckedFunction], name: str) -> set[str]:
    """The functions ``name`` calls, directly or through others."""
    seen: set[str] = set()
    pending = list(functions[name].uses)
    while pending:
        current = pending.pop()
        if current in seen or current not in functions:
            continue
        seen.add(current)
        pending += functions[current].uses
    return seen
